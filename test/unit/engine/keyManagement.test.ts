import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import { b64, NOBODY, openHarness, ROOT, testEnvironment, type Reply } from './engineHarness';

const DAY = 86_400_000;

test('grants let a principal without policies use the key; constraints, tokens, retire and revoke behave', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId, Arn } } = await call('CreateKey', {});
  const enc = await call('Encrypt', { KeyId, Plaintext: b64('p'), EncryptionContext: { app: 'billing' } });
  assert.equal((await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'billing' } }, NOBODY)).errorName, 'AccessDeniedException');
  const grant = await call('CreateGrant', {
    KeyId, GranteePrincipal: NOBODY.principalArn, RetiringPrincipal: ROOT.principalArn, Operations: ['Decrypt'],
    Constraints: { EncryptionContextEquals: { app: 'billing' } }, Name: 'billing-reader',
  });
  assert.match(grant.GrantId, /^[0-9a-f]{64}$/);
  const again = await call('CreateGrant', {
    KeyId, GranteePrincipal: NOBODY.principalArn, RetiringPrincipal: ROOT.principalArn, Operations: ['Decrypt'],
    Constraints: { EncryptionContextEquals: { app: 'billing' } }, Name: 'billing-reader',
  });
  assert.equal(again.GrantId, grant.GrantId, 'a retried named grant answers the same grant');
  const viaGrant = await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'billing' }, GrantTokens: [grant.GrantToken] }, NOBODY);
  assert.equal(Buffer.from(viaGrant.Plaintext, 'base64').toString(), 'p');
  // The constraint: another context is not covered by the grant.
  const other = await call('Encrypt', { KeyId, Plaintext: b64('q'), EncryptionContext: { app: 'hr' } });
  assert.equal((await fail('Decrypt', { CiphertextBlob: other.CiphertextBlob, EncryptionContext: { app: 'hr' } }, NOBODY)).errorName, 'AccessDeniedException');
  assert.equal((await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'billing' }, GrantTokens: ['not-a-token'] }, NOBODY)).errorName, 'InvalidGrantTokenException');
  const listed = await call('ListGrants', { KeyId });
  assert.equal(listed.Grants.length, 1);
  assert.deepEqual(listed.Grants[0].Constraints, { EncryptionContextEquals: { app: 'billing' } });
  assert.equal(listed.Grants[0].KeyId, Arn);
  assert.equal((await call('ListRetirableGrants', { RetiringPrincipal: ROOT.principalArn })).Grants.length, 1);
  await call('RetireGrant', { GrantToken: grant.GrantToken });
  assert.equal((await call('ListGrants', { KeyId })).Grants.length, 0);
  assert.equal((await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'billing' } }, NOBODY)).errorName, 'AccessDeniedException');
  const second = await call('CreateGrant', { KeyId, GranteePrincipal: NOBODY.principalArn, Operations: ['Encrypt'] });
  await call('RevokeGrant', { KeyId, GrantId: second.GrantId });
  assert.equal((await fail('RevokeGrant', { KeyId, GrantId: second.GrantId })).errorName, 'NotFoundException');
  const invalidOp = await fail('CreateGrant', { KeyId, GranteePrincipal: NOBODY.principalArn, Operations: ['Sign'] });
  assert.equal(invalidOp.errorName, 'ValidationException');
  await engine.close();
});

test('tags: add, update, partial untag, and AWS tag errors', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId } } = await call('CreateKey', { Tags: [{ TagKey: 'tag1', TagValue: 'value1' }] });
  await call('TagResource', { KeyId, Tags: [{ TagKey: 'tag2', TagValue: 'value2' }, { TagKey: 'tag1', TagValue: 'new' }] });
  assert.deepEqual((await call('ListResourceTags', { KeyId })).Tags, [{ TagKey: 'tag1', TagValue: 'new' }, { TagKey: 'tag2', TagValue: 'value2' }]);
  await call('UntagResource', { KeyId, TagKeys: ['tag1'] });
  assert.deepEqual((await call('ListResourceTags', { KeyId })).Tags, [{ TagKey: 'tag2', TagValue: 'value2' }]);
  assert.equal((await fail('TagResource', { KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] })).message, 'Duplicate tag keys');
  assert.equal((await fail('TagResource', { KeyId, Tags: [{ TagKey: 'AWS:x', TagValue: '1' }] })).message, 'Tags beginning with aws: are reserved');
  const tooMany = Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
  const error = await fail('CreateKey', { Tags: tooMany });
  assert.deepEqual([error.errorName, error.message], ['TagException', 'Too many tags']);
  const long = await fail('TagResource', { KeyId, Tags: [{ TagKey: 'k', TagValue: 'v'.repeat(257) }] });
  assert.equal(long.message, `1 validation error detected: Value '${'v'.repeat(257)}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`);
  await engine.close();
});

