// The armored envelope for text larger than KMS Encrypt accepts (4096 bytes). Version 1:
//
//   -----BEGIN KMS ENVELOPE-----
//   Version: 1
//   Key-Id: arn:aws:kms:us-east-1:111122223333:key/1234abcd-...
//   Encryption-Context: eyJhcHAiOiJiaWxsaW5nIn0=        (base64 of sorted JSON; line absent when empty)
//   Data-Key: AQIDAHh...                                (base64 KMS ciphertext of the AES-256 data key)
//   Nonce: 3q2+7wAAAAAAAAAA                             (base64, 12 bytes)
//
//   <base64 of AES-256-GCM ciphertext followed by its 16-byte tag, 64 characters per line>
//   -----END KMS ENVELOPE-----
//
// The header lines, exactly as written and joined with "\n", are the GCM additional
// authenticated data, so changing the key id, context or data key fails decryption. The data key
// is produced by GenerateDataKey with the same encryption context, so KMS binds it there too.
import { gcm } from '@noble/ciphers/aes.js';

export const ENVELOPE_BEGIN = '-----BEGIN KMS ENVELOPE-----';
export const ENVELOPE_END = '-----END KMS ENVELOPE-----';
const VERSION = '1';
const NONCE_BYTES = 12;
const LINE_WIDTH = 64;

export type EncryptionContext = Readonly<Record<string, string>>;

export interface EnvelopeHeader {
  readonly keyId: string;
  readonly encryptionContext: EncryptionContext;
  /** The data key as KMS encrypted it (CiphertextBlob of GenerateDataKey). */
  readonly encryptedDataKey: Uint8Array;
  readonly nonce: Uint8Array;
}

export interface ParsedEnvelope extends EnvelopeHeader {
  readonly ciphertext: Uint8Array;
  /** The exact header text authenticated as AAD. */
  readonly aad: Uint8Array;
}

export class EnvelopeFormatError extends Error {}

export function isEnvelope(text: string): boolean {
  return text.trim().startsWith(ENVELOPE_BEGIN);
}

/** Encrypts `plaintext` under `dataKey` (32 bytes) and returns the armored block. The caller wipes both. */
export function sealEnvelope(header: Omit<EnvelopeHeader, 'nonce'>, dataKey: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array): string {
  if (dataKey.length !== 32) throw new EnvelopeFormatError('The data key must be 32 bytes (AES-256).');
  if (nonce.length !== NONCE_BYTES) throw new EnvelopeFormatError('The nonce must be 12 bytes.');
  const headerLines = formatHeader({ ...header, nonce });
  const sealed = gcm(dataKey, nonce, utf8(headerLines.join('\n'))).encrypt(plaintext);
  const body = Buffer.from(sealed).toString('base64');
  const bodyLines = body.match(new RegExp(`.{1,${LINE_WIDTH}}`, 'g')) ?? [];
  return [ENVELOPE_BEGIN, ...headerLines, '', ...bodyLines, ENVELOPE_END].join('\n');
}

/** Decrypts a parsed envelope with the plaintext data key. Throws when anything was altered. */
export function openEnvelope(envelope: ParsedEnvelope, dataKey: Uint8Array): Uint8Array {
  try {
    return gcm(dataKey, envelope.nonce, envelope.aad).decrypt(envelope.ciphertext);
  } catch {
    throw new EnvelopeFormatError('The envelope failed authentication: its text or header was changed.');
  }
}

export function parseEnvelope(text: string): ParsedEnvelope {
  // Indentation and CRLF line ends are tolerated (envelopes get pasted into YAML, Windows files...).
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== ENVELOPE_BEGIN) throw new EnvelopeFormatError(`An envelope starts with ${ENVELOPE_BEGIN}.`);
  const end = lines.indexOf(ENVELOPE_END);
  if (end < 0) throw new EnvelopeFormatError(`The envelope has no ${ENVELOPE_END} line.`);
  const blank = lines.indexOf('', 1);
  if (blank < 0 || blank > end) throw new EnvelopeFormatError('The envelope has no blank line between its header and its body.');
  const headerLines = lines.slice(1, blank);
  const fields = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new EnvelopeFormatError(`Malformed envelope header line: "${line}".`);
    fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const version = fields.get('Version');
  if (version !== VERSION) throw new EnvelopeFormatError(`Unsupported envelope version ${version ?? '(none)'}; this version reads version ${VERSION}.`);
  const keyId = required(fields, 'Key-Id');
  const contextText = fields.get('Encryption-Context');
  const encryptionContext = contextText ? parseContext(contextText) : {};
  const encryptedDataKey = base64Field(required(fields, 'Data-Key'), 'Data-Key');
  const nonce = base64Field(required(fields, 'Nonce'), 'Nonce');
  if (nonce.length !== NONCE_BYTES) throw new EnvelopeFormatError('The envelope nonce must be 12 bytes.');
  const ciphertext = base64Field(lines.slice(blank + 1, end).join(''), 'body');
  if (ciphertext.length < 16) throw new EnvelopeFormatError('The envelope body is too short to hold an authentication tag.');
  return { keyId, encryptionContext, encryptedDataKey, nonce, ciphertext, aad: utf8(headerLines.join('\n')) };
}

function formatHeader(header: EnvelopeHeader): string[] {
  const lines = [`Version: ${VERSION}`, `Key-Id: ${header.keyId}`];
  if (Object.keys(header.encryptionContext).length) lines.push(`Encryption-Context: ${Buffer.from(canonicalContext(header.encryptionContext)).toString('base64')}`);
  lines.push(`Data-Key: ${Buffer.from(header.encryptedDataKey).toString('base64')}`);
  lines.push(`Nonce: ${Buffer.from(header.nonce).toString('base64')}`);
  return lines;
}

/** JSON with sorted keys, so the same context always gives the same header. */
export function canonicalContext(context: EncryptionContext): string {
  return JSON.stringify(Object.fromEntries(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

function parseContext(base64: string): EncryptionContext {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw new EnvelopeFormatError('The envelope encryption context is not base64 JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new EnvelopeFormatError('The envelope encryption context must be an object of strings.');
  }
  return value as EncryptionContext;
}

function required(fields: Map<string, string>, name: string): string {
  const value = fields.get(name);
  if (!value) throw new EnvelopeFormatError(`The envelope header lacks ${name}.`);
  return value;
}

function base64Field(text: string, name: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new EnvelopeFormatError(`The envelope ${name} is not valid base64.`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
