// The store's records hold exactly what the engine holds: after every operation of a long mixed
// run, reopening the records gives the state in memory, entry for entry. Each write carries only
// the entries its operation reached, so a change that escaped that tracking would show here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openKmsEngine, AdjustableClock } from '../../../server/src/core/engine/openKmsEngine';
import { openRecords } from '../../../server/src/core/engine/engineJournal';
import type { EngineState } from '../../../server/src/core/engine/engineState';
import type { KmsEngine } from '../../../server/src/core/engine/kmsEngine';
import type { JsonObject } from '../../../server/src/core/engine/kmsEngineApi';
import { b64, openHarness, ROOT, testEnvironment, type Reply } from './engineHarness';
import { opensslAvailable, signClusterCsr } from './clusterCertificates';
import { MemoryStoreBackend } from './memoryStoreBackend';

const ROOT_KEY = new Uint8Array(32).fill(9);
const DAY = 86_400_000;

function plain(state: EngineState): unknown {
  return JSON.parse(JSON.stringify(state));
}

function stateOf(engine: KmsEngine): EngineState {
  return (engine as unknown as { state: EngineState }).state;
}

test('after every operation of a mixed run, the records reopen to exactly the state in memory', async (t) => {
  const store = new MemoryStoreBackend();
  const clock = new AdjustableClock();
  const engine = await openKmsEngine({ environment: testEnvironment(), store, rootKey: ROOT_KEY, clock, transientStateDelayMs: 0 });
  let appends = 0;
  let snapshots = 0;
  const call = async (operation: string, input: JsonObject = {}, caller = ROOT): Promise<Reply> => {
    const before = store.durable.length;
    const reply = await engine.execute(operation, input, caller) as Reply;
    if (store.durable.length === before + 1) appends++;
    else if (store.durable.length === 1) snapshots++;
    const reopened = openRecords(store.durable, ROOT_KEY, 'store');
    assert.deepStrictEqual(plain(reopened.state), plain(stateOf(engine)), `after ${operation} the store differs from memory`);
    return reply;
  };
  // Enough keys that most writes are appended records, not snapshots.
  const keys: string[] = [];
  for (let i = 0; i < 12; i++) keys.push((await call('CreateKey', { Description: `key ${i}` })).KeyMetadata.KeyId);
  const [a, b, c, d] = keys as [string, string, string, string];
  await call('CreateAlias', { AliasName: 'alias/one', TargetKeyId: a });
  await call('UpdateAlias', { AliasName: 'alias/one', TargetKeyId: b });
  await call('CreateAlias', { AliasName: 'alias/two', TargetKeyId: c });
  await call('DeleteAlias', { AliasName: 'alias/two' });
  await call('TagResource', { KeyId: a, Tags: [{ TagKey: 'team', TagValue: 'blue' }] });
  await call('UntagResource', { KeyId: a, TagKeys: ['team'] });
  await call('UpdateKeyDescription', { KeyId: b, Description: 'renamed' });
  await call('DisableKey', { KeyId: c });
  await call('EnableKey', { KeyId: c });
  await call('EnableKeyRotation', { KeyId: d, RotationPeriodInDays: 90 });
  await call('RotateKeyOnDemand', { KeyId: a });
  const grant = await call('CreateGrant', { KeyId: a, GranteePrincipal: 'arn:aws:iam::111122223333:role/app', Operations: ['Decrypt'] });
  await call('RetireGrant', { GrantToken: grant.GrantToken });
  const grant2 = await call('CreateGrant', { KeyId: b, GranteePrincipal: 'arn:aws:iam::111122223333:role/app', Operations: ['Encrypt'] });
  await call('RevokeGrant', { KeyId: b, GrantId: grant2.GrantId });
  const policy = (await call('GetKeyPolicy', { KeyId: c, PolicyName: 'default' })).Policy as string;
  await call('PutKeyPolicy', { KeyId: c, PolicyName: 'default', Policy: policy.replace('Enable IAM User Permissions', 'Root') });
  const primary = (await call('CreateKey', { MultiRegion: true })).KeyMetadata.KeyId as string;
  await call('ReplicateKey', { KeyId: primary, ReplicaRegion: 'us-west-2' });
  await call('CreateAlias', { AliasName: 'alias/doomed', TargetKeyId: keys[5] });
  await call('ScheduleKeyDeletion', { KeyId: keys[5], PendingWindowInDays: 7 });
  await call('ScheduleKeyDeletion', { KeyId: keys[6], PendingWindowInDays: 7 });
  await call('CancelKeyDeletion', { KeyId: keys[6] });
  // The clock passes the deletion date and a rotation date: what it makes due is written too.
  clock.advance(8 * DAY);
  await call('ListKeys', {});
  clock.advance(91 * DAY);
  await call('Encrypt', { KeyId: d, Plaintext: b64('x') });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepStrictEqual(plain(openRecords(store.durable, ROOT_KEY, 'store').state), plain(stateOf(engine)));
  assert.equal(stateOf(engine).keys[`us-east-1/${keys[5]}`], undefined, 'the key was deleted at its date');
  t.diagnostic(`${appends} writes appended as records, ${snapshots} as snapshots, ${store.durable.length} records in the store`);
  assert.ok(appends > 20, 'most writes were appended records');
  await engine.close();
});

