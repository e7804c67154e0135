// Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext) and GenerateRandom. These do
// not change state, so they never wait for a disk write.
import { freshRandomBytes } from './randomSource';
import { rsaOaepDecrypt, rsaOaepEncrypt, publicKeyDer } from './asymmetricCrypto';
import { ciphertextKeyId } from './ciphertextLookup';
import { readGrantTokens } from './grantTokens';
import { incorrectKey, invalidCiphertext, invalidKeyUsage, validation } from './engineErrors';
import { keyStoreKey, type KeyRecord } from './engineState';
import { useKey } from './keyAccess';
import { rejectDryRun } from './dryRun';
import { openSymmetric, sealSymmetric, currentSecret } from './keyMaterialAccess';
import { ENCRYPTION_ALGORITHMS, KEY_SPECS, rsaOaepMaxPlaintext } from './keySpecs';
import { KmsServiceError } from './kmsEngineApi';
import type { OperationContext, OperationTable } from './operationContext';
import { rejectRecipient } from './unsupportedParameters';
import { generateRandomFromStore } from './customKeyStoreOperations';

const KEY_ID = { min: 1, max: 2048 };

function assertEncryptDecryptKey(key: KeyRecord, operation: string): void {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') throw invalidKeyUsage(key.arn, key.keyUsage, operation);
}

function assertAlgorithmFits(key: KeyRecord, algorithm: string): void {
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  if (symmetric !== (algorithm === 'SYMMETRIC_DEFAULT')) {
    throw new KmsServiceError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
  }
}

function encryptWith(context: OperationContext, key: KeyRecord, algorithm: string, plaintext: Buffer, encryptionContext: Record<string, string> | undefined): { blob: Buffer; materialId?: string } {
  if (algorithm === 'SYMMETRIC_DEFAULT') return sealSymmetric(context.services, key, plaintext, encryptionContext);
  const max = rsaOaepMaxPlaintext(KEY_SPECS[key.keySpec].modulusBits ?? 2048, algorithm);
  if (plaintext.length > max) {
    throw validation(`Algorithm ${algorithm} and key spec ${key.keySpec} cannot encrypt data larger than ${max} bytes.`);
  }
  const { secret } = currentSecret(context.services, key);
  return { blob: rsaOaepEncrypt(publicKeyDer(secret), algorithm, plaintext) };
}

function decryptWith(context: OperationContext, key: KeyRecord, algorithm: string, blob: Buffer, encryptionContext: Record<string, string> | undefined): { plaintext: Buffer; materialId?: string } {
  if (algorithm === 'SYMMETRIC_DEFAULT') return openSymmetric(context.services, key, blob, encryptionContext);
  const { secret } = currentSecret(context.services, key);
  const plaintext = rsaOaepDecrypt(secret, algorithm, blob);
  if (!plaintext) throw invalidCiphertext();
  return { plaintext };
}

function encrypt(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', KEY_ID);
  const plaintext = input.requiredBlob('Plaintext', { min: 1, max: 4096 });
  const encryptionContext = input.optionalStringMap('EncryptionContext');
  const grantTokens = readGrantTokens(context);
  const algorithm = input.optionalEnum('EncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const key = useKey(context, keyId, { encryptionContext, grantTokens, encryptionAlgorithm: algorithm });
  assertEncryptDecryptKey(key, 'Encrypt');
  assertAlgorithmFits(key, algorithm);
  rejectDryRun(context);
  const { blob } = encryptWith(context, key, algorithm, plaintext, encryptionContext);
  return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: algorithm };
}

/** Finds the key for a Decrypt-like call: the one named, which must be the one in the blob. */
function sourceKey(context: OperationContext, blob: Buffer, given: string | undefined, algorithm: string, options: Parameters<typeof useKey>[2]): KeyRecord {
  if (algorithm !== 'SYMMETRIC_DEFAULT') {
    if (!given) throw validation('KeyId is required when the EncryptionAlgorithm is not SYMMETRIC_DEFAULT.');
    const key = useKey(context, given, options);
    if (key.keyUsage !== 'ENCRYPT_DECRYPT' || key.keySpec === 'SYMMETRIC_DEFAULT') throw incorrectKey();
    return key;
  }
  const embedded = ciphertextKeyId(blob);
  if (!embedded) throw invalidCiphertext();
  if (given) {
    const key = useKey(context, given, options);
    if (key.keyId !== embedded) throw incorrectKey();
    return key;
  }
  // Key ids are unique across accounts, so the id and the Region find the key (any account).
  const direct = context.state.keys[keyStoreKey(context.caller.region, embedded)];
  if (!direct) throw invalidCiphertext();
  return useKey(context, direct.arn, { ...options, keyFromCiphertext: true, keyIdAsGiven: undefined });
}

