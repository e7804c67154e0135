import assert from 'node:assert/strict';
import { test } from 'node:test';
import { b64, NOBODY, openHarness, READER, type Reply } from './engineHarness';

test('CreateKey answers AWS-shaped metadata for a symmetric key', async () => {
  const { call, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', { Description: 'test key 123' });
  assert.match(m.KeyId, /^[0-9a-f-]{36}$/);
  assert.equal(m.Arn, `arn:aws:kms:us-east-1:111122223333:key/${m.KeyId}`);
  assert.equal(m.KeyState, 'Enabled');
  assert.equal(m.Enabled, true);
  assert.deepEqual(m.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
  assert.equal(m.KeyManager, 'CUSTOMER');
  assert.equal(m.Origin, 'AWS_KMS');
  assert.equal(m.MultiRegion, false);
  assert.match(m.CurrentKeyMaterialId, /^[0-9a-f]{64}$/);
  assert.equal(typeof m.CreationDate, 'number');
  await engine.close();
});

test('Encrypt then Decrypt round-trips, with and without KeyId, bound to the exact encryption context', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { Arn, KeyId } } = await call('CreateKey', {});
  const enc = await call('Encrypt', { KeyId, Plaintext: b64('secret'), EncryptionContext: { Purpose: 'test' } });
  assert.equal(enc.KeyId, Arn);
  assert.equal(enc.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  const dec = await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { Purpose: 'test' } });
  assert.equal(Buffer.from(dec.Plaintext, 'base64').toString(), 'secret');
  assert.equal(dec.KeyId, Arn);
  assert.match(dec.KeyMaterialId, /^[0-9a-f]{64}$/);
  const withId = await call('Decrypt', { KeyId: Arn, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { Purpose: 'test' } });
  assert.equal(Buffer.from(withId.Plaintext, 'base64').toString(), 'secret');
  for (const context of [undefined, { purpose: 'test' }, { Purpose: 'Test' }, { Purpose: 'test', extra: 'x' }]) {
    const error = await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob, ...(context ? { EncryptionContext: context } : {}) });
    assert.equal(error.errorName, 'InvalidCiphertextException');
    assert.equal(error.message, '');
  }
  const tampered = Buffer.from(enc.CiphertextBlob, 'base64');
  tampered[tampered.length - 1] ^= 1;
  assert.equal((await fail('Decrypt', { CiphertextBlob: tampered.toString('base64'), EncryptionContext: { Purpose: 'test' } })).errorName, 'InvalidCiphertextException');
  await engine.close();
});

test('aliases resolve for crypto operations and list with their target', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId } } = await call('CreateKey', {});
  await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: KeyId });
  const enc = await call('Encrypt', { KeyId: 'alias/app', Plaintext: b64('x') });
  assert.ok(enc.CiphertextBlob);
  const described = await call('DescribeKey', { KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/app' });
  assert.equal(described.KeyMetadata.KeyId, KeyId);
  const { Aliases } = await call('ListAliases', {});
  // Predefined AWS aliases (alias/aws/*) are listed too, without a TargetKeyId until used.
  assert.deepEqual(Aliases.filter((a: Reply) => a.TargetKeyId).map((a: Reply) => [a.AliasName, a.TargetKeyId]), [['alias/app', KeyId]]);
  const dup = await fail('CreateAlias', { AliasName: 'alias/app', TargetKeyId: KeyId });
  assert.equal(dup.errorName, 'AlreadyExistsException');
  const bad = await fail('CreateAlias', { AliasName: 'app', TargetKeyId: KeyId });
  assert.equal(bad.message, 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  const missing = await fail('Encrypt', { KeyId: 'alias/none', Plaintext: b64('x') });
  assert.equal(missing.errorName, 'NotFoundException');
  assert.equal(missing.message, 'Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.');
  await engine.close();
});

test('GenerateDataKey follows the KeySpec/NumberOfBytes rule and its ciphertext decrypts to the plaintext', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId } } = await call('CreateKey', {});
  const dk = await call('GenerateDataKey', { KeyId, KeySpec: 'AES_256' });
  assert.equal(Buffer.from(dk.Plaintext, 'base64').length, 32);
  const dec = await call('Decrypt', { CiphertextBlob: dk.CiphertextBlob });
  assert.equal(dec.Plaintext, dk.Plaintext);
  assert.equal(Buffer.from((await call('GenerateDataKey', { KeyId, NumberOfBytes: 64 })).Plaintext, 'base64').length, 64);
  assert.equal((await fail('GenerateDataKey', { KeyId })).message, 'Please specify either number of bytes or key spec.');
  assert.equal((await fail('GenerateDataKey', { KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 })).message, 'Please specify either number of bytes or key spec.');
  const noPlain = await call('GenerateDataKeyWithoutPlaintext', { KeyId, KeySpec: 'AES_128' });
  assert.equal(noPlain.Plaintext, undefined);
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: noPlain.CiphertextBlob })).Plaintext, 'base64').length, 16);
  await engine.close();
});

