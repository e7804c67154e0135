// The .vsix users install: built by vsce from the bundles with the .vscodeignore allowlist,
// small, and free of sources, tests, source maps and node_modules.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as yauzl from 'yauzl';

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const MAX_VSIX_BYTES = 3 * 1024 * 1024;

function listEntries(zipPath: string): Promise<string[]> {
  return new Promise((resolveEntries, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('unreadable zip'));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolveEntries(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('the packaged .vsix', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'kms-studio-vsix-'));
  const vsix = join(outDir, 'kms-key-policy-studio.vsix');
  let entries: string[] = [];

  before(async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'client', 'extension.js'))) {
      const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
    // The same vsce invocation as `npm run package` (the README's screenshot stays a relative
    // link, shown from inside the extension), written to a temporary folder.
    const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const packaged = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(packaged.status, 0, `vsce package failed:\n${packaged.stdout}\n${packaged.stderr}`);
    entries = await listEntries(vsix);
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('is what the package script builds: vsce without bundled node_modules, README links kept relative', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(manifest.scripts.package, /vsce package --no-dependencies --no-rewrite-relative-links/);
  });

  it('stays under 3 MB', () => {
    const size = statSync(vsix).size;
    assert.ok(size < MAX_VSIX_BYTES, `${vsix} is ${size} bytes`);
  });

  it('holds the manifest and the three bundles', () => {
    for (const needed of ['extension/package.json', 'extension/dist/client/extension.js', 'extension/dist/server/serverMain.js', 'extension/dist/cli/kms-policy.js']) {
      assert.ok(entries.includes(needed), `${needed} missing from the .vsix; it holds ${entries.join(', ')}`);
    }
  });

  it('holds no sources, tests, source maps, examples or node_modules', () => {
    const forbidden = entries.filter((name) =>
      /\.ts$/.test(name) ||
      /\.map$/.test(name) ||
      /(^|\/)(test|node_modules|client\/src|server\/src|scripts|examples|\.tools|\.vscode-test)\//.test(name),
    );
    assert.deepEqual(forbidden, []);
  });

  it('holds every file the manifest points at', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const referenced = new Set<string>();
    // Every "./relative/path" string anywhere in the manifest (main, grammars, icons, schemas ...).
    const walk = (value: unknown): void => {
      if (typeof value === 'string' && /^\.\/[\w./-]+\.\w+$/.test(value)) referenced.add(value.slice(2));
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(manifest);
    const missing = [...referenced].filter((path) => !entries.includes(`extension/${path}`));
    assert.deepEqual(missing, [], `the manifest names files the .vsix lacks`);
  });
});