function decrypt(context: OperationContext) {
  const { input } = context;
  rejectRecipient(context);
  const blob = input.requiredBlob('CiphertextBlob', { min: 1, max: 6144 });
  const given = input.optionalString('KeyId', KEY_ID);
  const encryptionContext = input.optionalStringMap('EncryptionContext');
  const grantTokens = readGrantTokens(context);
  const algorithm = input.optionalEnum('EncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const key = sourceKey(context, blob, given, algorithm, { encryptionContext, grantTokens, encryptionAlgorithm: algorithm });
  assertEncryptDecryptKey(key, 'Decrypt');
  assertAlgorithmFits(key, algorithm);
  rejectDryRun(context);
  const { plaintext, materialId } = decryptWith(context, key, algorithm, blob, encryptionContext);
  return {
    KeyId: key.arn,
    Plaintext: plaintext.toString('base64'),
    EncryptionAlgorithm: algorithm,
    ...(materialId ? { KeyMaterialId: materialId } : {}),
  };
}

function reEncrypt(context: OperationContext) {
  const { input } = context;
  const blob = input.requiredBlob('CiphertextBlob', { min: 1, max: 6144 });
  const sourceGiven = input.optionalString('SourceKeyId', KEY_ID);
  const destinationGiven = input.requiredString('DestinationKeyId', KEY_ID);
  const sourceContext = input.optionalStringMap('SourceEncryptionContext');
  const destinationContext = input.optionalStringMap('DestinationEncryptionContext');
  const sourceAlgorithm = input.optionalEnum('SourceEncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const destinationAlgorithm = input.optionalEnum('DestinationEncryptionAlgorithm', ENCRYPTION_ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  const grantTokens = readGrantTokens(context);
  const source = sourceKey(context, blob, sourceGiven, sourceAlgorithm, {
    action: 'kms:ReEncryptFrom', stateOperation: 'ReEncryptFrom', encryptionContext: sourceContext, grantTokens, encryptionAlgorithm: sourceAlgorithm,
  });
  assertEncryptDecryptKey(source, 'ReEncrypt');
  assertAlgorithmFits(source, sourceAlgorithm);
  const destination = useKey(context, destinationGiven, {
    action: 'kms:ReEncryptTo', stateOperation: 'ReEncryptTo', encryptionContext: destinationContext, grantTokens, encryptionAlgorithm: destinationAlgorithm,
  });
  assertEncryptDecryptKey(destination, 'ReEncrypt');
  assertAlgorithmFits(destination, destinationAlgorithm);
  rejectDryRun(context);
  const opened = decryptWith(context, source, sourceAlgorithm, blob, sourceContext);
  const sealed = encryptWith(context, destination, destinationAlgorithm, opened.plaintext, destinationContext);
  return {
    CiphertextBlob: sealed.blob.toString('base64'),
    SourceKeyId: source.arn,
    KeyId: destination.arn,
    SourceEncryptionAlgorithm: sourceAlgorithm,
    DestinationEncryptionAlgorithm: destinationAlgorithm,
    ...(opened.materialId ? { SourceKeyMaterialId: opened.materialId } : {}),
    ...(sealed.materialId ? { DestinationKeyMaterialId: sealed.materialId } : {}),
  };
}

function dataKeyLength(context: OperationContext): number {
  const { input } = context;
  const numberOfBytes = input.optionalInteger('NumberOfBytes', { min: 1, max: 1024 });
  const keySpec = input.optionalEnum('KeySpec', ['AES_256', 'AES_128'] as const);
  if ((numberOfBytes === undefined) === (keySpec === undefined)) throw validation('Please specify either number of bytes or key spec.');
  return numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32);
}

function generateDataKeyCommon(context: OperationContext, withPlaintext: boolean) {
  const { input, operation } = context;
  rejectRecipient(context);
  const keyId = input.requiredString('KeyId', KEY_ID);
  const encryptionContext = input.optionalStringMap('EncryptionContext');
  const length = dataKeyLength(context);
  const grantTokens = readGrantTokens(context);
  const key = useKey(context, keyId, { encryptionContext, grantTokens });
  if (key.keyUsage !== 'ENCRYPT_DECRYPT' || key.keySpec !== 'SYMMETRIC_DEFAULT') throw invalidKeyUsage(key.arn, key.keyUsage, operation);
  rejectDryRun(context);
  const dataKey = freshRandomBytes(length);
  const { blob, materialId } = sealSymmetric(context.services, key, dataKey, encryptionContext);
  return {
    CiphertextBlob: blob.toString('base64'),
    ...(withPlaintext ? { Plaintext: dataKey.toString('base64') } : {}),
    KeyId: key.arn,
    KeyMaterialId: materialId,
  };
}

function generateRandom(context: OperationContext) {
  const { input } = context;
  rejectRecipient(context);
  if (!input.has('NumberOfBytes')) throw validation('NumberOfBytes is required.');
  const count = input.optionalInteger('NumberOfBytes', { min: 1, max: 1024 }) ?? 32;
  const storeId = input.optionalString('CustomKeyStoreId', { min: 1, max: 64 });
  context.services.authorizer.authorizeAccountAction(context.caller, 'kms:GenerateRandom');
  const bytes = storeId ? generateRandomFromStore(context, storeId, count) : freshRandomBytes(count);
  return { Plaintext: bytes.toString('base64') };
}

export const cryptoOperations: OperationTable = {
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: (context) => generateDataKeyCommon(context, true),
  GenerateDataKeyWithoutPlaintext: (context) => generateDataKeyCommon(context, false),
  GenerateRandom: generateRandom,
};
