// The engine's state at rest: JSON, encrypted with AES-256-GCM under the 32-byte root key.
//
// Layout: "KMSPSTATE" (9 bytes ASCII magic) | version (1 byte, 0x01) | IV (12) | tag (16) |
// ciphertext. The magic and version are the AAD. A file without the magic is foreign; one
// that fails authentication is corrupt or was written under another root key. Either way the
// engine refuses to open it and leaves it untouched.
import { aesGcmDecrypt, aesGcmEncrypt } from './symmetricCrypto';
import type { EngineState } from './engineState';

const MAGIC = Buffer.from('KMSPSTATE', 'ascii');
const VERSION = 1;
const HEADER = Buffer.concat([MAGIC, Buffer.from([VERSION])]);

export class EngineStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStoreError';
  }
}

export function encryptSnapshot(state: EngineState, rootKey: Uint8Array): Uint8Array {
  const plaintext = Buffer.from(JSON.stringify(state), 'utf8');
  const { iv, tag, ciphertext } = aesGcmEncrypt(Buffer.from(rootKey), plaintext, HEADER);
  return Buffer.concat([HEADER, iv, tag, ciphertext]);
}

export function decryptSnapshot(bytes: Uint8Array, rootKey: Uint8Array, where: string): EngineState {
  const blob = Buffer.from(bytes);
  if (blob.length < HEADER.length || !blob.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new EngineStoreError(`${where} is not a KMS Key Policy Studio engine store (unrecognized file format); it was left untouched.`);
  }
  if (blob[MAGIC.length] !== VERSION) {
    throw new EngineStoreError(`${where} was written in store format version ${blob[MAGIC.length]}, which this version cannot read; it was left untouched.`);
  }
  const body = blob.subarray(HEADER.length);
  const plaintext = body.length >= 28
    ? aesGcmDecrypt(Buffer.from(rootKey), body.subarray(0, 12), body.subarray(12, 28), body.subarray(28), HEADER)
    : undefined;
  if (!plaintext) {
    throw new EngineStoreError(`${where} cannot be decrypted: it is corrupt or was encrypted under a different root key; it was left untouched.`);
  }
  let state: EngineState;
  try {
    state = JSON.parse(plaintext.toString('utf8')) as EngineState;
  } catch {
    throw new EngineStoreError(`${where} decrypted but does not hold valid engine state; it was left untouched.`);
  }
  if (!state || typeof state !== 'object' || state.formatVersion !== 1 || !state.keys || typeof state.keys !== 'object') {
    throw new EngineStoreError(`${where} decrypted but does not hold engine state of a known version; it was left untouched.`);
  }
  // Collections added within format version 1 may be absent from older snapshots.
  return { ...state, aliases: state.aliases ?? {}, clusters: state.clusters ?? {}, customKeyStores: state.customKeyStores ?? {}, seededKeys: state.seededKeys ?? [] };
}