test('records that outgrow the snapshot are folded into a new one', async () => {
  const store = new MemoryStoreBackend();
  const engine = await openKmsEngine({ environment: testEnvironment(), store, rootKey: ROOT_KEY, transientStateDelayMs: 0 });
  const { KeyMetadata } = await engine.execute('CreateKey', {}, ROOT) as Reply;
  for (let i = 0; i < 30; i++) await engine.execute('CreateKey', {}, ROOT);
  const description = 'd'.repeat(8000);
  // Each description update is an 8 KB record; the snapshot is about 40 KB: past 4 MB of records it compacts.
  let compacted = false;
  for (let i = 0; i < 700 && !compacted; i++) {
    const before = store.durable.length;
    await engine.execute('UpdateKeyDescription', { KeyId: KeyMetadata.KeyId, Description: `${i}${description}` }, ROOT);
    compacted = store.durable.length < before;
  }
  assert.ok(compacted, 'the records were folded into a snapshot');
  assert.deepStrictEqual(plain(openRecords(store.durable, ROOT_KEY, 'store').state), plain(stateOf(engine)));
  await engine.close();
});

test('a CloudHSM key store run (clusters, HSMs, key store, keys in the cluster) reopens to the state in memory after every step', { skip: opensslAvailable() ? false : 'openssl is needed to sign the cluster CSR' }, async () => {
  const store = new MemoryStoreBackend();
  const h = await openHarness({ store, rootKey: ROOT_KEY, transientStateDelayMs: 5 });
  const same = (step: string) => assert.deepStrictEqual(plain(openRecords(store.durable, ROOT_KEY, 'store').state), plain(stateOf(h.engine)), `after ${step} the store differs from memory`);
  const settleEvents = async () => {
    await new Promise((resolve) => setTimeout(resolve, 15));
    await h.call('ListKeys');
  };
  const hsm = async (operation: string, input: JsonObject) => {
    const reply = await h.engine.executeCloudHsm(operation, input, ROOT) as Reply;
    same(operation);
    return reply;
  };
  const call = async (operation: string, input: JsonObject = {}) => {
    const reply = await h.call(operation, input);
    same(operation);
    return reply;
  };
  const { Cluster } = await hsm('CreateCluster', { HsmType: 'hsm2m.medium', SubnetIds: ['subnet-0a1', 'subnet-0b2'] });
  await settleEvents();
  same('cluster provisioning');
  const csr = (await hsm('DescribeClusters', { Filters: { clusterIds: [Cluster.ClusterId] } })).Clusters[0].Certificates.ClusterCsr;
  const { signedCert, trustAnchor } = signClusterCsr(csr);
  await hsm('InitializeCluster', { ClusterId: Cluster.ClusterId, SignedCert: signedCert, TrustAnchor: trustAnchor });
  await hsm('CreateHsm', { ClusterId: Cluster.ClusterId, AvailabilityZone: 'us-east-1a' });
  await hsm('CreateHsm', { ClusterId: Cluster.ClusterId, AvailabilityZone: 'us-east-1b' });
  await settleEvents();
  same('HSMs becoming active');
  const { CustomKeyStoreId } = await call('CreateCustomKeyStore', { CustomKeyStoreName: 'store', CloudHsmClusterId: Cluster.ClusterId, TrustAnchorCertificate: trustAnchor, KeyStorePassword: 'kmsuser-pass' });
  await call('ConnectCustomKeyStore', { CustomKeyStoreId });
  await settleEvents();
  same('the key store connecting');
  const { KeyMetadata } = await call('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId });
  const { CiphertextBlob } = await call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: b64('in the hsm') });
  await call('ScheduleKeyDeletion', { KeyId: KeyMetadata.KeyId, PendingWindowInDays: 7 });
  await call('CancelKeyDeletion', { KeyId: KeyMetadata.KeyId });
  await call('EnableKey', { KeyId: KeyMetadata.KeyId });
  await call('DisconnectCustomKeyStore', { CustomKeyStoreId });
  await call('UpdateCustomKeyStore', { CustomKeyStoreId, NewCustomKeyStoreName: 'renamed' });
  // A new engine on the records decrypts what the cluster's key encrypted.
  await call('ConnectCustomKeyStore', { CustomKeyStoreId });
  await settleEvents();
  await h.engine.close();
  const reopened = await openKmsEngine({ environment: testEnvironment(), store: new MemoryStoreBackend(store.durable), rootKey: ROOT_KEY, transientStateDelayMs: 5 });
  const { Plaintext } = await reopened.execute('Decrypt', { CiphertextBlob }, ROOT) as Reply;
  assert.equal(Buffer.from(Plaintext, 'base64').toString(), 'in the hsm');
  await reopened.close();
});

