// Where the engine's API answered differently from AWS KMS, each test citing the API Reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
import { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
import type { AuthenticatedCaller } from '../../../server/src/core/engine/kmsEngineApi';
import { KEY_SPEC_ENUM, KEY_SPECS } from '../../../server/src/core/engine/keySpecs';
import { GRANT_OPERATIONS, grantOperationsFor } from '../../../server/src/core/catalog/kmsCuratedFacts';
import { ACCOUNT, openHarness } from './engineHarness';

test('CreateGrant: "Valid principals include Amazon Web Services accounts, IAM users, IAM roles, federated users, and assumed role users": other text is refused', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', {});
  const spaced = await fail('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: 'not an arn', Operations: ['Decrypt'] });
  assert.equal(spaced.errorName, 'ValidationException');
  assert.match(spaced.message, /Value 'not an arn' at 'granteePrincipal' failed to satisfy constraint/);
  const word = await fail('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: 'alice', Operations: ['Decrypt'] });
  assert.equal(word.errorName, 'ValidationException');
  const retiring = await fail('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/reader`, RetiringPrincipal: 'nobody', Operations: ['Decrypt'] });
  assert.equal(retiring.errorName, 'ValidationException');
  await call('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/reader`, Operations: ['Decrypt'] });
  await engine.close();
});

test('ListRetirableGrants: "You must specify a principal in your Amazon Web Services account": another account\'s grants are not listed to it', async () => {
  const other = '444455556666';
  const base = defaultEnvironment();
  const environment = {
    ...base,
    accounts: [...base.accounts, { id: other, serviceControlPolicies: [], resourceControlPolicies: [] }],
    principals: [...base.principals, { arn: `arn:aws:iam::${other}:root`, identityPolicies: [], accessKeys: [{ accessKeyId: 'other', secretAccessKey: 'other' }] }],
  };
  const engine = await openKmsEngine({ environment, transientStateDelayMs: 0 });
  const owner: AuthenticatedCaller = { principalArn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'test', region: 'us-east-1' };
  const stranger: AuthenticatedCaller = { principalArn: `arn:aws:iam::${other}:root`, accountId: other, accessKeyId: 'other', region: 'us-east-1' };
  const retiring = `arn:aws:iam::${ACCOUNT}:role/Retirer`;
  const key = (await engine.execute('CreateKey', {}, owner)) as { KeyMetadata: { KeyId: string } };
  await engine.execute('CreateGrant', { KeyId: key.KeyMetadata.KeyId, GranteePrincipal: retiring, RetiringPrincipal: retiring, Operations: ['Decrypt'] }, owner);
  const mine = (await engine.execute('ListRetirableGrants', { RetiringPrincipal: retiring }, owner)) as { Grants: unknown[] };
  assert.equal(mine.Grants.length, 1);
  const theirs = (await engine.execute('ListRetirableGrants', { RetiringPrincipal: retiring }, stranger)) as { Grants: unknown[] };
  assert.deepEqual(theirs.Grants, [], 'the other account names a principal that is not its own');
  await engine.close();
});

test('RetireGrant "can be called by the Amazon Web Services account in which the grant is created"', async () => {
  const { call, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', {});
  const { GrantId } = await call('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/reader`, RetiringPrincipal: `arn:aws:iam::${ACCOUNT}:user/reader`, Operations: ['Decrypt'] });
  const listed = await call('ListGrants', { KeyId: m.KeyId });
  assert.equal(listed.Grants[0].IssuingAccount, `arn:aws:iam::${ACCOUNT}:root`);
  await call('RetireGrant', { KeyId: m.Arn, GrantId });
  assert.equal((await call('ListGrants', { KeyId: m.KeyId })).Grants.length, 0);
  await engine.close();
});

test('the KeySpec validation message lists every key spec the engine creates, ECC_NIST_EDWARDS25519 included', async () => {
  assert.deepEqual([...KEY_SPEC_ENUM].sort(), Object.keys(KEY_SPECS).sort());
  const { fail, engine } = await openHarness();
  const error = await fail('CreateKey', { KeySpec: 'RSA_1024' });
  assert.match(error.message, /ECC_NIST_EDWARDS25519/);
  await engine.close();
});

test('an alias name with a character the alias rule refuses quotes the rule it breaks', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', {});
  const error = await fail('CreateAlias', { AliasName: 'alias/has:colon', TargetKeyId: m.KeyId });
  const pattern = /pattern: (.+)$/.exec(error.message)?.[1];
  assert.ok(pattern, error.message);
  assert.equal(new RegExp(pattern).test('alias/has:colon'), false, 'the quoted pattern must refuse the name');
  await engine.close();
});

test('"the operations in a grant must be appropriate for the key": the one table the key explorer offers is what CreateGrant accepts', async () => {
  const { call, fail, engine } = await openHarness();
  for (const [KeySpec, KeyUsage] of [['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'], ['RSA_2048', 'SIGN_VERIFY'], ['HMAC_256', 'GENERATE_VERIFY_MAC'], ['ECC_NIST_P256', 'KEY_AGREEMENT']] as const) {
    const { KeyMetadata: m } = await call('CreateKey', { KeySpec, KeyUsage });
    const valid = grantOperationsFor(KeyUsage, KeySpec);
    await call('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/reader`, Operations: [...valid] });
    for (const op of GRANT_OPERATIONS.filter((o) => !valid.includes(o))) {
      assert.equal((await fail('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/reader`, Operations: [op] })).errorName, 'ValidationException', `${op} on ${KeySpec}`);
    }
  }
  assert.ok(!grantOperationsFor('ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT').includes('Sign'));
  await engine.close();
});
