// What each key spec can do: its usages, algorithms and sizes, as the KMS developer guide lists
// them. CreateKey, DescribeKey and every cryptographic operation read this one table.
import type { KeyUsage } from './engineState';

export interface KeySpecInfo {
  readonly usages: readonly KeyUsage[];
  readonly family: 'symmetric' | 'rsa' | 'ecc' | 'hmac';
  /** node:crypto curve name (ECC) or modulus bits (RSA) or key bytes (symmetric/HMAC). */
  readonly curve?: string;
  readonly modulusBits?: number;
  readonly secretBytes?: number;
}

export const KEY_SPECS: Readonly<Record<string, KeySpecInfo>> = {
  SYMMETRIC_DEFAULT: { usages: ['ENCRYPT_DECRYPT'], family: 'symmetric', secretBytes: 32 },
  RSA_2048: { usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], family: 'rsa', modulusBits: 2048 },
  RSA_3072: { usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], family: 'rsa', modulusBits: 3072 },
  RSA_4096: { usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'], family: 'rsa', modulusBits: 4096 },
  ECC_NIST_P256: { usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], family: 'ecc', curve: 'prime256v1' },
  ECC_NIST_P384: { usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], family: 'ecc', curve: 'secp384r1' },
  ECC_NIST_P521: { usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'], family: 'ecc', curve: 'secp521r1' },
  ECC_SECG_P256K1: { usages: ['SIGN_VERIFY'], family: 'ecc', curve: 'secp256k1' },
  ECC_NIST_EDWARDS25519: { usages: ['SIGN_VERIFY'], family: 'ecc', curve: 'ed25519' },
  HMAC_224: { usages: ['GENERATE_VERIFY_MAC'], family: 'hmac', secretBytes: 28 },
  HMAC_256: { usages: ['GENERATE_VERIFY_MAC'], family: 'hmac', secretBytes: 32 },
  HMAC_384: { usages: ['GENERATE_VERIFY_MAC'], family: 'hmac', secretBytes: 48 },
  HMAC_512: { usages: ['GENERATE_VERIFY_MAC'], family: 'hmac', secretBytes: 64 },
};

/** The recorded validation message's order, then every spec of the table it predates (ECC_NIST_EDWARDS25519). */
const RECORDED_KEY_SPEC_ORDER = [
  'RSA_2048', 'ECC_NIST_P384', 'ECC_NIST_P256', 'ECC_NIST_P521', 'HMAC_384', 'RSA_3072',
  'ECC_SECG_P256K1', 'RSA_4096', 'SYMMETRIC_DEFAULT', 'HMAC_256', 'HMAC_224', 'HMAC_512',
];
/** The enum a KeySpec validation message lists: exactly the specs of KEY_SPECS. */
export const KEY_SPEC_ENUM = [...RECORDED_KEY_SPEC_ORDER.filter((spec) => spec in KEY_SPECS), ...Object.keys(KEY_SPECS).filter((spec) => !RECORDED_KEY_SPEC_ORDER.includes(spec))];
export const KEY_USAGE_ENUM = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];

export const ENCRYPTION_ALGORITHMS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
export const SIGNING_ALGORITHM_ENUM = [
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'ED25519_SHA_512', 'ED25519_PH_SHA_512',
];
export const MAC_ALGORITHM_ENUM = ['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512'];
export const DATA_KEY_PAIR_SPECS = [
  'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1',
];

/** Algorithms the key offers, as DescribeKey lists them. */
export function encryptionAlgorithmsFor(keySpec: string, usage: KeyUsage): string[] | undefined {
  if (usage !== 'ENCRYPT_DECRYPT') return undefined;
  return keySpec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
}

export function signingAlgorithmsFor(keySpec: string, usage: KeyUsage): string[] | undefined {
  if (usage !== 'SIGN_VERIFY') return undefined;
  switch (keySpec) {
    case 'ECC_NIST_P256':
    case 'ECC_SECG_P256K1':
      return ['ECDSA_SHA_256'];
    case 'ECC_NIST_P384':
      return ['ECDSA_SHA_384'];
    case 'ECC_NIST_P521':
      return ['ECDSA_SHA_512'];
    case 'ECC_NIST_EDWARDS25519':
      return ['ED25519_SHA_512', 'ED25519_PH_SHA_512'];
    default:
      return [
        'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
        'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
      ];
  }
}

export function macAlgorithmsFor(keySpec: string): string[] | undefined {
  const bits = /^HMAC_(\d+)$/.exec(keySpec)?.[1];
  return bits ? [`HMAC_SHA_${bits}`] : undefined;
}

export function keyAgreementAlgorithmsFor(usage: KeyUsage): string[] | undefined {
  return usage === 'KEY_AGREEMENT' ? ['ECDH'] : undefined;
}

/** Largest plaintext RSA OAEP accepts: modulus bytes - 2 * hash bytes - 2. */
export function rsaOaepMaxPlaintext(modulusBits: number, algorithm: string): number {
  const hashBytes = algorithm === 'RSAES_OAEP_SHA_1' ? 20 : 32;
  return modulusBits / 8 - 2 * hashBytes - 2;
}
