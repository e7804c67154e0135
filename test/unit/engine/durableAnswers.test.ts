// No answer depends on state that is not yet durable, and a write that fails leaves the engine
// as if the request never happened. The store is in memory: its writes can be held back (a
// slow fsync), made to fail (a full or read-only disk), and a crash keeps only what completed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
import type { KmsEngine } from '../../../server/src/core/engine/kmsEngine';
import { KmsServiceError, type JsonObject } from '../../../server/src/core/engine/kmsEngineApi';
import { b64, ROOT, testEnvironment, type Reply } from './engineHarness';
import { diskFull, MemoryStoreBackend, readOnlyDisk, settle } from './memoryStoreBackend';

const ROOT_KEY = new Uint8Array(32).fill(7);

function open(store: MemoryStoreBackend): Promise<KmsEngine> {
  return openKmsEngine({ environment: testEnvironment(), store, rootKey: ROOT_KEY, transientStateDelayMs: 0 });
}

/** Starts a call and records whether (and how) it has answered so far. */
function track(engine: KmsEngine, operation: string, input: JsonObject) {
  const call = { answered: false, reply: undefined as Reply | undefined, error: undefined as unknown, done: undefined as unknown as Promise<void> };
  call.done = engine.execute(operation, input, ROOT).then(
    (reply) => {
      call.answered = true;
      call.reply = reply as Reply;
    },
    (error: unknown) => {
      call.answered = true;
      call.error = error;
    },
  );
  return call;
}

async function decryptsAfterCrash(store: MemoryStoreBackend, ciphertexts: readonly string[]): Promise<number> {
  const reopened = await open(store.crash());
  let lost = 0;
  for (const CiphertextBlob of ciphertexts) {
    try {
      await reopened.execute('Decrypt', { CiphertextBlob }, ROOT);
    } catch {
      lost++;
    }
  }
  await reopened.close();
  return lost;
}

test('a key whose CreateKey is not yet durable is not listed, described or used until it is', async (t) => {
  const store = new MemoryStoreBackend();
  const engine = await open(store);
  store.hold();
  const creating = track(engine, 'CreateKey', { Description: 'in flight' });
  await settle();
  assert.equal(store.pendingWrites, 1, 'the CreateKey write is waiting for the disk');
  const listing = track(engine, 'ListKeys', {});
  await settle();
  // Whatever a client learns before the write is durable, it may use: nothing may answer yet.
  const acknowledged: string[] = [];
  if (listing.answered) {
    const keyId = (listing.reply?.Keys as Array<{ KeyId: string }>)[0]!.KeyId;
    const encrypting = track(engine, 'Encrypt', { KeyId: keyId, Plaintext: b64('acknowledged') });
    await settle();
    if (encrypting.reply) acknowledged.push(encrypting.reply.CiphertextBlob as string);
  }
  assert.equal(creating.answered, false);
  assert.equal(listing.answered, false, 'ListKeys answered while the key it lists was not durable');
  const lost = await decryptsAfterCrash(store, acknowledged);
  t.diagnostic(`${acknowledged.length} ciphertexts acknowledged before the key was durable, ${lost} lost after a crash`);
  assert.equal(lost, 0);
  await engine.close();
});

