// Encrypts and decrypts text with a KMS key: up to 4096 bytes with Encrypt (a base64 blob that
// `aws kms decrypt` reads), larger text with an envelope (GenerateDataKey + AES-256-GCM).
// Plaintext and data keys stay in memory only as long as needed and are wiped after use.
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from '@noble/ciphers/utils.js';
import { isEnvelope, openEnvelope, parseEnvelope, sealEnvelope, type EncryptionContext } from './kmsEnvelopeFormat';

/** The most KMS Encrypt takes as plaintext. */
export const MAX_DIRECT_PLAINTEXT_BYTES = 4096;

export async function encryptText(client: KMSClient, keyId: string, text: string, context: EncryptionContext): Promise<string> {
  const plaintext = new TextEncoder().encode(text);
  try {
    const encryptionContext = Object.keys(context).length ? { ...context } : undefined;
    if (plaintext.length <= MAX_DIRECT_PLAINTEXT_BYTES) {
      const answer = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: encryptionContext }));
      if (!answer.CiphertextBlob) throw new Error('KMS answered Encrypt without a ciphertext.');
      return Buffer.from(answer.CiphertextBlob).toString('base64');
    }
    const dataKey = await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext }));
    const key = dataKey.Plaintext;
    if (!key || !dataKey.CiphertextBlob) throw new Error('KMS answered GenerateDataKey without a data key.');
    try {
      return sealEnvelope(
        { keyId: dataKey.KeyId ?? keyId, encryptionContext: context, encryptedDataKey: dataKey.CiphertextBlob },
        key,
        plaintext,
        randomBytes(12),
      );
    } finally {
      key.fill(0);
    }
  } finally {
    plaintext.fill(0);
  }
}

/** A selection Decrypt can read: an envelope, or base64 of a KMS ciphertext blob. */
export function looksEncrypted(text: string): boolean {
  const trimmed = text.trim();
  return isEnvelope(trimmed) || (trimmed.length >= 16 && /^[A-Za-z0-9+/\s]+={0,2}$/.test(trimmed));
}

/**
 * Decrypts an envelope or a base64 blob. `context` applies to blobs (an envelope carries its own).
 * Throws the AWS error unchanged so callers can offer "Why?" on AccessDenied.
 */
export async function decryptText(client: KMSClient, text: string, context: EncryptionContext): Promise<string> {
  return (await decryptTextWithKey(client, text, context)).text;
}

export interface DecryptedText {
  readonly text: string;
  /** The ARN of the key KMS decrypted with (its Decrypt answer's KeyId). */
  readonly keyId?: string;
  readonly envelope: boolean;
}

/** Decrypts as decryptText does, and says with which key and whether the text was an envelope. */
export async function decryptTextWithKey(client: KMSClient, text: string, context: EncryptionContext): Promise<DecryptedText> {
  const trimmed = text.trim();
  if (isEnvelope(trimmed)) {
    const envelope = parseEnvelope(trimmed);
    const answer = await client.send(
      new DecryptCommand({
        CiphertextBlob: envelope.encryptedDataKey,
        KeyId: envelope.keyId,
        EncryptionContext: Object.keys(envelope.encryptionContext).length ? { ...envelope.encryptionContext } : undefined,
      }),
    );
    const key = answer.Plaintext;
    if (!key) throw new Error('KMS answered Decrypt without a data key.');
    let plaintext: Uint8Array | undefined;
    try {
      plaintext = openEnvelope(envelope, key);
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(plaintext), keyId: answer.KeyId ?? envelope.keyId, envelope: true };
    } finally {
      key.fill(0);
      plaintext?.fill(0);
    }
  }
  const blob = new Uint8Array(Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'));
  const answer = await client.send(
    new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: Object.keys(context).length ? { ...context } : undefined }),
  );
  const plaintext = answer.Plaintext;
  if (!plaintext) throw new Error('KMS answered Decrypt without plaintext.');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(plaintext), keyId: answer.KeyId, envelope: false };
  } finally {
    plaintext.fill(0);
  }
}

/** The key id an encrypted selection names, when it names one (envelopes do; blobs do not). */
export function keyIdOfEncrypted(text: string): string | undefined {
  return isEnvelope(text) ? parseEnvelope(text).keyId : undefined;
}
