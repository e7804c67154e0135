import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseTypedKeyLocation,
  keyIdForRequests,
  typedKeyLocations,
  typedKeyProblem,
  typedKeyReference,
  typedListedKey,
  unusableForSelection,
  type DescribeOutcome,
} from '../../../client/src/kms/typedKeyReference';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:eu-west-1:111122223333:key/${KEY_ID}`;
const ALIAS_ARN = 'arn:aws:kms:eu-west-1:111122223333:alias/app-secrets';

describe('a key typed into a key picker', () => {
  it('reads the four forms KMS takes as KeyId, and a bare alias name', () => {
    assert.deepEqual(typedKeyReference(KEY_ID), { kind: 'keyId', text: KEY_ID });
    assert.deepEqual(typedKeyReference(` ${KEY_ARN} `), {
      kind: 'keyArn',
      text: KEY_ARN,
      arn: { partition: 'aws', region: 'eu-west-1', account: '111122223333', resourceType: 'key', resource: KEY_ID },
    });
    assert.deepEqual(typedKeyReference('alias/app-secrets'), { kind: 'aliasName', text: 'alias/app-secrets' });
    assert.equal(typedKeyReference(ALIAS_ARN)?.kind, 'aliasArn');
    assert.deepEqual(typedKeyReference('app-secrets'), { kind: 'aliasName', text: 'alias/app-secrets' });
  });

  it('refuses what KMS would refuse, saying what it takes', () => {
    assert.equal(typedKeyReference(''), undefined);
    assert.equal(typedKeyReference('arn:aws:kms:eu-west-1:111122223333:key/not-a-key-id'), undefined);
    assert.equal(typedKeyReference('arn:aws:iam::111122223333:role/App'), undefined);
    assert.equal(typedKeyReference('alias/has space'), undefined);
    assert.equal(typedKeyProblem('arn:aws:iam::111122223333:role/App'), 'Not a KMS key or alias ARN: arn:aws:kms:REGION:ACCOUNT:key/KEY-ID or …:alias/NAME.');
    assert.equal(typedKeyProblem('has space'), 'Not a key id (a UUID or mrk-…) nor an alias name (letters, digits, /, _ and -): A key id, key ARN, alias name (alias/…) or alias ARN.');
    assert.equal(typedKeyProblem(KEY_ARN), undefined);
  });

  it('looks for an ARN in its own Region only, for an id or alias in every browsed Region', () => {
    const backends = [
      { id: 'embedded', regions: ['us-east-1', 'eu-west-1'] },
      { id: 'aws:dev', regions: ['us-east-1'] },
    ];
    assert.deepEqual(typedKeyLocations(typedKeyReference(ALIAS_ARN)!, backends), [
      { backendId: 'embedded', region: 'eu-west-1' },
      { backendId: 'aws:dev', region: 'eu-west-1' },
    ]);
    assert.deepEqual(typedKeyLocations(typedKeyReference(KEY_ID)!, backends), [
      { backendId: 'embedded', region: 'us-east-1' },
      { backendId: 'embedded', region: 'eu-west-1' },
      { backendId: 'aws:dev', region: 'us-east-1' },
    ]);
  });

  it('uses the one place that knows the key, and asks only when several may hold it', () => {
    const here = { backendId: 'embedded', region: 'us-east-1' };
    const there = { backendId: 'embedded', region: 'eu-west-1' };
    const found: DescribeOutcome = { location: here, metadata: { KeyId: KEY_ID } };
    const missing: DescribeOutcome = { location: there, errorName: 'NotFoundException', error: 'NotFoundException: Alias … is not found.' };
    const denied: DescribeOutcome = { location: there, errorName: 'AccessDeniedException', error: 'AccessDeniedException: not authorized' };
    assert.deepEqual(chooseTypedKeyLocation([found, missing]), { use: found });
    assert.deepEqual(chooseTypedKeyLocation([missing, denied]), { use: denied });
    assert.deepEqual(chooseTypedKeyLocation([{ ...denied, location: here }, denied]), { ask: [{ ...denied, location: here }, denied] });
    assert.deepEqual(chooseTypedKeyLocation([missing]), { none: [missing] });
  });

  it('carries what the text says when DescribeKey is refused, and sends the text as KeyId', () => {
    const alias = typedKeyReference('alias/app-secrets')!;
    const aliasKey = typedListedKey(alias, undefined, 'AccessDeniedException: no');
    assert.deepEqual(aliasKey, { metadata: { KeyId: undefined }, aliases: ['alias/app-secrets'], describeError: 'AccessDeniedException: no' });
    assert.equal(keyIdForRequests({ key: aliasKey, typed: 'alias/app-secrets' }), 'alias/app-secrets');
    const arnKey = typedListedKey(typedKeyReference(KEY_ARN)!);
    assert.deepEqual(arnKey, { metadata: { KeyId: KEY_ID, Arn: KEY_ARN }, aliases: [] });
    assert.equal(keyIdForRequests({ key: arnKey, typed: KEY_ARN }), KEY_ARN);
    const described = typedListedKey(typedKeyReference(ALIAS_ARN)!, { KeyId: KEY_ID, Arn: KEY_ARN });
    assert.deepEqual(described, { metadata: { KeyId: KEY_ID, Arn: KEY_ARN }, aliases: ['alias/app-secrets'] });
    assert.equal(keyIdForRequests({ key: described, typed: ALIAS_ARN }), KEY_ARN);
  });

  it('says why a described key cannot encrypt a selection', () => {
    const symmetric = { KeyId: KEY_ID, KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT', KeyManager: 'CUSTOMER' } as const;
    assert.equal(unusableForSelection(symmetric), undefined);
    assert.equal(unusableForSelection({ ...symmetric, KeyState: 'Disabled' }), 'its state is Disabled');
    assert.equal(unusableForSelection({ ...symmetric, KeyUsage: 'SIGN_VERIFY', KeySpec: 'ECC_NIST_P256' }), 'its key usage is SIGN_VERIFY');
    assert.equal(unusableForSelection({ ...symmetric, KeyManager: 'AWS' }), 'it is an AWS managed key, usable only through its AWS service');
    assert.equal(unusableForSelection({ KeyId: KEY_ID }), undefined);
  });
});
