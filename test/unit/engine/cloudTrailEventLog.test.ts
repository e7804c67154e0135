// The engine's CloudTrail events kept in its store: they survive a restart on the same store
// (same event ids, LookupEvents finds them), are encrypted under the root key, stay within their
// bound (the newest `limit`, none older than 90 days), and a torn last batch costs only itself.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CloudTrailEventPersistence, MAX_AGE_MS, type CloudTrailEventBackend } from '../../../server/src/core/engine/cloudTrailEventLog';
import { CloudTrailEventHistory } from '../../../server/src/core/engine/cloudTrailLookup';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import { EngineStoreError } from '../../../server/src/core/engine/engineSnapshot';
import { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
import { CLOUDTRAIL_EVENT_FILE, openCloudTrailEventFile } from '../../../server/src/node/cloudTrailEventFile';
import { openFileEngineStore } from '../../../server/src/node/fileEngineStore';
import { ROOT, testEnvironment, type Reply } from './engineHarness';

const scratch = mkdtempSync(join(tmpdir(), 'kms-cloudtrail-store-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
const newFolder = () => join(scratch, `store-${++folders}`);
const ROOT_KEY = new Uint8Array(32).fill(7);

async function openEngine(directory: string, rootKey = ROOT_KEY, clock?: AdjustableClock) {
  const store = await openFileEngineStore(directory);
  return openKmsEngine({ environment: testEnvironment(), store, cloudTrailEvents: await openCloudTrailEventFile(directory), rootKey, clock, transientStateDelayMs: 0 });
}

const eventIds = (engine: { cloudTrailEvents(): Iterable<Record<string, unknown>> }) => [...engine.cloudTrailEvents()].map((e) => `${e.eventName} ${e.eventID}`);

/** Keeps records in memory, as a file would. */
function memoryBackend(): CloudTrailEventBackend & { records: Uint8Array[]; replaced: number } {
  const backend = {
    records: [] as Uint8Array[],
    replaced: 0,
    read: async () => [...backend.records],
    append: async (record: Uint8Array) => void backend.records.push(record),
    replace: async (records: readonly Uint8Array[]) => {
      backend.records = [...records];
      backend.replaced++;
    },
    close: async () => undefined,
  };
  return backend;
}

describe('CloudTrail events in the engine store', () => {
  it('survive a restart of the engine on the same store, with the same event ids', async () => {
    const directory = newFolder();
    const engine = await openEngine(directory);
    const { KeyMetadata } = (await engine.execute('CreateKey', {}, ROOT)) as Reply;
    await engine.execute('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: Buffer.from('secret plaintext').toString('base64'), EncryptionContext: { app: 'orders' } }, ROOT);
    await assert.rejects(engine.execute('DescribeKey', { KeyId: 'alias/missing' }, ROOT));
    const before = eventIds(engine);
    assert.deepEqual(before.map((e) => e.split(' ')[0]), ['CreateKey', 'Encrypt', 'DescribeKey']);
    await engine.close();

    // Encrypted like the rest of the store: neither the context nor the key id is in the file.
    const file = readFileSync(join(directory, CLOUDTRAIL_EVENT_FILE));
    assert.ok(!file.includes('orders') && !file.includes(KeyMetadata.KeyId as string));

    const reopened = await openEngine(directory);
    assert.deepEqual(eventIds(reopened), before);
    const found = reopened.lookupEvents({ attribute: { key: 'EventName', value: 'Encrypt' } });
    assert.equal(found.events.length, 1);
    assert.deepEqual(JSON.parse(found.events[0]!.CloudTrailEvent as string).requestParameters.encryptionContext, { app: 'orders' });
    await reopened.execute('DescribeKey', { KeyId: KeyMetadata.KeyId }, ROOT);
    await reopened.close();

    const third = await openEngine(directory);
    assert.deepEqual(eventIds(third).map((e) => e.split(' ')[0]), ['CreateKey', 'Encrypt', 'DescribeKey', 'DescribeKey']);
    assert.deepEqual(eventIds(third).slice(0, 3), before);
    await third.close();
  });

  it('cannot be read under another root key', async () => {
    const directory = newFolder();
    const engine = await openEngine(directory);
    await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    // The state refuses first; the events alone, under another key, refuse too.
    const history = new CloudTrailEventHistory();
    const file = await openCloudTrailEventFile(directory);
    try {
      await assert.rejects(
        CloudTrailEventPersistence.open(file, new Uint8Array(32).fill(9), history, new AdjustableClock(), 'the store'),
        (error: Error) => error instanceof EngineStoreError && /cannot be decrypted/.test(error.message),
      );
    } finally {
      await file.close();
    }
  });

  it('a torn last batch (a crash in the middle of an append) costs that batch only', async () => {
    const directory = newFolder();
    const engine = await openEngine(directory);
    await engine.execute('CreateKey', {}, ROOT);
    await engine.close();
    appendFileSync(join(directory, CLOUDTRAIL_EVENT_FILE), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    const reopened = await openEngine(directory);
    assert.deepEqual(eventIds(reopened).map((e) => e.split(' ')[0]), ['CreateKey']);
    await reopened.execute('ListKeys', {}, ROOT);
    await reopened.close();
    const third = await openEngine(directory);
    assert.deepEqual(eventIds(third).map((e) => e.split(' ')[0]), ['CreateKey', 'ListKeys']);
    await third.close();
  });

  it('keep the newest `limit` events, rewriting the file when it holds twice that, and none older than 90 days', async () => {
    const backend = memoryBackend();
    const clock = new AdjustableClock();
    const history = new CloudTrailEventHistory(10);
    const persistence = await CloudTrailEventPersistence.open(backend, ROOT_KEY, history, clock, 'memory');
    for (let i = 0; i < 25; i++) {
      history.record('ListKeys', { Limit: i + 1 }, ROOT, clock.now().getTime(), undefined, {}, undefined);
      await persistence.flush();
    }
    assert.equal(backend.replaced, 1, 'one compaction at 21 events for a limit of 10');
    await persistence.close();
    const limits = async (at: AdjustableClock) => {
      const again = new CloudTrailEventHistory(10);
      await CloudTrailEventPersistence.open(backend, ROOT_KEY, again, at, 'memory');
      return [...again.all()].map((c) => (c.requestParameters as { limit: number }).limit);
    };
    assert.deepEqual(await limits(clock), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    clock.advance(MAX_AGE_MS + 1);
    assert.deepEqual(await limits(clock), []);
  });

  it('are written in batches, not per call: a call only queues its event', async () => {
    const backend = memoryBackend();
    const history = new CloudTrailEventHistory();
    const persistence = await CloudTrailEventPersistence.open(backend, ROOT_KEY, history, new AdjustableClock(), 'memory');
    for (let i = 0; i < 100; i++) history.record('ListKeys', {}, ROOT, Date.now(), undefined, {}, undefined);
    assert.equal(backend.records.length, 0);
    await persistence.close();
    assert.equal(backend.records.length, 1);
  });
});