test('rotation: old ciphertexts decrypt after on-demand and automatic rotation; limit and unsupported keys', async () => {
  const clock = new AdjustableClock();
  const { call, fail, engine } = await openHarness({ clock, onDemandRotationLimit: 2 });
  const { KeyMetadata: { KeyId, Arn, CurrentKeyMaterialId: first } } = await call('CreateKey', {});
  const before = await call('Encrypt', { KeyId, Plaintext: b64('old') });
  assert.deepEqual(await call('RotateKeyOnDemand', { KeyId }), { KeyId: Arn });
  const second = (await call('DescribeKey', { KeyId })).KeyMetadata.CurrentKeyMaterialId;
  assert.notEqual(second, first);
  const decrypted = await call('Decrypt', { CiphertextBlob: before.CiphertextBlob });
  assert.equal(decrypted.KeyMaterialId, first);
  assert.equal(Buffer.from(decrypted.Plaintext, 'base64').toString(), 'old');
  assert.equal((await fail('EnableKeyRotation', { KeyId, RotationPeriodInDays: 89 })).message,
    "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90");
  await call('EnableKeyRotation', { KeyId, RotationPeriodInDays: 90 });
  const status = await call('GetKeyRotationStatus', { KeyId });
  assert.equal(status.KeyRotationEnabled, true);
  assert.equal(status.RotationPeriodInDays, 90);
  // Moving the clock past the rotation date rotates automatically.
  clock.advance(91 * DAY);
  const third = (await call('DescribeKey', { KeyId })).KeyMetadata.CurrentKeyMaterialId;
  assert.notEqual(third, second);
  const rotations = (await call('ListKeyRotations', { KeyId })).Rotations as Reply[];
  assert.deepEqual(rotations.map((r) => r.RotationType), ['ON_DEMAND', 'AUTOMATIC']);
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: before.CiphertextBlob })).Plaintext, 'base64').toString(), 'old');
  await call('RotateKeyOnDemand', { KeyId });
  const limit = await fail('RotateKeyOnDemand', { KeyId });
  assert.deepEqual([limit.errorName, limit.message], ['LimitExceededException', `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${Arn}`]);
  const { KeyMetadata: rsa } = await call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
  assert.deepEqual([(await fail('RotateKeyOnDemand', { KeyId: rsa.KeyId })).errorName, (await fail('RotateKeyOnDemand', { KeyId: rsa.KeyId })).message], ['UnsupportedOperationException', '']);
  await call('DisableKey', { KeyId });
  const disabled = await fail('RotateKeyOnDemand', { KeyId });
  assert.deepEqual([disabled.errorName, disabled.message], ['DisabledException', `${Arn} is disabled.`]);
  await engine.close();
});

