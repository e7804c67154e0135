// GenerateDataKeyPair(WithoutPlaintext): a fresh asymmetric key pair whose private key comes
// back encrypted under a symmetric KMS key (PKCS#8 DER inside the engine's ciphertext format).
import { generateAsymmetricKeyPair } from './asymmetricCrypto';
import { readGrantTokens } from './grantTokens';
import { constraintViolation, enumViolation, invalidKeyUsage } from './engineErrors';
import { useKey } from './keyAccess';
import { rejectDryRun } from './dryRun';
import { sealSymmetric } from './keyMaterialAccess';
import { DATA_KEY_PAIR_SPECS } from './keySpecs';
import type { OperationContext, OperationTable } from './operationContext';
import { rejectRecipient } from './unsupportedParameters';

async function generateDataKeyPair(context: OperationContext, withPlaintext: boolean) {
  const { input, operation } = context;
  rejectRecipient(context);
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const spec = input.optionalString('KeyPairSpec');
  if (spec === undefined) throw constraintViolation(null, 'keyPairSpec', 'Member must not be null');
  if (!DATA_KEY_PAIR_SPECS.includes(spec)) throw enumViolation(spec, 'keyPairSpec', [...DATA_KEY_PAIR_SPECS, 'SM2']);
  const encryptionContext = input.optionalStringMap('EncryptionContext');
  const grantTokens = readGrantTokens(context);
  const key = useKey(context, keyId, { encryptionContext, grantTokens, context: { 'kms:DataKeyPairSpec': spec } });
  if (key.keyUsage !== 'ENCRYPT_DECRYPT' || key.keySpec !== 'SYMMETRIC_DEFAULT') throw invalidKeyUsage(key.arn, key.keyUsage, operation);
  rejectDryRun(context);
  const pair = await generateAsymmetricKeyPair(spec);
  const { blob, materialId } = sealSymmetric(context.services, key, pair.privateKey, encryptionContext);
  return {
    PrivateKeyCiphertextBlob: blob.toString('base64'),
    ...(withPlaintext ? { PrivateKeyPlaintext: pair.privateKey.toString('base64') } : {}),
    PublicKey: pair.publicKey.toString('base64'),
    KeyId: key.arn,
    KeyPairSpec: spec,
    KeyMaterialId: materialId,
  };
}

export const dataKeyPairOperations: OperationTable = {
  GenerateDataKeyPair: (context) => generateDataKeyPair(context, true),
  GenerateDataKeyPairWithoutPlaintext: (context) => generateDataKeyPair(context, false),
};
