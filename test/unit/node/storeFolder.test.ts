import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureStoreFolder } from '../../../server/src/node/storeFolder';
import { loadRootKey } from '../../../server/src/node/rootKeyFile';
import { openServedEngine } from '../../../server/src/http/servedEngine';

describe('the engine store folder', () => {
  it('is created owner-only with a .gitignore of *, so git never takes the store or its root key', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'kms-store-folder-'));
    try {
      const store = join(repo, '.kms-policy-store');
      await loadRootKey(store, {});
      assert.equal(statSync(store).mode & 0o777, 0o700);
      assert.match(readFileSync(join(store, '.gitignore'), 'utf8'), /^\*$/m);
      const git = (...args: string[]) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
      if (git('init', '-q').status === 0) {
        assert.equal(git('status', '--porcelain', '--untracked-files=all').stdout, '', 'git sees nothing to add');
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('gets its .gitignore also when the root key comes from KMS_POLICY_ROOT_KEY (no key file written)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-store-folder-'));
    try {
      const store = join(dir, 'store');
      const { engine } = await openServedEngine({ storeDir: store, rootKey: new Uint8Array(32).fill(7) });
      await engine.close();
      assert.match(readFileSync(join(store, '.gitignore'), 'utf8'), /^\*$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a folder that already exists as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-store-folder-'));
    try {
      const existing = join(dir, 'mine');
      mkdirSync(existing);
      await ensureStoreFolder(existing);
      assert.equal(existsSync(join(existing, '.gitignore')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
