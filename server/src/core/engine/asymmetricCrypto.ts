// RSA, elliptic-curve and Ed25519 keys: generation, RSA OAEP, signing and verification of raw
// messages and of precomputed digests, and ECDH. node:crypto (OpenSSL) does the arithmetic;
// @noble/curves signs digests, which OpenSSL's one-shot API cannot (it always hashes).
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPair,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { KEY_SPECS } from './keySpecs';

export interface DerKeyPair {
  /** PKCS#8 DER. */
  readonly privateKey: Buffer;
  /** X.509 SubjectPublicKeyInfo DER, as GetPublicKey answers. */
  readonly publicKey: Buffer;
}

export function generateAsymmetricKeyPair(keySpec: string): Promise<DerKeyPair> {
  const info = KEY_SPECS[keySpec];
  const encoding = { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } } as const;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: Buffer, privateKey: Buffer): void =>
      error ? reject(error) : resolve({ privateKey, publicKey });
    if (info?.family === 'rsa') generateKeyPair('rsa', { modulusLength: info.modulusBits ?? 2048, ...encoding }, done);
    else if (info?.curve === 'ed25519') generateKeyPair('ed25519', encoding, done);
    else if (info?.family === 'ecc') generateKeyPair('ec', { namedCurve: info.curve ?? 'prime256v1', ...encoding }, done);
    else reject(new Error(`${keySpec} is not an asymmetric key spec`));
  });
}

// Parsing DER into a KeyObject costs more than the signature itself for EC keys: cache them.
const privateKeyCache = new Map<string, KeyObject>();

export function privateKeyObject(pkcs8: Buffer): KeyObject {
  const cacheKey = pkcs8.toString('base64');
  let key = privateKeyCache.get(cacheKey);
  if (!key) {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    if (privateKeyCache.size > 1000) privateKeyCache.clear();
    privateKeyCache.set(cacheKey, key);
  }
  return key;
}

export function publicKeyDer(pkcs8: Buffer): Buffer {
  return createPublicKey(privateKeyObject(pkcs8)).export({ type: 'spki', format: 'der' });
}

/** Reads a DER SubjectPublicKeyInfo; answers undefined when it is not one. */
export function parsePublicKey(spki: Buffer): KeyObject | undefined {
  try {
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** Checks that a PKCS#8 private key (e.g. imported material) matches a key spec. */
export function privateKeyMatchesSpec(pkcs8: Buffer, keySpec: string): boolean {
  try {
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const info = KEY_SPECS[keySpec];
    const details = key.asymmetricKeyDetails ?? {};
    if (info.family === 'rsa') return key.asymmetricKeyType === 'rsa' && details.modulusLength === info.modulusBits;
    if (info.curve === 'ed25519') return key.asymmetricKeyType === 'ed25519';
    return key.asymmetricKeyType === 'ec' && curveAlias(details.namedCurve) === info.curve;
  } catch {
    return false;
  }
}

function curveAlias(name: string | undefined): string | undefined {
  return name === 'P-256' ? 'prime256v1' : name === 'P-384' ? 'secp384r1' : name === 'P-521' ? 'secp521r1' : name;
}

function oaepHash(algorithm: string): string {
  return algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
}

export function rsaOaepEncrypt(publicKey: KeyObject | Buffer, algorithm: string, plaintext: Buffer): Buffer {
  const key = Buffer.isBuffer(publicKey) ? createPublicKey({ key: publicKey, format: 'der', type: 'spki' }) : publicKey;
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext);
}

/** Answers undefined when the ciphertext does not decrypt (wrong key, algorithm or bytes). */
export function rsaOaepDecrypt(pkcs8: Buffer, algorithm: string, ciphertext: Buffer): Buffer | undefined {
  try {
    return privateDecrypt({ key: privateKeyObject(pkcs8), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, ciphertext);
  } catch {
    return undefined;
  }
}

export interface SigningAlgorithmInfo {
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  readonly digestBytes: number;
  readonly scheme: 'pss' | 'pkcs1' | 'ecdsa' | 'ed25519' | 'ed25519ph';
}

export function signingAlgorithmInfo(algorithm: string): SigningAlgorithmInfo {
  const bits = /(\d{3})$/.exec(algorithm)?.[1] ?? '256';
  const hash = `sha${bits}` as SigningAlgorithmInfo['hash'];
  const scheme = algorithm.startsWith('RSASSA_PSS') ? 'pss'
    : algorithm.startsWith('RSASSA_PKCS1') ? 'pkcs1'
      : algorithm === 'ED25519_SHA_512' ? 'ed25519'
        : algorithm === 'ED25519_PH_SHA_512' ? 'ed25519ph' : 'ecdsa';
  return { hash, digestBytes: Number(bits) / 8, scheme };
}

/**
 * Signs a raw message (`digest` false) or a precomputed digest. RSA-PSS uses a salt as long as
 * the digest, as KMS does; ECDSA signatures are DER-encoded, as KMS returns them.
 */
export function signMessage(pkcs8: Buffer, keySpec: string, algorithm: string, message: Buffer, digest: boolean): Buffer {
  const info = signingAlgorithmInfo(algorithm);
  const key = privateKeyObject(pkcs8);
  switch (info.scheme) {
    case 'ed25519':
      return nodeSign(null, message, key);
    case 'ed25519ph':
      return Buffer.from(ed25519ph.sign(digest ? message : createHash('sha512').update(message).digest(), ed25519Seed(key)));
    case 'pss':
    case 'pkcs1': {
      const hashed = digest ? message : createHash(info.hash).update(message).digest();
      const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 2048;
      if (info.scheme === 'pkcs1') return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO[info.hash], hashed]));
      return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, emsaPssEncode(hashed, modulusBits - 1, info.hash));
    }
    case 'ecdsa': {
      if (!digest) return nodeSign(info.hash, message, key);
      const curve = nobleCurve(keySpec);
      return Buffer.from(curve.sign(message, ecPrivateScalar(key), { prehash: false, format: 'der' }));
    }
  }
}