test('key policy: default text, PutKeyPolicy lockout check, and enforcement for IAM users', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId, Arn } } = await call('CreateKey', {});
  const { Policy, PolicyName } = await call('GetKeyPolicy', { KeyId });
  assert.equal(PolicyName, 'default');
  assert.deepEqual(JSON.parse(Policy).Statement[0].Principal, { AWS: 'arn:aws:iam::111122223333:root' });
  // The reader's IAM policy allows Encrypt and the key policy delegates to IAM.
  assert.ok((await call('Encrypt', { KeyId, Plaintext: b64('x') }, READER)).CiphertextBlob);
  const denied = await fail('Encrypt', { KeyId, Plaintext: b64('x') }, NOBODY);
  assert.equal(denied.errorName, 'AccessDeniedException');
  assert.match(denied.message, /arn:aws:iam::111122223333:user\/nobody/);
  assert.match(denied.message, /kms:Encrypt/);
  assert.ok(denied.message.includes(Arn));
  // A policy that leaves the caller unable to change it is refused unless the check is bypassed.
  const lockout = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: READER.principalArn }, Action: 'kms:Decrypt', Resource: '*' }] });
  const refused = await fail('PutKeyPolicy', { KeyId, Policy: lockout });
  assert.equal(refused.errorName, 'MalformedPolicyDocumentException');
  assert.equal(refused.message, 'The new key policy will not allow you to update the key policy in the future.');
  await call('PutKeyPolicy', { KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true });
  // Now the key policy names only the reader: even the root user is locked out of the key.
  assert.equal((await fail('GetKeyPolicy', { KeyId })).errorName, 'AccessDeniedException');
  assert.equal((await fail('Encrypt', { KeyId, Plaintext: b64('x') })).errorName, 'AccessDeniedException');
  await engine.close();
});

test('ListKeys pages through the keys of the caller account and Region', async () => {
  const { call, engine } = await openHarness();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await call('CreateKey', {})).KeyMetadata.KeyId);
  const first = await call('ListKeys', { Limit: 2 });
  assert.equal(first.Keys.length, 2);
  assert.equal(first.Truncated, true);
  const second = await call('ListKeys', { Limit: 2, Marker: first.NextMarker });
  assert.equal(second.Truncated, false);
  assert.deepEqual([...first.Keys, ...second.Keys].map((k: Reply) => k.KeyId).sort(), ids.sort());
  const elsewhere = await call('ListKeys', {}, { principalArn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'test', region: 'eu-west-1' });
  assert.deepEqual(elsewhere.Keys, []);
  await engine.close();
});

test('UpdateAlias moves an alias between keys of the same type; DeleteAlias removes it; descriptions update', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: a } = await call('CreateKey', {});
  const { KeyMetadata: b } = await call('CreateKey', {});
  const { KeyMetadata: signing } = await call('CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  await call('CreateAlias', { AliasName: 'alias/current', TargetKeyId: a.KeyId });
  const blob = (await call('Encrypt', { KeyId: 'alias/current', Plaintext: b64('v1') })).CiphertextBlob;
  await call('UpdateAlias', { AliasName: 'alias/current', TargetKeyId: b.KeyId });
  assert.equal((await call('Encrypt', { KeyId: 'alias/current', Plaintext: b64('v2') })).KeyId, b.Arn);
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: blob })).Plaintext, 'base64').toString(), 'v1');
  assert.equal((await fail('UpdateAlias', { AliasName: 'alias/current', TargetKeyId: signing.KeyId })).errorName, 'ValidationException');
  assert.deepEqual((await call('ListAliases', { KeyId: b.KeyId })).Aliases.map((x: Reply) => x.AliasName), ['alias/current']);
  await call('DeleteAlias', { AliasName: 'alias/current' });
  assert.equal((await fail('DeleteAlias', { AliasName: 'alias/current' })).errorName, 'NotFoundException');
  await call('UpdateKeyDescription', { KeyId: a.KeyId, Description: 'renamed' });
  assert.equal((await call('DescribeKey', { KeyId: a.KeyId })).KeyMetadata.Description, 'renamed');
  assert.deepEqual(await call('ListKeyPolicies', { KeyId: a.KeyId }), { PolicyNames: ['default'], Truncated: false });
  await engine.close();
});

test('an encryption context key named __proto__ is bound like any other key', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: { KeyId } } = await call('CreateKey', {});
  const context = JSON.parse('{"__proto__": "x", "a": "b"}') as Record<string, string>;
  const enc = await call('Encrypt', { KeyId, Plaintext: b64('p'), EncryptionContext: context });
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context })).Plaintext, 'base64').toString(), 'p');
  assert.equal((await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { a: 'b' } })).errorName, 'InvalidCiphertextException');
  await engine.close();
});

test('account-level actions (CreateKey, ListKeys, GenerateRandom) are decided by IAM policies alone', async () => {
  const { fail, engine } = await openHarness();
  for (const [operation, input] of [['CreateKey', {}], ['ListKeys', {}], ['GenerateRandom', { NumberOfBytes: 8 }], ['ListAliases', {}]] as const) {
    const denied = await fail(operation, input, NOBODY);
    assert.equal(denied.errorName, 'AccessDeniedException');
    assert.match(denied.message, new RegExp(`kms:${operation}`));
  }
  await engine.close();
});
