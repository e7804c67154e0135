// The engine's own symmetric ciphertext blob (real AWS blobs are opaque and unpublished).
//
// Version 1 layout, all lengths in bytes:
//   [0]            format version, 0x01
//   [1]            key id length L
//   [2, 2+L)       key id, ASCII (a UUID or `mrk-` + 32 hex), so Decrypt works without KeyId
//   [2+L, 34+L)    key material id (the 32 raw bytes of the 64-hex KeyMaterialId), so a key
//                  decrypts with whichever rotation generation encrypted it
//   next 12        AES-GCM IV (random per encryption)
//   next 16        AES-GCM authentication tag
//   rest           AES-256-GCM ciphertext
// The additional authenticated data is the header (version, key id, material id) followed by
// the canonical encryption context, so a changed header or context fails authentication.

import { isKeyId } from '../arn/kmsKeyReference';

export const CIPHERTEXT_FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MATERIAL_ID_BYTES = 32;

export interface CiphertextParts {
  readonly keyId: string;
  readonly materialId: string;
  /** Header bytes, bound as the first part of the AAD. */
  readonly header: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/** Headers by key id and material id: every Encrypt under one key generation has the same one. */
const headers = new Map<string, Buffer>();
const MAX_CACHED_HEADERS = 1024;

export function encodeHeader(keyId: string, materialId: string): Buffer {
  const cacheKey = `${keyId}/${materialId}`;
  let header = headers.get(cacheKey);
  if (!header) {
    header = buildHeader(keyId, materialId);
    if (headers.size >= MAX_CACHED_HEADERS) headers.clear();
    headers.set(cacheKey, header);
  }
  return header;
}

function buildHeader(keyId: string, materialId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  const header = Buffer.alloc(2 + id.length + MATERIAL_ID_BYTES);
  header[0] = CIPHERTEXT_FORMAT_VERSION;
  header[1] = id.length;
  id.copy(header, 2);
  Buffer.from(materialId, 'hex').copy(header, 2 + id.length);
  return header;
}

export function encodeCiphertext(header: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.concat([header, iv, tag, ciphertext]);
}

/** Splits a blob, or answers undefined when it is not one of ours (the caller says InvalidCiphertext). */
export function decodeCiphertext(blob: Buffer): CiphertextParts | undefined {
  if (blob.length < 2 || blob[0] !== CIPHERTEXT_FORMAT_VERSION) return undefined;
  const idLength = blob[1];
  const headerLength = 2 + idLength + MATERIAL_ID_BYTES;
  if (idLength < 1 || blob.length < headerLength + IV_BYTES + TAG_BYTES) return undefined;
  const keyId = blob.subarray(2, 2 + idLength).toString('ascii');
  if (!isKeyId(keyId)) return undefined;
  return {
    keyId,
    materialId: blob.subarray(2 + idLength, headerLength).toString('hex'),
    header: blob.subarray(0, headerLength),
    iv: blob.subarray(headerLength, headerLength + IV_BYTES),
    tag: blob.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES),
    ciphertext: blob.subarray(headerLength + IV_BYTES + TAG_BYTES),
  };
}

/**
 * The encryption context as bytes: pairs sorted by key, each key and value length-prefixed
 * UTF-8. Exact and case-sensitive: `{"A":"x"}` and `{"a":"x"}` give different bytes.
 */
export function canonicalEncryptionContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  if (!context) return NO_CONTEXT;
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: Buffer[] = [u16(entries.length)];
  for (const [key, value] of entries) {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u16(k.length), k, u16(v.length), v);
  }
  return Buffer.concat(parts);
}

/** No pairs: a zero count. */
const NO_CONTEXT = u16(0);

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

export const CIPHERTEXT_IV_BYTES = IV_BYTES;