test('Encrypt during RotateKeyOnDemand waits for the rotation to be durable; after a crash every acknowledged ciphertext decrypts', async (t) => {
  const store = new MemoryStoreBackend();
  const engine = await open(store);
  const { KeyMetadata } = await engine.execute('CreateKey', {}, ROOT) as Reply;
  const KeyId = KeyMetadata.KeyId as string;
  const before = await engine.execute('Encrypt', { KeyId, Plaintext: b64('before') }, ROOT) as Reply;
  store.hold();
  const rotating = track(engine, 'RotateKeyOnDemand', { KeyId });
  await settle();
  const during = Array.from({ length: 5 }, () => track(engine, 'Encrypt', { KeyId, Plaintext: b64('during') }));
  await settle();
  const acknowledged = [before.CiphertextBlob as string, ...during.filter((c) => c.reply).map((c) => c.reply!.CiphertextBlob as string)];
  assert.equal(rotating.answered, false);
  const early = during.filter((c) => c.answered).length;
  const lost = await decryptsAfterCrash(store, acknowledged);
  t.diagnostic(`${acknowledged.length} ciphertexts acknowledged, ${lost} lost after a crash during rotation`);
  assert.equal(lost, 0, `${lost} of ${acknowledged.length} acknowledged ciphertexts cannot be decrypted after the crash`);
  assert.equal(early, 0, 'Encrypt answered before the rotation it used was durable');
  // The requests held behind the lost write fail rather than answer from the discarded state.
  await Promise.all(during.map((c) => c.done));
  assert.ok(during.every((c) => c.error instanceof KmsServiceError && c.error.errorName === 'KMSInternalException'));
  await engine.close();
});

test('answers held behind a slow write come once it is durable, and all of them decrypt after a crash', async (t) => {
  const store = new MemoryStoreBackend();
  const engine = await open(store);
  const { KeyMetadata } = await engine.execute('CreateKey', {}, ROOT) as Reply;
  const KeyId = KeyMetadata.KeyId as string;
  store.hold();
  const rotating = track(engine, 'RotateKeyOnDemand', { KeyId });
  await settle();
  const during = Array.from({ length: 5 }, () => track(engine, 'Encrypt', { KeyId, Plaintext: b64('during') }));
  await settle();
  store.release();
  await Promise.all([rotating.done, ...during.map((c) => c.done)]);
  assert.equal(rotating.error, undefined);
  const acknowledged = during.map((c) => c.reply!.CiphertextBlob as string);
  const lost = await decryptsAfterCrash(store, acknowledged);
  t.diagnostic(`${acknowledged.length} acknowledged after the write completed, ${lost} lost`);
  assert.equal(lost, 0);
  await engine.close();
});

const uncoded = () => new Error("cannot write '/home/someone/project/.kms-policy-store/engine-state.kmsstate' or C:\\Users\\someone\\store");

for (const [name, failure] of [['a full disk (ENOSPC)', diskFull], ['a read-only store (EROFS)', readOnlyDisk], ['an error without a code', uncoded]] as const) {
  test(`a write that fails on ${name} leaves no trace: the key is neither listed nor usable, and the error names no path`, async () => {
    const store = new MemoryStoreBackend();
    const engine = await open(store);
    const kept = await engine.execute('CreateKey', { Description: 'kept' }, ROOT) as Reply;
    store.failWith(failure);
    const error = await engine.execute('CreateKey', { Description: 'never' }, ROOT).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof KmsServiceError, 'CreateKey failed');
    assert.equal(error.errorName, 'KMSInternalException');
    assert.equal(error.httpStatus, 500);
    assert.doesNotMatch(error.message, /\/home|\/[\w.-]+\/[\w.-]+|Users/, `the error names a path: ${error.message}`);
    const rotation = await engine.execute('RotateKeyOnDemand', { KeyId: kept.KeyMetadata.KeyId }, ROOT).then(() => undefined, (e: unknown) => e);
    assert.ok(rotation instanceof KmsServiceError && rotation.errorName === 'KMSInternalException');

    store.heal();
    const { Keys } = await engine.execute('ListKeys', {}, ROOT) as Reply;
    assert.deepEqual(Keys.map((k: { KeyId: string }) => k.KeyId), [kept.KeyMetadata.KeyId], 'only the durable key is listed');
    const { Rotations } = await engine.execute('ListKeyRotations', { KeyId: kept.KeyMetadata.KeyId }, ROOT) as Reply;
    assert.equal(Rotations.length, 0, 'the failed rotation left no material');
    // What is answered now decrypts after a restart.
    const { CiphertextBlob } = await engine.execute('Encrypt', { KeyId: kept.KeyMetadata.KeyId, Plaintext: b64('after') }, ROOT) as Reply;
    assert.equal(await decryptsAfterCrash(store, [CiphertextBlob]), 0);
    await engine.close();
  });
}
