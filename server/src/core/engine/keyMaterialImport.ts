// Unwrapping imported key material. RSAES_OAEP_SHA_1/256 wrap the material directly with the
// wrapping public key; RSA_AES_KEY_WRAP_SHA_1/256 wrap an ephemeral AES-256 key with RSA-OAEP
// and the material with AES key wrap with padding (RFC 5649), concatenated in that order.
import { createHash } from 'node:crypto';
import { aeskwp } from '@noble/ciphers/aes.js';
import { privateKeyMatchesSpec, rsaOaepDecrypt } from './asymmetricCrypto';
import { KEY_SPECS } from './keySpecs';

export const WRAPPING_ALGORITHMS = ['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE'];
export const WRAPPING_KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'];

/** Answers the material, or undefined when it does not unwrap. */
export function unwrapKeyMaterial(wrappingKey: Buffer, modulusBytes: number, algorithm: string, wrapped: Buffer): Buffer | undefined {
  const oaep = algorithm.endsWith('SHA_1') ? 'RSAES_OAEP_SHA_1' : 'RSAES_OAEP_SHA_256';
  if (algorithm.startsWith('RSAES_OAEP')) return rsaOaepDecrypt(wrappingKey, oaep, wrapped);
  if (!algorithm.startsWith('RSA_AES_KEY_WRAP') || wrapped.length <= modulusBytes) return undefined;
  const aesKey = rsaOaepDecrypt(wrappingKey, oaep, wrapped.subarray(0, modulusBytes));
  if (!aesKey || aesKey.length !== 32) return undefined;
  try {
    return Buffer.from(aeskwp(aesKey).decrypt(wrapped.subarray(modulusBytes)));
  } catch {
    return undefined;
  }
}

/** Whether the bytes are acceptable material for the key spec (AWS KMS Developer Guide, "Importing key material"). */
export function materialFitsSpec(material: Buffer, keySpec: string): boolean {
  const info = KEY_SPECS[keySpec];
  if (info.family === 'symmetric') return material.length === 32;
  if (info.family === 'hmac') {
    const bits = Number(keySpec.slice(5));
    return material.length >= bits / 8 && material.length <= 64;
  }
  return privateKeyMatchesSpec(material, keySpec);
}

export function materialFingerprint(material: Buffer): string {
  return createHash('sha256').update(material).digest('hex');
}
