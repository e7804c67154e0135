// AWS managed keys, as the AWS KMS Developer Guide ("AWS managed keys") and the API Reference
// (DescribeKey, ListAliases) describe them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { ACCOUNT, openHarness } from './engineHarness';

test('"If you call DescribeKey on a predefined AWS alias ... KMS creates an AWS managed key": KeyManager AWS, yearly rotation, AWS\'s policy', async () => {
  const { call, engine } = await openHarness();
  const before = await call('ListAliases', {});
  const s3 = before.Aliases.find((a: { AliasName: string }) => a.AliasName === 'alias/aws/s3');
  assert.ok(s3, 'the predefined alias is listed');
  assert.equal(s3.TargetKeyId, undefined, '"aliases that have no TargetKeyId field ... not yet associated with a KMS key"');

  const { KeyMetadata: m } = await call('DescribeKey', { KeyId: 'alias/aws/s3' });
  assert.equal(m.KeyManager, 'AWS');
  assert.equal(m.KeyState, 'Enabled');
  const after = await call('ListAliases', {});
  assert.equal(after.Aliases.find((a: { AliasName: string }) => a.AliasName === 'alias/aws/s3').TargetKeyId, m.KeyId);
  assert.equal((await call('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata.KeyId, m.KeyId, 'created once');

  // "AWS KMS automatically rotates AWS managed keys every year."
  const rotation = await call('GetKeyRotationStatus', { KeyId: m.KeyId });
  assert.equal(rotation.KeyRotationEnabled, true);
  const policy = JSON.parse((await call('GetKeyPolicy', { KeyId: m.KeyId, PolicyName: 'default' })).Policy);
  assert.deepEqual(policy.Statement[0].Condition, { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
  await engine.close();
});

test('nobody can change, disable or delete an AWS managed key, and direct use is denied: only use through the service is allowed', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: m } = await call('DescribeKey', { KeyId: 'alias/aws/ebs' });
  for (const [operation, input] of [
    ['PutKeyPolicy', { KeyId: m.KeyId, PolicyName: 'default', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }],
    ['ScheduleKeyDeletion', { KeyId: m.KeyId, PendingWindowInDays: 7 }],
    ['DisableKey', { KeyId: m.KeyId }],
    ['DisableKeyRotation', { KeyId: m.KeyId }],
    ['Encrypt', { KeyId: 'alias/aws/ebs', Plaintext: Buffer.from('x').toString('base64') }],
  ] as const) {
    assert.equal((await fail(operation, input)).errorName, 'AccessDeniedException', operation);
  }
  const through = engine.scenarioFor({ principalArn: `arn:aws:iam::${ACCOUNT}:root`, action: 'kms:Encrypt', keyRef: m.Arn, context: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } });
  assert.equal(through?.key.keyManager, 'AWS');
  assert.equal(simulateAccess(through!).decision, 'Allow', 'through EC2 in the account');
  await engine.close();
});
