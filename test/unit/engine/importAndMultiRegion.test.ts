import assert from 'node:assert/strict';
import { constants, createHmac, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, verify as nodeVerify } from 'node:crypto';
import { test } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import { b64, openHarness, ROOT, type Harness } from './engineHarness';

const DAY = 86_400_000;

function wrap(publicKeyB64: string, algorithm: string, material: Buffer): string {
  const key = createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' });
  const oaepHash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  if (algorithm.startsWith('RSAES_OAEP')) return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, material).toString('base64');
  const aesKey = randomBytes(32);
  const wrappedKey = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, aesKey);
  return Buffer.concat([wrappedKey, Buffer.from(aeskwp(aesKey).encrypt(material))]).toString('base64');
}

async function importInto(h: Harness, keyId: string, material: Buffer, algorithm = 'RSAES_OAEP_SHA_256', extra: Record<string, unknown> = {}) {
  const params = await h.call('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: 'RSA_2048' });
  return h.call('ImportKeyMaterial', { KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrap(params.PublicKey, algorithm, material), ...extra });
}

test('imported symmetric material: PendingImport until imported, expiry on the clock, re-import of the same material only', async () => {
  const clock = new AdjustableClock();
  const h = await openHarness({ clock });
  const { call, fail } = h;
  const { KeyMetadata: m } = await call('CreateKey', { Origin: 'EXTERNAL' });
  assert.deepEqual([m.KeyState, m.Enabled, m.Origin, m.CurrentKeyMaterialId], ['PendingImport', false, 'EXTERNAL', undefined]);
  const before = await fail('Encrypt', { KeyId: m.KeyId, Plaintext: b64('x') });
  assert.deepEqual([before.errorName, before.message], ['KMSInvalidStateException', `${m.Arn} is pending import.`]);
  const params = await call('GetParametersForImport', { KeyId: m.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  const material = randomBytes(32);
  const noValidTo = await fail('ImportKeyMaterial', { KeyId: m.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrap(params.PublicKey, 'RSAES_OAEP_SHA_256', material), ExpirationModel: 'KEY_MATERIAL_EXPIRES' });
  assert.equal(noValidTo.message, 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  const validTo = (clock.now().getTime() + 2 * DAY) / 1000;
  const imported = await call('ImportKeyMaterial', { KeyId: m.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrap(params.PublicKey, 'RSAES_OAEP_SHA_256', material), ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
  assert.match(imported.KeyMaterialId, /^[0-9a-f]{64}$/);
  const after = (await call('DescribeKey', { KeyId: m.KeyId })).KeyMetadata;
  assert.deepEqual([after.KeyState, after.ExpirationModel, after.CurrentKeyMaterialId], ['Enabled', 'KEY_MATERIAL_EXPIRES', imported.KeyMaterialId]);
  const enc = await call('Encrypt', { KeyId: m.KeyId, Plaintext: b64('imported') });
  clock.advance(2 * DAY + 1000);
  assert.equal((await call('DescribeKey', { KeyId: m.KeyId })).KeyMetadata.KeyState, 'PendingImport');
  assert.equal((await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob })).message, `${m.Arn} is pending import.`);
  const different = await fail('ImportKeyMaterial', {
    KeyId: m.KeyId, ...(await (async () => { const p = await call('GetParametersForImport', { KeyId: m.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' }); return { ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey, 'RSAES_OAEP_SHA_1', randomBytes(32)) }; })()),
  });
  assert.equal(different.errorName, 'IncorrectKeyMaterialException');
  await importInto(h, m.KeyId, material, 'RSA_AES_KEY_WRAP_SHA_1');
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob })).Plaintext, 'base64').toString(), 'imported');
  await call('DeleteImportedKeyMaterial', { KeyId: m.KeyId });
  const deleted = (await call('DescribeKey', { KeyId: m.KeyId })).KeyMetadata;
  assert.deepEqual([deleted.KeyState, deleted.Enabled, deleted.ExpirationModel], ['PendingImport', false, undefined]);
  assert.equal(deleted.CurrentKeyMaterialId, imported.KeyMaterialId);
  const { KeyMetadata: aws } = await call('CreateKey', {});
  const notExternal = await fail('GetParametersForImport', { KeyId: aws.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  assert.deepEqual([notExternal.errorName, notExternal.message], ['UnsupportedOperationException', `${aws.Arn} origin is AWS_KMS which is not valid for this operation.`]);
  await h.engine.close();
});

test('imported material rotates on demand to NEW_KEY_MATERIAL and old ciphertexts still decrypt', async () => {
  const h = await openHarness();
  const { call, fail } = h;
  const { KeyMetadata: m } = await call('CreateKey', { Origin: 'EXTERNAL' });
  const noPending = await fail('RotateKeyOnDemand', { KeyId: m.KeyId });
  assert.equal(noPending.message, `${m.Arn} is pending import.`);
  const first = await importInto(h, m.KeyId, randomBytes(32));
  const enc = await call('Encrypt', { KeyId: m.KeyId, Plaintext: b64('gen1') });
  assert.equal((await fail('RotateKeyOnDemand', { KeyId: m.KeyId })).message, `No available key material pending rotation for the key: ${m.Arn}.`);
  const second = await importInto(h, m.KeyId, randomBytes(32), 'RSAES_OAEP_SHA_256', { ImportType: 'NEW_KEY_MATERIAL' });
  assert.equal((await call('DescribeKey', { KeyId: m.KeyId })).KeyMetadata.CurrentKeyMaterialId, first.KeyMaterialId);
  const third = await fail('ImportKeyMaterial', await (async () => {
    const p = await call('GetParametersForImport', { KeyId: m.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
    return { KeyId: m.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrap(p.PublicKey, 'RSAES_OAEP_SHA_256', randomBytes(32)), ImportType: 'NEW_KEY_MATERIAL' };
  })());
  assert.match(third.message, new RegExp(`^New key material \\(id: [0-9a-f]{64}\\) cannot be imported into KMS key ${m.KeyId}, because another key material \\(id: ${second.KeyMaterialId}\\) is pending rotation\\.$`));
  await call('RotateKeyOnDemand', { KeyId: m.KeyId });
  assert.equal((await call('DescribeKey', { KeyId: m.KeyId })).KeyMetadata.CurrentKeyMaterialId, second.KeyMaterialId);
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob })).Plaintext, 'base64').toString(), 'gen1');
  await h.engine.close();
});

test('imported ECC signing key (RSA_AES_KEY_WRAP_SHA_256) signs verifiably with the imported private key', async () => {
  const h = await openHarness();
  const { KeyMetadata: m } = await h.call('CreateKey', { Origin: 'EXTERNAL', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await importInto(h, m.KeyId, pair.privateKey.export({ type: 'pkcs8', format: 'der' }), 'RSA_AES_KEY_WRAP_SHA_256');
  const signed = await h.call('Sign', { KeyId: m.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' });
  assert.ok(nodeVerify('sha256', Buffer.from('m'), pair.publicKey, Buffer.from(signed.Signature, 'base64')));
  const wrongCurve = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'der' });
  const { KeyMetadata: other } = await h.call('CreateKey', { Origin: 'EXTERNAL', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  await assert.rejects(importInto(h, other.KeyId, wrongCurve, 'RSA_AES_KEY_WRAP_SHA_256'), { errorName: 'IncorrectKeyMaterialException' });
  await h.engine.close();
});

test('multi-Region keys: replicas share id and material, ciphertexts cross Regions, state and aliases stay per Region, primary moves', async () => {
  const h = await openHarness({ transientStateDelayMs: 0 });
  const { call, fail } = h;
  const west = { ...ROOT, region: 'us-west-2' };
  const { KeyMetadata: primary } = await call('CreateKey', { MultiRegion: true, Description: 'mrk' });
  assert.match(primary.KeyId, /^mrk-[0-9a-f]{32}$/);
  assert.deepEqual(primary.MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: primary.Arn, Region: 'us-east-1' }, ReplicaKeys: [] });
  const replicated = await call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: 'us-west-2' });
  const replicaArn = `arn:aws:kms:us-west-2:111122223333:key/${primary.KeyId}`;
  assert.equal(replicated.ReplicaKeyMetadata.KeyState, 'Creating');
  assert.equal(replicated.ReplicaKeyMetadata.Arn, replicaArn);
  assert.equal(JSON.parse(replicated.ReplicaPolicy).Statement[0].Sid, 'Enable IAM User Permissions');
  const replica = (await call('DescribeKey', { KeyId: primary.KeyId }, west)).KeyMetadata;
  assert.equal(replica.KeyState, 'Enabled');
  assert.equal(replica.CurrentKeyMaterialId, primary.CurrentKeyMaterialId);
  assert.equal(replica.MultiRegionConfiguration.MultiRegionKeyType, 'REPLICA');
  assert.deepEqual(replica.MultiRegionConfiguration.ReplicaKeys, [{ Arn: replicaArn, Region: 'us-west-2' }]);
  const enc = await call('Encrypt', { KeyId: primary.KeyId, Plaintext: b64('across'), EncryptionContext: { r: '1' } });
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { r: '1' } }, west)).Plaintext, 'base64').toString(), 'across');
  const notPrimary = await fail('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: 'eu-west-1' }, west);
  assert.deepEqual([notPrimary.errorName, notPrimary.message], ['UnsupportedOperationException', `${replicaArn} is not a multi-region primary key.`]);
  // Per-Region state and aliases.
  await call('DisableKey', { KeyId: primary.KeyId }, west);
  assert.equal((await call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata.KeyState, 'Enabled');
  await call('CreateAlias', { AliasName: 'alias/west-only', TargetKeyId: primary.KeyId }, west);
  assert.equal((await fail('DescribeKey', { KeyId: 'alias/west-only' })).errorName, 'NotFoundException');
  await call('EnableKey', { KeyId: primary.KeyId }, west);
  // Rotation on the primary reaches the replica, so new ciphertexts still cross Regions.
  await call('RotateKeyOnDemand', { KeyId: primary.KeyId });
  const enc2 = await call('Encrypt', { KeyId: primary.KeyId, Plaintext: b64('rotated') });
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: enc2.CiphertextBlob }, west)).Plaintext, 'base64').toString(), 'rotated');
  await call('UpdatePrimaryRegion', { KeyId: primary.KeyId, PrimaryRegion: 'us-west-2' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal((await call('DescribeKey', { KeyId: primary.KeyId }, west)).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType, 'PRIMARY');
  assert.equal((await call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType, 'REPLICA');
  await h.engine.close();
});

test('a primary with replicas waits in PendingReplicaDeletion until its replicas are deleted, then starts its own window', async () => {
  const clock = new AdjustableClock();
  const h = await openHarness({ clock, transientStateDelayMs: 0 });
  const west = { ...ROOT, region: 'us-west-2' };
  const { KeyMetadata: primary } = await h.call('CreateKey', { MultiRegion: true });
  await h.call('ReplicateKey', { KeyId: primary.KeyId, ReplicaRegion: 'us-west-2' });
  const scheduled = await h.call('ScheduleKeyDeletion', { KeyId: primary.KeyId, PendingWindowInDays: 7 });
  assert.equal(scheduled.KeyState, 'PendingReplicaDeletion');
  const waiting = (await h.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  assert.deepEqual([waiting.KeyState, waiting.PendingDeletionWindowInDays], ['PendingReplicaDeletion', 7]);
  await h.call('ScheduleKeyDeletion', { KeyId: primary.KeyId, PendingWindowInDays: 7 }, west);
  clock.advance(7 * DAY + 1000);
  assert.equal((await h.fail('DescribeKey', { KeyId: primary.KeyId }, west)).errorName, 'NotFoundException');
  const nowPending = (await h.call('DescribeKey', { KeyId: primary.KeyId })).KeyMetadata;
  assert.equal(nowPending.KeyState, 'PendingDeletion');
  assert.ok(nowPending.DeletionDate * 1000 > clock.now().getTime() + 6 * DAY);
  clock.advance(7 * DAY + 1000);
  assert.equal((await h.fail('DescribeKey', { KeyId: primary.KeyId })).errorName, 'NotFoundException');
  await h.engine.close();
});

test('imported HMAC and RSA material is the material the key uses', async () => {
  const h = await openHarness();
  const { KeyMetadata: hmac } = await h.call('CreateKey', { Origin: 'EXTERNAL', KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  const secret = randomBytes(32);
  await importInto(h, hmac.KeyId, secret);
  const mac = await h.call('GenerateMac', { KeyId: hmac.KeyId, Message: b64('msg'), MacAlgorithm: 'HMAC_SHA_256' });
  assert.equal(mac.Mac, createHmac('sha256', secret).update('msg').digest('base64'));
  const described = (await h.call('DescribeKey', { KeyId: hmac.KeyId })).KeyMetadata;
  assert.deepEqual([described.KeyState, described.ExpirationModel, described.CurrentKeyMaterialId], ['Enabled', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined]);
  const { KeyMetadata: rsa } = await h.call('CreateKey', { Origin: 'EXTERNAL', KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await importInto(h, rsa.KeyId, pair.privateKey.export({ type: 'pkcs8', format: 'der' }), 'RSA_AES_KEY_WRAP_SHA_256');
  const published = (await h.call('GetPublicKey', { KeyId: rsa.KeyId })).PublicKey;
  assert.equal(published, pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
  await assert.rejects(importInto(h, hmac.KeyId, randomBytes(16)), { errorName: 'IncorrectKeyMaterialException' });
  await h.engine.close();
});
