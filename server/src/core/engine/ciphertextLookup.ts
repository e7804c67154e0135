// Reads the key id an engine ciphertext names, so Decrypt can work without a KeyId.
import { decodeCiphertext } from './ciphertextFormat';

export function ciphertextKeyId(blob: Buffer): string | undefined {
  return decodeCiphertext(blob)?.keyId;
}