export function verifySignature(pkcs8: Buffer, keySpec: string, algorithm: string, message: Buffer, digest: boolean, signature: Buffer): boolean {
  const info = signingAlgorithmInfo(algorithm);
  const key = createPublicKey(privateKeyObject(pkcs8));
  try {
    switch (info.scheme) {
      case 'ed25519':
        return nodeVerify(null, message, key, signature);
      case 'ed25519ph': {
        const raw = Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url');
        return ed25519ph.verify(signature, digest ? message : createHash('sha512').update(message).digest(), raw);
      }
      case 'pss':
      case 'pkcs1': {
        const hashed = digest ? message : createHash(info.hash).update(message).digest();
        if (info.scheme === 'pkcs1') {
          const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
          return recovered.equals(Buffer.concat([DIGEST_INFO[info.hash], hashed]));
        }
        const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 2048;
        if (signature.length !== Math.ceil(modulusBits / 8)) return false;
        const encoded = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
        return emsaPssVerify(hashed, encoded, modulusBits - 1, info.hash);
      }
      case 'ecdsa': {
        if (!digest) return nodeVerify(info.hash, message, key, signature);
        const jwk = key.export({ format: 'jwk' });
        const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
        return nobleCurve(keySpec).verify(signature, message, point, { prehash: false, format: 'der', lowS: false });
      }
    }
  } catch {
    return false;
  }
}

/** ECDH: the raw shared secret (the x coordinate), as DeriveSharedSecret returns it. */
export function deriveSharedSecret(pkcs8: Buffer, peerPublicKey: KeyObject): Buffer {
  return diffieHellman({ privateKey: privateKeyObject(pkcs8), publicKey: peerPublicKey });
}

function nobleCurve(keySpec: string): typeof p256 {
  switch (keySpec) {
    case 'ECC_NIST_P384':
      return p384 as unknown as typeof p256;
    case 'ECC_NIST_P521':
      return p521 as unknown as typeof p256;
    case 'ECC_SECG_P256K1':
      return secp256k1 as unknown as typeof p256;
    default:
      return p256;
  }
}

function ecPrivateScalar(key: KeyObject): Uint8Array {
  return Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
}

function ed25519Seed(key: KeyObject): Uint8Array {
  return Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
}

/** DER DigestInfo prefixes of RFC 8017 section 9.2 for PKCS#1 v1.5 signatures. */
const DIGEST_INFO: Record<string, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function mgf1(seed: Buffer, length: number, hash: string): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length + seed.length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** EMSA-PSS-ENCODE of RFC 8017 section 9.1.1 with a salt as long as the hash. */
function emsaPssEncode(mHash: Buffer, emBits: number, hash: string): Buffer {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  const salt = randomBytes(hLen);
  const h = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(h, emLen - hLen - 1, hash);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  // RSA_NO_PADDING needs exactly the modulus length.
  return em.length < Math.ceil((emBits + 1) / 8) ? Buffer.concat([Buffer.alloc(1), em]) : em;
}

/** EMSA-PSS-VERIFY of RFC 8017 section 9.1.2 (salt length = hash length). */
function emsaPssVerify(mHash: Buffer, decoded: Buffer, emBits: number, hash: string): boolean {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  const em = decoded.length > emLen ? decoded.subarray(decoded.length - emLen) : decoded;
  if (decoded.length > emLen && decoded.subarray(0, decoded.length - emLen).some((b) => b !== 0)) return false;
  if (em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  if ((maskedDb[0] & ~(0xff >> (8 * emLen - emBits))) !== 0) return false;
  const mask = mgf1(Buffer.from(h), maskedDb.length, hash);
  const db = Buffer.from(maskedDb);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const psLength = emLen - 2 * hLen - 2;
  if (db.subarray(0, psLength).some((b) => b !== 0) || db[psLength] !== 1) return false;
  const salt = db.subarray(psLength + 1);
  const expected = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return expected.equals(h);
}
