import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
import { encryptSnapshot, EngineStoreError } from '../../../server/src/core/engine/engineSnapshot';
import { emptyEngineState, type EngineState } from '../../../server/src/core/engine/engineState';
import { EngineStoreLockedError, EngineStoreRolledBackError, GENERATION_FILE, openFileEngineStore, SNAPSHOT_FILE, LOCK_FILE } from '../../../server/src/node/fileEngineStore';
import { loadRootKey, ROOT_KEY_FILE } from '../../../server/src/node/rootKeyFile';
import { b64, ROOT, testEnvironment } from './engineHarness';

function tempStore(): string {
  return mkdtempSync(join(tmpdir(), 'kms-engine-store-'));
}

async function openAt(directory: string) {
  const { key } = await loadRootKey(directory, {});
  return openKmsEngine({ environment: testEnvironment(), store: await openFileEngineStore(directory), rootKey: key, storeDescription: directory, transientStateDelayMs: 0 });
}

test('keys, aliases and material survive a restart, and old ciphertexts decrypt after it', async () => {
  const dir = tempStore();
  try {
    let engine = await openAt(dir);
    const { KeyMetadata: { KeyId } } = await engine.execute('CreateKey', { Description: 'kept' }, ROOT) as Record<string, Record<string, string>>;
    await engine.execute('CreateAlias', { AliasName: 'alias/kept', TargetKeyId: KeyId }, ROOT);
    const { CiphertextBlob } = await engine.execute('Encrypt', { KeyId, Plaintext: b64('survives') }, ROOT) as Record<string, string>;
    await engine.close();
    // Owner-only permissions on the directory, the snapshot and the root key file.
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, SNAPSHOT_FILE)).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, ROOT_KEY_FILE)).mode & 0o777, 0o600);
    // Nothing readable at rest: the description and key material do not appear in the file.
    assert.ok(!readFileSync(join(dir, SNAPSHOT_FILE)).includes(Buffer.from('kept')));

    engine = await openAt(dir);
    const described = await engine.execute('DescribeKey', { KeyId: 'alias/kept' }, ROOT) as Record<string, Record<string, string>>;
    assert.equal(described.KeyMetadata.KeyId, KeyId);
    assert.equal(described.KeyMetadata.Description, 'kept');
    const { Plaintext } = await engine.execute('Decrypt', { CiphertextBlob }, ROOT) as Record<string, string>;
    assert.equal(Buffer.from(Plaintext, 'base64').toString(), 'survives');
    await engine.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('concurrent writes are all durable when acknowledged', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    const created = await Promise.all(Array.from({ length: 20 }, () => engine.execute('CreateKey', {}, ROOT) as Promise<Record<string, Record<string, string>>>));
    await engine.close();
    const reopened = await openAt(dir);
    const { Keys } = await reopened.execute('ListKeys', { Limit: 1000 }, ROOT) as { Keys: Array<{ KeyId: string }> };
    assert.deepEqual(Keys.map((k) => k.KeyId).sort(), created.map((c) => c.KeyMetadata.KeyId).sort());
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt store is refused with a clear error and left byte-for-byte untouched', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    const path = join(dir, SNAPSHOT_FILE);
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(path, bytes);
    await assert.rejects(openAt(dir), (error: Error) => error instanceof EngineStoreError && /is corrupt/.test(error.message) && error.message.includes(dir));
    assert.deepEqual(readFileSync(path), bytes);
    // The failed open released the lock: fixing the file lets the next open proceed.
    await assert.rejects(openAt(dir), EngineStoreError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a foreign file in place of the store is refused and kept as it was', async () => {
  const dir = tempStore();
  try {
    const path = join(dir, SNAPSHOT_FILE);
    writeFileSync(path, '{"not": "an engine store"}');
    await assert.rejects(openAt(dir), /not a KMS Key Policy Studio engine store/);
    assert.equal(readFileSync(path, 'utf8'), '{"not": "an engine store"}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store written under another root key cannot be opened', async () => {
  const dir = tempStore();
  try {
    const first = await openKmsEngine({ environment: testEnvironment(), store: await openFileEngineStore(dir), rootKey: new Uint8Array(32).fill(1) });
    await first.execute('CreateKey', {}, ROOT);
    await first.close();
    await assert.rejects(
      openKmsEngine({ environment: testEnvironment(), store: await openFileEngineStore(dir), rootKey: new Uint8Array(32).fill(2) }),
      /different root key/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second process on the same store is refused with the holder pid, and a dead holder lock is taken over', async () => {
  const dir = tempStore();
  const script = `
    import { openFileEngineStore } from ${JSON.stringify(join(process.cwd(), 'server/src/node/fileEngineStore.ts'))};
    await openFileEngineStore(${JSON.stringify(dir)});
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const scriptPath = join(dir, 'holder.mts');
  writeFileSync(scriptPath, script);
  const child = spawn(process.execPath, ['--import', 'tsx', scriptPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    await assert.rejects(openFileEngineStore(dir), (error: Error) => error instanceof EngineStoreLockedError && error.pid === child.pid && error.message.includes(`in use by process ${child.pid}`));
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  try {
    // The holder died without unlocking: its lock is stale and the next open takes it.
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(child.pid));
    const store = await openFileEngineStore(dir);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(process.pid));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second open of the same store in the same process is refused until the first closes', async () => {
  const dir = tempStore();
  try {
    const first = await openFileEngineStore(dir);
    await assert.rejects(openFileEngineStore(dir), (error: Error) => error instanceof EngineStoreLockedError && error.pid === process.pid);
    await first.close();
    await (await openFileEngineStore(dir)).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the root key comes from KMS_POLICY_ROOT_KEY or an owner-only file, never a readable one', async () => {
  const dir = tempStore();
  try {
    const hex = 'ab'.repeat(32);
    assert.equal(Buffer.from((await loadRootKey(dir, { KMS_POLICY_ROOT_KEY: hex })).key).toString('hex'), hex);
    await assert.rejects(loadRootKey(dir, { KMS_POLICY_ROOT_KEY: 'xyz' }), /64 hexadecimal characters/);
    const first = await loadRootKey(dir, {});
    const again = await loadRootKey(dir, {});
    assert.deepEqual(again.key, first.key);
    chmodSync(join(dir, ROOT_KEY_FILE), 0o644);
    await assert.rejects(loadRootKey(dir, {}), /can be read by other users \(mode 644\); run: chmod 600/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn last record (a write never acknowledged) is cut off on open; every acknowledged key is there', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(((await engine.execute('CreateKey', {}, ROOT)) as Record<string, Record<string, string>>).KeyMetadata.KeyId);
    await engine.close();
    const path = join(dir, SNAPSHOT_FILE);
    const intact = readFileSync(path);
    // A kill mid-append: a frame header that promises more than was written, then a zero-filled page.
    const torn = Buffer.concat([intact, Buffer.from([0x00, 0x04, 0x00, 0x00, 1, 2, 3, 4]), Buffer.alloc(100, 7)]);
    writeFileSync(path, torn);
    const reopened = await openAt(dir);
    const { Keys } = await reopened.execute('ListKeys', {}, ROOT) as { Keys: Array<{ KeyId: string }> };
    assert.deepEqual(Keys.map((k) => k.KeyId).sort(), [...ids].sort());
    await reopened.execute('CreateKey', {}, ROOT);
    await reopened.close();
    assert.equal((await openAt(dir).then(async (e) => {
      const listed = await e.execute('ListKeys', {}, ROOT) as { Keys: unknown[] };
      await e.close();
      return listed.Keys.length;
    })), 9, 'the next write went where the torn one began');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged record followed by intact ones is refused as corruption, not cut off as a torn write', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    for (let i = 0; i < 8; i++) await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    const path = join(dir, SNAPSHOT_FILE);
    const bytes = readFileSync(path);
    // The records are appended after the snapshot: damage one in the middle of the file's tail.
    bytes[bytes.length - 1500] ^= 0xff;
    writeFileSync(path, bytes);
    await assert.rejects(openAt(dir), (error: Error) => error instanceof EngineStoreError && /corrupt/.test(error.message));
    assert.deepEqual(readFileSync(path), bytes, 'left untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an older copy of the state file put back is refused instead of opening with fewer keys', async () => {
  const dir = tempStore();
  try {
    let engine = await openAt(dir);
    await engine.execute('CreateKey', { Description: 'first' }, ROOT);
    await engine.close();
    const path = join(dir, SNAPSHOT_FILE);
    const backup = readFileSync(path);
    engine = await openAt(dir);
    await engine.execute('CreateKey', { Description: 'second' }, ROOT);
    await engine.close();
    writeFileSync(path, backup);
    await assert.rejects(openAt(dir), (error: Error) => error instanceof EngineStoreRolledBackError && /older state than it last acknowledged/.test(error.message) && error.message.includes(GENERATION_FILE));
    assert.deepEqual(readFileSync(path), backup, 'left untouched');
    // Deleting the generation file is how a user says the older state is what they want.
    rmSync(join(dir, GENERATION_FILE));
    engine = await openAt(dir);
    const { Keys } = await engine.execute('ListKeys', {}, ROOT) as { Keys: unknown[] };
    assert.equal(Keys.length, 1);
    await engine.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store whose state file was deleted is refused instead of starting empty', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    rmSync(join(dir, SNAPSHOT_FILE));
    await assert.rejects(openAt(dir), (error: Error) => error instanceof EngineStoreRolledBackError && /has lost its state file/.test(error.message));
    rmSync(join(dir, GENERATION_FILE));
    const empty = await openAt(dir);
    assert.equal(((await empty.execute('ListKeys', {}, ROOT)) as { Keys: unknown[] }).Keys.length, 0);
    await empty.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store whose root key file is missing is refused, and no new key is made', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    rmSync(join(dir, ROOT_KEY_FILE));
    await assert.rejects(loadRootKey(dir, {}), /holds encrypted state .* but its root key file .* is missing/);
    assert.equal(existsSync(join(dir, ROOT_KEY_FILE)), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store of the earlier whole-file format opens, and is rewritten as records on open', async () => {
  const dir = tempStore();
  try {
    const { key } = await loadRootKey(dir, {});
    const state = emptyEngineState();
    const seeded = await openKmsEngine({ environment: testEnvironment(), transientStateDelayMs: 0 });
    const { KeyMetadata } = await seeded.execute('CreateKey', { Description: 'from v1' }, ROOT) as Record<string, Record<string, string>>;
    Object.assign(state.keys, (seeded as unknown as { state: EngineState }).state.keys);
    await seeded.close();
    writeFileSync(join(dir, SNAPSHOT_FILE), encryptSnapshot(state, key), { mode: 0o600 });
    const engine = await openAt(dir);
    const described = await engine.execute('DescribeKey', { KeyId: KeyMetadata.KeyId }, ROOT) as Record<string, Record<string, string>>;
    assert.equal(described.KeyMetadata.Description, 'from v1');
    await engine.close();
    assert.equal(readFileSync(join(dir, SNAPSHOT_FILE))[9], 2, 'rewritten in the record format');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compaction folds the records into a new snapshot on disk; the state before it, put back, is refused', async () => {
  const dir = tempStore();
  try {
    const engine = await openAt(dir);
    const { KeyMetadata: { KeyId } } = await engine.execute('CreateKey', {}, ROOT) as Record<string, Record<string, string>>;
    const path = join(dir, SNAPSHOT_FILE);
    const generation = () => Number(readFileSync(join(dir, GENERATION_FILE), 'utf8').trim().split(' ')[0]);
    const before = generation();
    const beforeCompaction = readFileSync(path);
    // Past 4 MB of records (and twice the snapshot) the store writes a new snapshot.
    let largest = 0;
    let description = '';
    for (let i = 0; generation() === before; i++) {
      description = `${i} ${'d'.repeat(8000)}`;
      await engine.execute('UpdateKeyDescription', { KeyId, Description: description }, ROOT);
      largest = Math.max(largest, statSync(path).size);
      assert.ok(i < 1000, 'compaction happened');
    }
    assert.ok(statSync(path).size < largest / 10, `the file shrank from ${largest} to ${statSync(path).size} bytes`);
    await engine.close();
    const reopened = await openAt(dir);
    assert.equal(((await reopened.execute('DescribeKey', { KeyId }, ROOT)) as Record<string, Record<string, string>>).KeyMetadata.Description, description);
    await reopened.close();
    writeFileSync(path, beforeCompaction);
    await assert.rejects(openAt(dir), EngineStoreRolledBackError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a kill at any byte of an append leaves a store that opens with every write acknowledged before it', async (t) => {
  const dir = tempStore();
  const copy = tempStore();
  try {
    const engine = await openAt(dir);
    const acknowledged: string[] = [];
    for (let i = 0; i < 6; i++) acknowledged.push(((await engine.execute('CreateKey', {}, ROOT)) as Record<string, Record<string, string>>).KeyMetadata.KeyId);
    const path = join(dir, SNAPSHOT_FILE);
    const generationBefore = readFileSync(join(dir, GENERATION_FILE));
    const lengthBefore = statSync(path).size;
    // The write the kill interrupts: never acknowledged, so the generation file has not counted it.
    await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    const complete = readFileSync(path);
    let trials = 0;
    for (let cut = lengthBefore; cut < complete.length; cut += 7) {
      for (const tail of [Buffer.alloc(0), Buffer.alloc(complete.length - cut, 0), Buffer.alloc(complete.length - cut, 0x5a)]) {
        rmSync(copy, { recursive: true, force: true });
        mkdirSync(copy, { mode: 0o700 });
        writeFileSync(join(copy, ROOT_KEY_FILE), readFileSync(join(dir, ROOT_KEY_FILE)), { mode: 0o600 });
        writeFileSync(join(copy, GENERATION_FILE), generationBefore, { mode: 0o600 });
        writeFileSync(join(copy, SNAPSHOT_FILE), Buffer.concat([complete.subarray(0, cut), tail]), { mode: 0o600 });
        const reopened = await openAt(copy);
        const { Keys } = await reopened.execute('ListKeys', {}, ROOT) as { Keys: Array<{ KeyId: string }> };
        assert.deepEqual(Keys.map((k) => k.KeyId).sort(), [...acknowledged].sort(), `cut at ${cut} of ${complete.length}`);
        await reopened.close();
        trials++;
      }
    }
    t.diagnostic(`${trials} torn appends (cut short, zero-filled, garbage-filled), every acknowledged key present each time`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});
