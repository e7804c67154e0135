// Imported key material: GetParametersForImport, ImportKeyMaterial and
// DeleteImportedKeyMaterial. Material expires at ValidTo on the engine clock; deleting or
// expiring it puts the key in PendingImport until the same material is imported again.
import { randomBytes } from 'node:crypto';
import { generateAsymmetricKeyPair } from './asymmetricCrypto';
import { constraintViolation, enumViolation, invalidCiphertext, invalidState, notFound, unsupportedOperation, validation } from './engineErrors';
import type { KeyMaterial, KeyRecord } from './engineState';
import { useKey } from './keyAccess';
import { newMaterialId } from './keyIdentifiers';
import { epochSeconds } from './keyMetadata';
import { materialFingerprint, materialFitsSpec, unwrapKeyMaterial, WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS } from './keyMaterialImport';
import { KmsServiceError } from './kmsEngineApi';
import type { OperationContext, OperationTable } from './operationContext';

const PARAMETERS_VALID_MS = 24 * 3_600_000;

function assertExternal(key: KeyRecord): void {
  if (key.origin !== 'EXTERNAL') throw unsupportedOperation(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
}

async function getParametersForImport(context: OperationContext) {
  const { input, now } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const algorithm = input.optionalString('WrappingAlgorithm');
  if (algorithm === undefined) throw constraintViolation(null, 'wrappingAlgorithm', 'Member must not be null');
  if (!WRAPPING_ALGORITHMS.includes(algorithm)) throw enumViolation(algorithm, 'wrappingAlgorithm', WRAPPING_ALGORITHMS);
  const spec = input.optionalString('WrappingKeySpec');
  if (spec === undefined) throw constraintViolation(null, 'wrappingKeySpec', 'Member must not be null');
  if (!WRAPPING_KEY_SPECS.includes(spec)) throw enumViolation(spec, 'wrappingKeySpec', WRAPPING_KEY_SPECS);
  const key = useKey(context, keyId, { allowAlias: false, context: { 'kms:WrappingAlgorithm': algorithm, 'kms:WrappingKeySpec': spec } });
  assertExternal(key);
  if (algorithm === 'RSAES_PKCS1_V1_5' || algorithm === 'SM2PKE' || spec === 'SM2') {
    throw validation(`Wrapping algorithm ${algorithm} with wrapping key spec ${spec} is not supported; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.`);
  }
  if (algorithm.startsWith('RSAES_OAEP') && key.keySpec !== 'SYMMETRIC_DEFAULT' && !key.keySpec.startsWith('HMAC')) {
    throw validation(`Wrapping algorithm ${algorithm} cannot wrap key material of key spec ${key.keySpec}; use RSA_AES_KEY_WRAP_SHA_256.`);
  }
  const pair = await generateAsymmetricKeyPair(spec);
  const token = randomBytes(64).toString('base64');
  const validTo = now + PARAMETERS_VALID_MS;
  // Each request replaces earlier parameters, as a new import token supersedes the old one.
  key.importParameters = [{ token, wrappingPrivateKey: pair.privateKey.toString('base64'), algorithm: `${algorithm}/${spec}`, validTo }];
  context.changed();
  return { KeyId: key.arn, ImportToken: token, PublicKey: pair.publicKey.toString('base64'), ParametersValidTo: epochSeconds(validTo) };
}

function importKeyMaterial(context: OperationContext) {
  const { input, now, services } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const token = input.requiredBlob('ImportToken', { min: 1, max: 6144 }).toString('base64');
  const wrapped = input.requiredBlob('EncryptedKeyMaterial', { min: 1, max: 6144 });
  const validTo = input.optionalTimestamp('ValidTo');
  const model = input.optionalEnum('ExpirationModel', ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const)
    ?? (validTo !== undefined ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE');
  const importType = input.optionalEnum('ImportType', ['EXISTING_KEY_MATERIAL', 'NEW_KEY_MATERIAL'] as const) ?? 'EXISTING_KEY_MATERIAL';
  const description = input.optionalString('KeyMaterialDescription', { max: 256 });
  const materialIdGiven = input.optionalString('KeyMaterialId', { min: 64, max: 64 });
  if (model === 'KEY_MATERIAL_EXPIRES' && validTo === undefined) throw validation('A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE' && validTo !== undefined) throw validation('A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
  if (validTo !== undefined && validTo <= now) throw validation('The validTo date must be in the future.');
  const key = useKey(context, keyId, { allowAlias: false, context: { 'kms:ExpirationModel': model } });
  assertExternal(key);
  const parameters = key.importParameters?.find((p) => p.token === token);
  if (!parameters || parameters.validTo <= now) {
    throw new KmsServiceError('InvalidImportTokenException', 'The import token is invalid, expired, or does not belong to this KMS key.');
  }
  const wrappingKey = Buffer.from(parameters.wrappingPrivateKey, 'base64');
  const modulusBytes = Number(parameters.algorithm.split('/')[1].slice(4)) / 8;
  const material = unwrapKeyMaterial(wrappingKey, modulusBytes, parameters.algorithm.split('/')[0], wrapped);
  if (!material) throw invalidCiphertext();
  if (!materialFitsSpec(material, key.keySpec)) {
    throw new KmsServiceError('IncorrectKeyMaterialException', `The key material is not valid for a KMS key with key spec ${key.keySpec}.`);
  }
  const fingerprint = materialFingerprint(material);
  const entry = (id: string): KeyMaterial => ({
    id,
    secret: material.toString('base64'),
    createdAt: now,
    origin: 'IMPORTED',
    expirationModel: model,
    ...(validTo !== undefined ? { validTo } : {}),
    ...(description ? { description } : {}),
    fingerprint,
  });
  let materialId: string;
  if (importType === 'NEW_KEY_MATERIAL') {
    if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupportedOperation(`${key.arn} key spec ${key.keySpec} does not support rotation of imported key material.`);
    if (!key.currentMaterialId) throw invalidState(`${key.arn} has no key material yet; import its first key material with ImportType EXISTING_KEY_MATERIAL.`);
    const pending = key.materials.find((m) => m.pendingRotation);
    materialId = newMaterialId();
    if (pending) {
      throw invalidState(`New key material (id: ${materialId}) cannot be imported into KMS key ${key.keyId}, because another key material (id: ${pending.id}) is pending rotation.`);
    }
    if (key.materials.some((m) => m.fingerprint === fingerprint)) {
      throw new KmsServiceError('IncorrectKeyMaterialException', 'This key material was already imported into the KMS key; new key material must differ.');
    }
    key.materials.push({ ...entry(materialId), pendingRotation: true });
  } else {
    const target = materialIdGiven ? key.materials.find((m) => m.id === materialIdGiven) : key.materials.find((m) => m.id === key.currentMaterialId);
    if (materialIdGiven && !target) throw notFound(`Key material ${materialIdGiven} does not exist for ${key.arn}.`);
    if (target) {
      if (target.fingerprint !== fingerprint) {
        throw new KmsServiceError(
          'IncorrectKeyMaterialException',
          'The key material in the request is, expired, invalid, or is not the same key material that was previously imported into this customer master key (CMK).',
        );
      }
      materialId = target.id;
      key.materials = key.materials.map((m) => (m === target ? { ...entry(target.id), pendingRotation: m.pendingRotation, rotatedAt: m.rotatedAt } : m));
    } else {
      materialId = newMaterialId();
      key.materials.push(entry(materialId));
      key.currentMaterialId = materialId;
    }
  }
  services.forgetSecrets(key);
  key.importParameters = undefined;
  const current = key.materials.find((m) => m.id === key.currentMaterialId);
  if (key.state === 'PendingImport' && current?.secret) key.state = 'Enabled';
  context.changed();
  return { KeyId: key.arn, KeyMaterialId: materialId };
}

function deleteImportedKeyMaterial(context: OperationContext) {
  const { input, services } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const materialId = input.optionalString('KeyMaterialId', { min: 64, max: 64 });
  const key = useKey(context, keyId, { allowAlias: false });
  assertExternal(key);
  if (materialId && !key.materials.some((m) => m.id === materialId)) throw notFound(`Key material ${materialId} does not exist for ${key.arn}.`);
  key.materials = key.materials.map((m) => (!materialId || m.id === materialId ? { ...m, secret: '' } : m));
  services.forgetSecrets(key);
  const current = key.materials.find((m) => m.id === key.currentMaterialId);
  if (!current?.secret && key.state !== 'PendingDeletion') key.state = 'PendingImport';
  context.changed();
  return { KeyId: key.arn, ...(key.currentMaterialId ? { KeyMaterialId: materialId ?? key.currentMaterialId } : {}) };
}

export const importOperations: OperationTable = {
  GetParametersForImport: getParametersForImport,
  ImportKeyMaterial: importKeyMaterial,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
};
