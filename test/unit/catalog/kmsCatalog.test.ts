// The catalog comes from AWS's Service Authorization Reference (iam-data); these tests pin
// what the rules rely on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConditionOperator } from '../../../server/src/core/catalog/conditionOperators';
import { kmsCatalog } from '../../../server/src/core/catalog/kmsCatalog';
import { CROSS_ACCOUNT_ACTIONS, GRANT_OPERATIONS, isKnownRegion } from '../../../server/src/core/catalog/kmsCuratedFacts';

const catalog = kmsCatalog();

describe('KMS catalog', () => {
  it('knows the KMS actions, case-insensitively, and no other service', () => {
    assert.equal(catalog.actions.length, 56);
    assert.equal(catalog.action('kms:decrypt')?.name, 'Decrypt');
    assert.equal(catalog.action('KMS:ReEncryptFrom')?.qualifiedName, 'kms:ReEncryptFrom');
    assert.equal(catalog.action('s3:GetObject'), undefined);
    assert.equal(catalog.action('kms:Decrpyt'), undefined);
  });

  it('expands action wildcards as IAM does', () => {
    assert.deepEqual(catalog.matchActions('kms:GenerateDataKey*').map((a) => a.name), ['GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateDataKeyWithoutPlaintext']);
    assert.deepEqual(catalog.matchActions('kms:?ncrypt').map((a) => a.name), ['Encrypt']);
    assert.equal(catalog.matchActions('*').length, 56);
    assert.equal(catalog.matchActions('kms:*').length, 56);
    assert.equal(catalog.matchActions('*:Decrypt').length, 1);
    assert.deepEqual(catalog.matchActions('s3:*'), []);
  });

  it('derives the IAM-only actions from the actions that are not performed on a key', () => {
    const iamOnly = catalog.actions.filter((a) => a.resourceTypes.length === 0).map((a) => a.name);
    for (const name of ['CreateKey', 'ListKeys', 'ListAliases', 'GenerateRandom', 'CreateCustomKeyStore', 'ConnectCustomKeyStore']) assert.ok(iamOnly.includes(name), name);
    assert.ok(!iamOnly.includes('Decrypt') && !iamOnly.includes('CreateAlias'));
  });

  it('looks up condition keys with their types, including variable ones', () => {
    assert.equal(catalog.conditionKey('kms:CallerAccount')?.type, 'String');
    assert.equal(catalog.conditionKey('KMS:CALLERACCOUNT')?.key, 'kms:CallerAccount');
    assert.equal(catalog.conditionKey('kms:GrantOperations')?.type, 'ArrayOfString');
    assert.equal(catalog.conditionKey('kms:EncryptionContext:aws:cloudtrail:arn')?.key, 'kms:EncryptionContext:${EncryptionContextKey}');
    assert.equal(catalog.conditionKey('kms:EncryptionContextKeys')?.type, 'ArrayOfString');
    assert.equal(catalog.conditionKey('aws:PrincipalTag/team')?.global, true);
    assert.equal(catalog.conditionKey('aws:SourceIp')?.type, 'IPAddress');
    assert.equal(catalog.conditionKey('kms:EncryptionContext:'), undefined);
    assert.equal(catalog.conditionKey('s3:prefix'), undefined);
    assert.ok(catalog.conditionKey('kms:ViaService')!.actions.includes('Decrypt'));
  });

  it('keeps the curated tables consistent with the generated actions', () => {
    for (const name of CROSS_ACCOUNT_ACTIONS) assert.ok(catalog.action(`kms:${name}`), name);
    for (const name of GRANT_OPERATIONS) assert.ok(catalog.action(`kms:${name}`), name);
    assert.ok(isKnownRegion('eu-west-1') && !isKnownRegion('us-east-7'));
  });

  it('splits condition operators into set operator, base and IfExists', () => {
    const p = parseConditionOperator('ForAnyValue:StringLikeIfExists');
    assert.deepEqual([p.setOperator, p.base?.name, p.ifExists], ['ForAnyValue', 'StringLike', true]);
    assert.equal(parseConditionOperator('NullIfExists').base?.name, 'Null');
    assert.equal(parseConditionOperator('StringEqual').base, undefined);
    assert.equal(parseConditionOperator('ForSomeValues:StringEquals').badPrefix, 'ForSomeValues');
  });
});

describe('wildcard matching', () => {
  it('matches as IAM does, ignoring case', async () => {
    const { wildcardMatches } = await import('../../../server/src/core/catalog/wildcardMatch');
    assert.ok(wildcardMatches('kms:Create*', 'KMS:createGrant'));
    assert.ok(wildcardMatches('*', ''));
    assert.ok(wildcardMatches('us-*-1', 'us-east-1'));
    assert.ok(wildcardMatches('ec2.?s-east-1.*', 'ec2.us-east-1.amazonaws.com'));
    assert.ok(!wildcardMatches('us-*-2', 'us-east-1'));
    assert.ok(!wildcardMatches('Decrypt?', 'Decrypt'));
  });
  it('stays fast on patterns built to make a backtracking matcher explode', async () => {
    const { wildcardMatches } = await import('../../../server/src/core/catalog/wildcardMatch');
    assert.ok(!wildcardMatches('*a'.repeat(40) + 'b', 'a'.repeat(5_000)));
  });
});
