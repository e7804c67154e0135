// The one line Encrypt and Decrypt Selection show when they are done: which key, how many bytes,
// and whether each selection went to KMS directly or in an envelope. Never any of the text.

export interface SelectionOutcome {
  /** UTF-8 bytes of the plaintext (what was encrypted, or what came back). */
  readonly bytes: number;
  /** An envelope (GenerateDataKey + AES-256-GCM) rather than KMS Encrypt/Decrypt directly. */
  readonly envelope: boolean;
  /** The key as the user knows it: alias, else key id (from an ARN, the id alone). */
  readonly key: string;
}

/** `key/1234…` of a key ARN becomes its id; an alias ARN its alias name; anything else as is. */
export function shortKeyName(keyOrArn: string): string {
  const m = /^arn:[^:]+:kms:[^:]*:\d{12}:(key\/(.+)|(alias\/.+))$/.exec(keyOrArn);
  return m ? (m[2] ?? m[3]!) : keyOrArn;
}

function bytesText(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
}

function howText(outcomes: readonly SelectionOutcome[]): string {
  const envelopes = outcomes.filter((o) => o.envelope).length;
  if (envelopes === 0) return 'direct';
  if (envelopes === outcomes.length) return 'envelope';
  return `${envelopes} envelope, ${outcomes.length - envelopes} direct`;
}

function summary(verb: 'Encrypted' | 'Decrypted', outcomes: readonly SelectionOutcome[]): string {
  const keys = [...new Set(outcomes.map((o) => o.key))];
  const bytes = outcomes.reduce((sum, o) => sum + o.bytes, 0);
  const count = outcomes.length === 1 ? '' : `${outcomes.length} selections, `;
  const keyText = keys.length === 1 ? `key ${keys[0]}` : `keys ${keys.join(', ')}`;
  return `${verb} ${count}${bytesText(bytes)} (${howText(outcomes)}) with ${keyText}.`;
}

export function encryptionSummary(outcomes: readonly SelectionOutcome[]): string {
  return summary('Encrypted', outcomes);
}

export function decryptionSummary(outcomes: readonly SelectionOutcome[]): string {
  return summary('Decrypted', outcomes);
}
