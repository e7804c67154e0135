// The engine remembers verdicts for repeated requests; these tests hold it to deciding each
// request against the state and time of that request, exactly as without the cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import { ACCOUNT, NOBODY, READER, b64, openHarness } from './engineHarness';

const rootStatement = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: [rootStatement, ...statements] });
const nobodyMayEncrypt = (condition?: object) => ({
  Sid: 'Nobody',
  Effect: 'Allow',
  Principal: { AWS: NOBODY.principalArn },
  Action: 'kms:Encrypt',
  Resource: '*',
  ...(condition ? { Condition: condition } : {}),
});

async function decision(h: Awaited<ReturnType<typeof openHarness>>, keyId: string, caller = NOBODY): Promise<'Allow' | 'Deny'> {
  try {
    await h.engine.execute('Encrypt', { KeyId: keyId, Plaintext: b64('x') }, caller);
    return 'Allow';
  } catch (error) {
    assert.equal((error as { errorName?: string }).errorName, 'AccessDeniedException');
    return 'Deny';
  }
}

test('a repeated request is evaluated once while nothing changes', async () => {
  let evaluations = 0;
  const h = await openHarness({ decideAccess: (scenario) => (evaluations++, simulateAccess(scenario)) });
  const { KeyMetadata } = await h.call('CreateKey', { Policy: policy(nobodyMayEncrypt()) });
  const before = evaluations;
  for (let i = 0; i < 5; i++) assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
  assert.equal(evaluations - before, 1);
  // A different request (another encryption context) is a different question.
  await h.engine.execute('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: b64('x'), EncryptionContext: { a: 'b' } }, NOBODY);
  assert.equal(evaluations - before, 2);
});

test('a new key policy decides the very next request', async () => {
  const h = await openHarness();
  const { KeyMetadata } = await h.call('CreateKey', { Policy: policy(nobodyMayEncrypt()) });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
  await h.call('PutKeyPolicy', { KeyId: KeyMetadata.KeyId, PolicyName: 'default', Policy: policy() });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
  await h.call('PutKeyPolicy', { KeyId: KeyMetadata.KeyId, PolicyName: 'default', Policy: policy(nobodyMayEncrypt()) });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
});

test('creating and revoking a grant decide the very next request', async () => {
  const h = await openHarness();
  const { KeyMetadata } = await h.call('CreateKey', { Policy: policy() });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
  const { GrantId } = await h.call('CreateGrant', { KeyId: KeyMetadata.KeyId, GranteePrincipal: NOBODY.principalArn, Operations: ['Encrypt'] });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
  await h.call('RevokeGrant', { KeyId: KeyMetadata.KeyId, GrantId });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
});

test('tags read by aws:ResourceTag decide the very next request', async () => {
  const h = await openHarness();
  const { KeyMetadata } = await h.call('CreateKey', { Policy: policy(nobodyMayEncrypt({ StringEquals: { 'aws:ResourceTag/team': 'billing' } })) });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
  await h.call('TagResource', { KeyId: KeyMetadata.KeyId, Tags: [{ TagKey: 'team', TagValue: 'billing' }] });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
  await h.call('UntagResource', { KeyId: KeyMetadata.KeyId, TagKeys: ['team'] });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
});

test('an alias named in a condition decides the very next request', async () => {
  const h = await openHarness();
  const { KeyMetadata } = await h.call('CreateKey', {
    Policy: policy(nobodyMayEncrypt({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/billing' } })),
  });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
  await h.call('CreateAlias', { AliasName: 'alias/billing', TargetKeyId: KeyMetadata.KeyId });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
  await h.call('DeleteAlias', { AliasName: 'alias/billing' });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
});

test('a policy that reads the time is evaluated at the time of each request', async () => {
  const clock = new AdjustableClock();
  const h = await openHarness({ clock });
  const until = new Date(clock.now().getTime() + 60 * 60 * 1000).toISOString();
  const { KeyMetadata } = await h.call('CreateKey', { Policy: policy(nobodyMayEncrypt({ DateLessThan: { 'aws:CurrentTime': until } })) });
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Allow');
  clock.advance(2 * 60 * 60 * 1000);
  assert.equal(await decision(h, KeyMetadata.KeyId), 'Deny');
});

test('the same request from two principals gets each its own verdict', async () => {
  const h = await openHarness();
  const { KeyMetadata } = await h.call('CreateKey', { Policy: policy() });
  assert.equal(await decision(h, KeyMetadata.KeyId, READER), 'Allow');
  assert.equal(await decision(h, KeyMetadata.KeyId, NOBODY), 'Deny');
  assert.equal(await decision(h, KeyMetadata.KeyId, READER), 'Allow');
});
