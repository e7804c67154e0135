// The key-state table (AWS KMS Developer Guide, "Key states of AWS KMS keys"), rows that
// differential testing found wrong; the evaluator and the engine share checkKeyState.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKeyState } from '../../../server/src/core/access/keyStateCheck';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';

describe('key-state table', () => {
  it('ReplicateKey and UpdatePrimaryRegion are refused on a Disabled or PendingImport key', () => {
    for (const operation of ['ReplicateKey', 'UpdatePrimaryRegion']) {
      assert.equal(checkKeyState('Disabled', operation, ARN)?.error, 'DisabledException', operation);
      assert.equal(checkKeyState('PendingImport', operation, ARN)?.error, 'KMSInvalidStateException', operation);
    }
  });
  it('in Updating, cryptographic operations and CreateGrant succeed', () => {
    for (const operation of ['Encrypt', 'Decrypt', 'GenerateDataKey', 'Sign', 'CreateGrant']) {
      assert.equal(checkKeyState('Updating', operation, ARN), undefined, operation);
    }
    assert.equal(checkKeyState('Updating', 'UpdatePrimaryRegion', ARN)?.error, 'KMSInvalidStateException');
  });
  it('in Creating, EnableKey, DisableKey and the import operations are refused, as are cryptographic operations', () => {
    for (const operation of ['EnableKey', 'DisableKey', 'GetParametersForImport', 'ImportKeyMaterial', 'DeleteImportedKeyMaterial', 'Encrypt', 'CreateGrant']) {
      assert.deepEqual(checkKeyState('Creating', operation, ARN), { error: 'KMSInvalidStateException', message: `${ARN} is creating.` }, operation);
    }
    assert.equal(checkKeyState('Creating', 'DescribeKey', ARN), undefined);
  });
});