test('operations that walk every key or alias still write only what they change', async (t) => {
  const store = new MemoryStoreBackend();
  const clock = new AdjustableClock();
  const engine = await openKmsEngine({ environment: testEnvironment(), store, rootKey: ROOT_KEY, clock, transientStateDelayMs: 0 });
  const keys: string[] = [];
  for (let i = 0; i < 150; i++) {
    const keyId = ((await engine.execute('CreateKey', {}, ROOT)) as Reply).KeyMetadata.KeyId as string;
    keys.push(keyId);
    await engine.execute('CreateAlias', { AliasName: `alias/k${i}`, TargetKeyId: keyId }, ROOT);
  }
  const sizes: Record<string, number> = {};
  const write = async (name: string, operation: () => Promise<unknown>) => {
    const before = store.durable.length;
    await operation();
    assert.equal(store.durable.length, before + 1, `${name} appended one record`);
    sizes[name] = store.durable[store.durable.length - 1]!.length;
  };
  const [a, b, c] = keys as [string, string, string];
  await write('TagResource (every op reads all aliases of its key)', () => engine.execute('TagResource', { KeyId: a, Tags: [{ TagKey: 't', TagValue: 'v' }] }, ROOT));
  const grant = await engine.execute('CreateGrant', { KeyId: b, GranteePrincipal: 'arn:aws:iam::111122223333:role/app', Operations: ['Decrypt'] }, ROOT) as Reply;
  await write('RetireGrant by token alone', () => engine.execute('RetireGrant', { GrantToken: grant.GrantToken }, ROOT));
  await engine.execute('EnableKeyRotation', { KeyId: c, RotationPeriodInDays: 90 }, ROOT);
  await engine.execute('ScheduleKeyDeletion', { KeyId: b, PendingWindowInDays: 7 }, ROOT);
  clock.advance(8 * 86_400_000);
  await write('deletion at its date (key and alias)', () => engine.execute('ListKeys', {}, ROOT));
  clock.advance(90 * 86_400_000);
  await write('automatic rotation', () => engine.execute('ListKeys', {}, ROOT));
  t.diagnostic(Object.entries(sizes).map(([name, bytes]) => `${name}: ${bytes} bytes`).join('; '));
  // One key record is about a kilobyte; a snapshot of this store is over 150 KB.
  for (const [name, bytes] of Object.entries(sizes)) assert.ok(bytes < 8_000, `${name} wrote ${bytes} bytes`);
  assert.deepStrictEqual(plain(openRecords(store.durable, ROOT_KEY, 'store').state), plain(stateOf(engine)));
  await engine.close();
});
