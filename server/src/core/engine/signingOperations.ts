// Sign, Verify, GenerateMac, VerifyMac, DeriveSharedSecret and GetPublicKey: the asymmetric
// and HMAC operations, with AWS's validation and key-usage errors.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveSharedSecret, parsePublicKey, publicKeyDer, signMessage, signingAlgorithmInfo, verifySignature } from './asymmetricCrypto';
import { readGrantTokens } from './grantTokens';
import { invalidKeyUsage, unsupportedOperation, validation } from './engineErrors';
import type { KeyRecord } from './engineState';
import { useKey } from './keyAccess';
import { rejectDryRun } from './dryRun';
import { currentSecret } from './keyMaterialAccess';
import {
  encryptionAlgorithmsFor, KEY_SPECS, keyAgreementAlgorithmsFor, MAC_ALGORITHM_ENUM, SIGNING_ALGORITHM_ENUM, signingAlgorithmsFor,
} from './keySpecs';
import { KmsServiceError } from './kmsEngineApi';
import type { OperationContext, OperationTable } from './operationContext';
import { rejectRecipient } from './unsupportedParameters';

function incompatible(algorithm: string, keySpec: string): KmsServiceError {
  return new KmsServiceError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${keySpec}.`);
}

interface SignRequest {
  readonly key: KeyRecord;
  readonly message: Buffer;
  readonly digest: boolean;
  readonly algorithm: string;
}

function readSignRequest(context: OperationContext): SignRequest {
  const { input, operation } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const message = input.requiredBlob('Message', { min: 1, max: 4096 });
  const messageType = input.optionalEnum('MessageType', ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const) ?? 'RAW';
  const algorithm = input.optionalEnum('SigningAlgorithm', SIGNING_ALGORITHM_ENUM);
  if (algorithm === undefined) throw validation("1 validation error detected: Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null");
  const grantTokens = readGrantTokens(context);
  const key = useKey(context, keyId, { grantTokens, context: { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': messageType } });
  if (key.keyUsage !== 'SIGN_VERIFY') throw invalidKeyUsage(key.arn, key.keyUsage, operation);
  if (!(signingAlgorithmsFor(key.keySpec, key.keyUsage) ?? []).includes(algorithm)) throw incompatible(algorithm, key.keySpec);
  if (messageType === 'EXTERNAL_MU') throw validation('MessageType EXTERNAL_MU is valid only for ML-DSA keys.');
  const info = signingAlgorithmInfo(algorithm);
  const digest = messageType === 'DIGEST';
  if (digest && info.scheme === 'ed25519') throw validation(`MessageType DIGEST is not valid for signing algorithm ${algorithm}; use ED25519_PH_SHA_512.`);
  if (!digest && info.scheme === 'ed25519ph') throw validation(`Signing algorithm ${algorithm} requires MessageType DIGEST.`);
  if (digest && message.length !== info.digestBytes) throw validation(`Digest is invalid length for algorithm ${algorithm}.`);
  return { key, message, digest, algorithm };
}

function sign(context: OperationContext) {
  const request = readSignRequest(context);
  rejectDryRun(context);
  const { secret } = currentSecret(context.services, request.key);
  const signature = signMessage(secret, request.key.keySpec, request.algorithm, request.message, request.digest);
  return { KeyId: request.key.arn, Signature: signature.toString('base64'), SigningAlgorithm: request.algorithm };
}

function verify(context: OperationContext) {
  const signature = context.input.requiredBlob('Signature', { min: 1, max: 6144 });
  const request = readSignRequest(context);
  rejectDryRun(context);
  const { secret } = currentSecret(context.services, request.key);
  if (!verifySignature(secret, request.key.keySpec, request.algorithm, request.message, request.digest, signature)) {
    throw new KmsServiceError('KMSInvalidSignatureException', '');
  }
  return { KeyId: request.key.arn, SignatureValid: true, SigningAlgorithm: request.algorithm };
}

function readMacRequest(context: OperationContext): { key: KeyRecord; message: Buffer; algorithm: string } {
  const { input, operation } = context;
  const message = input.requiredBlob('Message', { min: 1, max: 4096 });
  const algorithm = input.optionalEnum('MacAlgorithm', MAC_ALGORITHM_ENUM);
  if (algorithm === undefined) throw validation("1 validation error detected: Value null at 'macAlgorithm' failed to satisfy constraint: Member must not be null");
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const grantTokens = readGrantTokens(context);
  const key = useKey(context, keyId, { grantTokens, context: { 'kms:MacAlgorithm': algorithm } });
  if (key.keyUsage !== 'GENERATE_VERIFY_MAC') throw invalidKeyUsage(key.arn, key.keyUsage, operation);
  if (`HMAC_SHA_${key.keySpec.slice(5)}` !== algorithm) throw incompatible(algorithm, key.keySpec);
  return { key, message, algorithm };
}

function computeMac(context: OperationContext, key: KeyRecord, algorithm: string, message: Buffer): Buffer {
  const { secret } = currentSecret(context.services, key);
  return createHmac(`sha${algorithm.slice(9)}`, secret).update(message).digest();
}

function generateMac(context: OperationContext) {
  const { key, message, algorithm } = readMacRequest(context);
  rejectDryRun(context);
  return { Mac: computeMac(context, key, algorithm, message).toString('base64'), MacAlgorithm: algorithm, KeyId: key.arn };
}

function verifyMac(context: OperationContext) {
  const mac = context.input.requiredBlob('Mac', { min: 1, max: 6144 });
  const { key, message, algorithm } = readMacRequest(context);
  rejectDryRun(context);
  const expected = computeMac(context, key, algorithm, message);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new KmsServiceError('KMSInvalidMacException', '');
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
}

function deriveShared(context: OperationContext) {
  const { input } = context;
  rejectRecipient(context);
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const algorithm = input.optionalEnum('KeyAgreementAlgorithm', ['ECDH'] as const);
  if (algorithm === undefined) throw validation("1 validation error detected: Value null at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must not be null");
  const peer = input.requiredBlob('PublicKey', { min: 1, max: 8192 });
  const grantTokens = readGrantTokens(context);
  const key = useKey(context, keyId, { grantTokens, context: { 'kms:KeyAgreementAlgorithm': algorithm } });
  if (key.keyUsage !== 'KEY_AGREEMENT') throw invalidKeyUsage(key.arn, key.keyUsage, 'DeriveSharedSecret');
  rejectDryRun(context);
  const peerKey = parsePublicKey(peer);
  const curve = KEY_SPECS[key.keySpec].curve;
  const peerCurve = peerKey?.asymmetricKeyDetails?.namedCurve;
  const sameCurve = peerKey?.asymmetricKeyType === 'ec' && (peerCurve === curve || (peerCurve === 'P-256' && curve === 'prime256v1') || (peerCurve === 'P-384' && curve === 'secp384r1') || (peerCurve === 'P-521' && curve === 'secp521r1'));
  // AWS rejects an unusable public key without saying why.
  if (!peerKey || !sameCurve) throw validation('');
  const { secret } = currentSecret(context.services, key);
  let shared: Buffer;
  try {
    shared = deriveSharedSecret(secret, peerKey);
  } catch {
    throw validation('');
  }
  return { KeyId: key.arn, SharedSecret: shared.toString('base64'), KeyAgreementAlgorithm: algorithm, KeyOrigin: key.origin };
}

function getPublicKey(context: OperationContext) {
  const keyId = context.input.requiredString('KeyId', { min: 1, max: 2048 });
  const key = useKey(context, keyId, { grantTokens: readGrantTokens(context) });
  if (KEY_SPECS[key.keySpec].family === 'symmetric' || KEY_SPECS[key.keySpec].family === 'hmac') {
    throw unsupportedOperation(`${key.arn} key spec is ${key.keySpec} which is not valid for GetPublicKey.`);
  }
  const { secret } = currentSecret(context.services, key);
  const encryption = encryptionAlgorithmsFor(key.keySpec, key.keyUsage);
  const signing = signingAlgorithmsFor(key.keySpec, key.keyUsage);
  const agreement = keyAgreementAlgorithmsFor(key.keyUsage);
  return {
    KeyId: key.arn,
    PublicKey: publicKeyDer(secret).toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    ...(encryption ? { EncryptionAlgorithms: encryption } : {}),
    ...(signing ? { SigningAlgorithms: signing } : {}),
    ...(agreement ? { KeyAgreementAlgorithms: agreement } : {}),
  };
}

export const signingOperations: OperationTable = {
  Sign: sign,
  Verify: verify,
  GenerateMac: generateMac,
  VerifyMac: verifyMac,
  DeriveSharedSecret: deriveShared,
  GetPublicKey: getPublicKey,
};
