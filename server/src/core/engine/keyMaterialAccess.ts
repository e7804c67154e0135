// Using a key's material: the current generation for new ciphertexts, any generation for old
// ones. Keys in a CloudHSM key store reach their material through the cluster only.
import { internalFailure, invalidCiphertext } from './engineErrors';
import type { EngineState, KeyRecord } from './engineState';
import type { EngineServices } from './operationContext';
import { decodeCiphertext, openWithKey, sealWithKey } from './symmetricCrypto';

export function currentSecret(services: EngineServices, key: KeyRecord): { materialId: string; secret: Buffer } {
  const materialId = key.currentMaterialId;
  const secret = materialId ? services.materialSecret(key, materialId) : undefined;
  if (!materialId || !secret) throw internalFailure(`${key.arn} has no usable key material.`);
  return { materialId, secret };
}

export function sealSymmetric(
  services: EngineServices,
  key: KeyRecord,
  plaintext: Uint8Array,
  context: Readonly<Record<string, string>> | undefined,
): { blob: Buffer; materialId: string } {
  const { materialId, secret } = currentSecret(services, key);
  return { blob: sealWithKey(key.keyId, materialId, secret, plaintext, context), materialId };
}

/** Decrypts an engine blob with the key it names; InvalidCiphertextException on any mismatch. */
export function openSymmetric(
  services: EngineServices,
  key: KeyRecord,
  blob: Buffer,
  context: Readonly<Record<string, string>> | undefined,
): { plaintext: Buffer; materialId: string } {
  const parts = decodeCiphertext(blob);
  if (!parts || parts.keyId !== key.keyId) throw invalidCiphertext();
  const secret = services.materialSecret(key, parts.materialId);
  if (!secret) throw invalidCiphertext();
  const plaintext = openWithKey(parts, secret, context);
  if (!plaintext) throw invalidCiphertext();
  return { plaintext, materialId: parts.materialId };
}

/** The raw secret of a material generation, wherever it lives. */
export function readSecret(state: EngineState, key: KeyRecord, materialId: string): Buffer | undefined {
  if (key.customKeyStoreId) {
    const store = state.customKeyStores[key.customKeyStoreId];
    const cluster = store && state.clusters[store.clusterId];
    const secret = cluster?.keys[`${key.keyId}/${materialId}`];
    return secret ? Buffer.from(secret, 'base64') : undefined;
  }
  const material = key.materials.find((m) => m.id === materialId);
  return material && material.secret ? Buffer.from(material.secret, 'base64') : undefined;
}
