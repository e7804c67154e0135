import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CLOUDHSM_OPERATION_NAMES, KMS_OPERATION_NAMES } from '../../../server/src/core/engine/kmsEngine';
import { KmsServiceError } from '../../../server/src/core/engine/kmsEngineApi';
import { openHarness, ROOT } from './engineHarness';

const ISSUE_4_OPERATIONS = [
  'CreateKey', 'DescribeKey', 'ListKeys', 'UpdateKeyDescription', 'EnableKey', 'DisableKey', 'Encrypt', 'Decrypt', 'ReEncrypt',
  'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom',
  'Sign', 'Verify', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret', 'GetPublicKey', 'CreateGrant', 'ListGrants', 'ListRetirableGrants',
  'RetireGrant', 'RevokeGrant', 'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'ListAliases', 'TagResource', 'UntagResource',
  'ListResourceTags', 'GetKeyPolicy', 'PutKeyPolicy', 'ListKeyPolicies', 'EnableKeyRotation', 'DisableKeyRotation',
  'GetKeyRotationStatus', 'RotateKeyOnDemand', 'ListKeyRotations', 'ScheduleKeyDeletion', 'CancelKeyDeletion',
  'GetParametersForImport', 'ImportKeyMaterial', 'DeleteImportedKeyMaterial', 'ReplicateKey', 'UpdatePrimaryRegion',
  'CreateCustomKeyStore', 'DescribeCustomKeyStores', 'ConnectCustomKeyStore', 'DisconnectCustomKeyStore', 'UpdateCustomKeyStore',
  'DeleteCustomKeyStore',
];

test('the engine serves every operation of the 2026 KMS API list and the six CloudHSM cluster operations', () => {
  assert.deepEqual([...KMS_OPERATION_NAMES].sort(), [...ISSUE_4_OPERATIONS].sort());
  assert.deepEqual([...CLOUDHSM_OPERATION_NAMES].sort(), ['CreateCluster', 'CreateHsm', 'DeleteCluster', 'DeleteHsm', 'DescribeClusters', 'InitializeCluster']);
});

test('any JSON input to any operation answers a result or a KMS-shaped error, never anything else', async () => {
  const h = await openHarness();
  const { KeyMetadata } = await h.call('CreateKey', {});
  const value = fc.oneof(
    fc.constant(KeyMetadata.KeyId), fc.constant(KeyMetadata.Arn), fc.constant('alias/x'), fc.string(), fc.integer(), fc.boolean(),
    fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), fc.base64String({ maxLength: 64 }),
  );
  const fields = ['KeyId', 'Plaintext', 'CiphertextBlob', 'EncryptionContext', 'GrantTokens', 'NumberOfBytes', 'KeySpec', 'Message', 'SigningAlgorithm',
    'Policy', 'AliasName', 'TargetKeyId', 'Tags', 'GranteePrincipal', 'Operations', 'CustomKeyStoreId', 'ClusterId', 'PendingWindowInDays', 'DryRun', 'Limit', 'Marker'];
  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...KMS_OPERATION_NAMES, ...CLOUDHSM_OPERATION_NAMES),
    fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 5 }),
    async (operation, input) => {
      const run = CLOUDHSM_OPERATION_NAMES.includes(operation) && !KMS_OPERATION_NAMES.includes(operation)
        ? h.engine.executeCloudHsm(operation, input, ROOT)
        : h.engine.execute(operation, input, ROOT);
      try {
        const result = await run;
        assert.equal(typeof result, 'object');
      } catch (error) {
        assert.ok(error instanceof KmsServiceError, `${operation} threw ${String(error)}`);
        assert.notEqual(error.errorName, 'KMSInternalException', `${operation} ${JSON.stringify(input)}: ${error.message}`);
      }
    },
  ), { numRuns: 400 });
  for (const bad of [null, [], 'text'] as unknown[]) {
    await assert.rejects(h.engine.execute('Encrypt', bad as Record<string, unknown>, ROOT), { errorName: 'SerializationException' });
  }
  await h.engine.close();
});
