// Runs the extension in a real VS Code without a desktop: code-server (VS Code for the browser)
// under the Node 24 of `.tools/`. Used by `npm start` and by the integration and e2e tiers:
// prepare a profile (user data and extensions folders), install the extension into it as
// `publisher.name-version`, start code-server on a free loopback port, wait until it answers,
// and stop it with its whole process group.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CODE_SERVER_ENTRY, NODE_BIN, REPO_ROOT, missingCodeServerTools } from './toolPaths.mjs';

/** Settings that keep a fresh VS Code quiet and predictable: no welcome page, tips, trust prompt or chat. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  'json.schemaDownload.enable': false,
  'window.restoreWindows': 'none',
};

/** The folder name VS Code expects for an installed extension: `publisher.name-version`. */
export function extensionFolderName(extensionRoot = REPO_ROOT) {
  const manifest = JSON.parse(readFileSync(join(extensionRoot, 'package.json'), 'utf8'));
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
}

/**
 * Creates a profile: a user-data folder (with the quiet settings plus `settings`) and an
 * extensions folder. Without `root` it is a throwaway folder under the system temp dir.
 * `keepUserSettings` leaves an existing settings.json alone (a lasting profile the user edits).
 */
export function prepareProfile({ root, settings = {}, keepUserSettings = false } = {}) {
  const base = root ?? mkdtempSync(join(tmpdir(), 'kms-studio-vscode-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!(keepUserSettings && existsSync(settingsFile))) {
    writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  }
  return {
    root: base,
    userDataDir,
    extensionsDir,
    /** Removes the profile (only call it for throwaway profiles). */
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** The files `vsce package` would ship, as paths relative to the extension root. */
export async function packagedFiles(extensionRoot = REPO_ROOT) {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const vsce = require('@vscode/vsce');
  return vsce.listFiles({ cwd: extensionRoot, packageManager: vsce.PackageManager.None });
}

/**
 * Installs an extension into `extensionsDir`. `link` points the folder at the working tree (a
 * rebuild and window reload shows changes, as `npm start` wants); otherwise it copies exactly
 * the files the .vsix ships, so tests prove the packaged extension works. Returns its folder.
 */
export async function installExtension(extensionsDir, { extensionRoot = REPO_ROOT, link = false } = {}) {
  const target = join(extensionsDir, extensionFolderName(extensionRoot));
  rmSync(target, { recursive: true, force: true });
  if (link) {
    symlinkSync(extensionRoot, target, 'dir');
    return target;
  }
  const files = extensionRoot === REPO_ROOT ? await packagedFiles(extensionRoot) : listAll(extensionRoot);
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(extensionRoot, file), join(target, file));
  }
  return target;
}

/** Every file under a small extension folder (the test-runner extension has no .vscodeignore). */
function listAll(root, prefix = '') {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listAll(root, rel) : [rel];
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts code-server on `folder` and resolves once its health endpoint answers.
 * `env` is added to the server's environment; it reaches the extension host too.
 * The returned `stop()` ends code-server and everything it started.
 */
export async function startCodeServer({ folder, profile, env = {}, port, logFile, readyTimeoutMs = 60_000 }) {
  const missing = missingCodeServerTools();
  if (missing.length) throw new Error(`code-server is not installed (missing ${missing.join(', ')}); run \`npm run tools\`.`);
  const chosenPort = port ?? (await freePort());
  const args = [
    CODE_SERVER_ENTRY,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${chosenPort}`,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--disable-update-check',
    '--disable-getting-started-override',
    // Its config file stays in the profile, never in the user's home folder.
    '--config', join(profile.root, 'code-server.yaml'),
    folder,
  ];
  const log = logFile ?? join(profile.root, 'code-server.log');
  mkdirSync(dirname(log), { recursive: true });
  const logStream = createWriteStream(log);
  // Its own process group, so that stop() also ends the extension host and language server.
  const child = spawn(NODE_BIN, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));

  const url = `http://127.0.0.1:${chosenPort}`;
  const stop = async () => {
    if (exited) return;
    for (const [signal, waitMs] of [['SIGTERM', 5_000], ['SIGKILL', 2_000]]) {
      try { process.kill(-child.pid, signal); } catch { return; }
      if (await Promise.race([exitedPromise.then(() => true), sleep(waitMs).then(() => false)])) break;
    }
    // The group may still hold the extension host for a moment after the server exits.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group already gone */ }
    logStream.end();
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        return {
          url,
          port: chosenPort,
          logFile: log,
          pid: child.pid,
          /** The workbench URL that opens `target` (a folder). */
          workbenchUrl: (target = folder) => `${url}/?folder=${encodeURIComponent(target)}`,
          stop,
          exited: exitedPromise,
        };
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '';
  throw new Error(`code-server did not answer on ${url} within ${readyTimeoutMs / 1000} s${exited ? ` (it exited: ${JSON.stringify(exited)})` : ''}:\n${tail}`);
}