test('key states: disabled and pending deletion refuse crypto; the clock deletes the key at its date', async () => {
  const clock = new AdjustableClock();
  const { call, fail, engine } = await openHarness({ clock });
  const { KeyMetadata: { KeyId, Arn } } = await call('CreateKey', {});
  await call('CreateAlias', { AliasName: 'alias/doomed', TargetKeyId: KeyId });
  await call('DisableKey', { KeyId });
  const disabled = await fail('Encrypt', { KeyId, Plaintext: b64('x') });
  assert.deepEqual([disabled.errorName, disabled.message], ['DisabledException', `${Arn} is disabled.`]);
  await call('EnableKey', { KeyId });
  assert.equal((await fail('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 6 })).message,
    "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7");
  const scheduled = await call('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
  assert.equal(scheduled.KeyState, 'PendingDeletion');
  assert.equal(scheduled.PendingWindowInDays, 7);
  const pending = await fail('Encrypt', { KeyId, Plaintext: b64('x') });
  assert.deepEqual([pending.errorName, pending.message], ['KMSInvalidStateException', `${Arn} is pending deletion.`]);
  const described = (await call('DescribeKey', { KeyId })).KeyMetadata;
  assert.equal(described.KeyState, 'PendingDeletion');
  assert.equal(described.Enabled, false);
  assert.ok(Math.abs(described.DeletionDate * 1000 - (clock.now().getTime() + 7 * DAY)) < 5000);
  await call('CancelKeyDeletion', { KeyId });
  assert.equal((await call('DescribeKey', { KeyId })).KeyMetadata.KeyState, 'Disabled');
  await call('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 });
  clock.advance(6 * DAY);
  assert.equal((await call('DescribeKey', { KeyId })).KeyMetadata.KeyState, 'PendingDeletion');
  clock.advance(DAY + 1000);
  const gone = await fail('DescribeKey', { KeyId });
  assert.deepEqual([gone.errorName, gone.message], ['NotFoundException', `Key '${Arn}' does not exist`]);
  assert.deepEqual((await call('ListAliases', {})).Aliases.filter((a: { TargetKeyId?: string }) => a.TargetKeyId), [], 'the alias went with its key');
  await engine.close();
});

test('key id forms: invalid ids, missing keys, and ARNs of another Region get AWS NotFoundException texts', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId, Arn } } = await call('CreateKey', {});
  for (const bad of ['fake-key-id', '134f2428cec14b25a1ae9048164dba47', 'mrk-fake-key-id']) {
    assert.equal((await fail('DescribeKey', { KeyId: bad })).message, `Invalid keyId '${bad}'`);
  }
  const missing = '00000000-0000-4000-8000-000000000000';
  assert.equal((await fail('DescribeKey', { KeyId: missing })).message, `Key 'arn:aws:kms:us-east-1:111122223333:key/${missing}' does not exist`);
  const elsewhere = { ...ROOT, region: 'eu-west-1' };
  assert.equal((await fail('DescribeKey', { KeyId }, elsewhere)).message, `Key 'arn:aws:kms:eu-west-1:111122223333:key/${KeyId}' does not exist`);
  assert.equal((await fail('DescribeKey', { KeyId: Arn }, elsewhere)).message, 'Invalid arn us-east-1');
  const big = await fail('Encrypt', { KeyId, Plaintext: b64(Buffer.alloc(4097)) });
  assert.equal(big.message, "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
  for (const [n, text] of [[0, "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"], [1025, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"]] as const) {
    assert.equal((await fail('GenerateRandom', { NumberOfBytes: n })).message, text);
  }
  assert.equal((await fail('GenerateRandom', {})).message, 'NumberOfBytes is required.');
  assert.equal(Buffer.from((await call('GenerateRandom', { NumberOfBytes: 1024 })).Plaintext, 'base64').length, 1024);
  assert.equal((await fail('NoSuchOperation', {})).errorName, 'UnknownOperationException');
  await engine.close();
});

test('listeners hear about changes made by calls and by the clock alone', async () => {
  const clock = new AdjustableClock();
  const { call, engine } = await openHarness({ clock, transientStateDelayMs: 20 });
  let changes = 0;
  const unsubscribe = engine.onDidChange(() => changes++);
  const { KeyMetadata: { KeyId } } = await call('CreateKey', { MultiRegion: true });
  assert.equal(changes, 1);
  await call('Encrypt', { KeyId, Plaintext: b64('x') });
  assert.equal(changes, 1, 'Encrypt changes nothing');
  await call('ReplicateKey', { KeyId, ReplicaRegion: 'eu-west-1' });
  assert.equal(changes, 2);
  // The replica leaves Creating after the transient delay with no call in between.
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(changes, 3);
  await call('ScheduleKeyDeletion', { KeyId, PendingWindowInDays: 7 }, { ...ROOT, region: 'eu-west-1' });
  clock.advance(8 * DAY);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(changes, 5, 'advancing the clock deleted the replica and told the listeners');
  assert.deepEqual((await call('ListKeys', {}, { ...ROOT, region: 'eu-west-1' })).Keys, []);
  unsubscribe();
  await engine.close();
});

test('key tags are aws:ResourceTag condition keys, and enclave-only parameters are refused plainly', async () => {
  const environment = testEnvironment();
  const tagged = {
    arn: 'arn:aws:iam::111122223333:user/tagged',
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } }] }],
    accessKeys: [{ accessKeyId: 'tagged', secretAccessKey: 'tagged' }],
  };
  const { call, fail, engine } = await openHarness({ environment: { ...environment, principals: [...environment.principals, tagged] } });
  const caller = { principalArn: tagged.arn, accountId: '111122223333', accessKeyId: 'tagged', region: 'us-east-1' };
  const { KeyMetadata: payments } = await call('CreateKey', { Tags: [{ TagKey: 'team', TagValue: 'payments' }] });
  const { KeyMetadata: other } = await call('CreateKey', { Tags: [{ TagKey: 'team', TagValue: 'hr' }] });
  assert.ok((await call('Encrypt', { KeyId: payments.KeyId, Plaintext: b64('x') }, caller)).CiphertextBlob);
  assert.equal((await fail('Encrypt', { KeyId: other.KeyId, Plaintext: b64('x') }, caller)).errorName, 'AccessDeniedException');
  const recipient = await fail('GenerateDataKey', { KeyId: payments.KeyId, KeySpec: 'AES_256', Recipient: { AttestationDocument: b64('doc'), KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' } });
  assert.equal(recipient.errorName, 'UnsupportedOperationException');
  await engine.close();
});
