// The engine's state at rest, as records: one snapshot of the whole state, then one record per
// durable write holding only the entries it changed (a key, an alias, a cluster, a key store).
// A write costs what it changes, not what the store holds; the store folds the records back
// into a new snapshot from time to time (compaction).
//
// Record layout: kind (1 byte: 'S' snapshot, 'C' changes) | sequence (8 bytes, big-endian) |
// IV (12) | tag (16) | AES-256-GCM ciphertext under the root key. The AAD is "KMSPSTATE", the
// format version (0x02), the kind and the sequence, so a record cannot be moved, replayed or
// taken for another kind. Sequences follow each other without gaps from the snapshot on.
//
// Snapshot plaintext: JSON lines, `{"formatVersion":1}` first, then one
// `[collection, name, value]` line per entry (no single string holds the whole state, whatever
// its size); a key's line names its policy by number, `[..., value, n]`, after a
// `["policy", "", text]` line gave the text once. Changes plaintext: one JSON array of `[collection, name, value | null]` (null:
// removed). The collection `seededKeys` has one entry named "".
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { freshRandomBytes } from './randomSource';
import { decryptSnapshot, EngineStoreError } from './engineSnapshot';
import { emptyEngineState, type EngineState } from './engineState';

const MAGIC = Buffer.from('KMSPSTATE', 'ascii');
const VERSION = 2;
const SNAPSHOT = 0x53;
const CHANGES = 0x43;
const PREFIX = 1 + 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Lines are handed to the cipher in pieces of about this size. */
const CHUNK_CHARS = 1 << 16;
/** A snapshot is decrypted in pieces of this size. */
const DECRYPT_CHUNK = 1 << 18;

export const ENTRY_COLLECTIONS = ['keys', 'aliases', 'clusters', 'customKeyStores'] as const;
export type EntryCollection = (typeof ENTRY_COLLECTIONS)[number] | 'seededKeys';

/** One changed entry: `${collection}\u0000${name}`. */
export function entryId(collection: EntryCollection, name: string): string {
  return `${collection}\u0000${name}`;
}

type Change = [EntryCollection, string, unknown];

function aad(kind: number, sequence: number): Buffer {
  const bytes = Buffer.alloc(MAGIC.length + 2 + 8);
  MAGIC.copy(bytes);
  bytes[MAGIC.length] = VERSION;
  bytes[MAGIC.length + 1] = kind;
  bytes.writeBigUInt64BE(BigInt(sequence), MAGIC.length + 2);
  return bytes;
}

function sealParts(kind: number, sequence: number, rootKey: Uint8Array, plaintext: (update: (text: string) => void) => void): Uint8Array[] {
  const iv = freshRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(rootKey), iv);
  cipher.setAAD(aad(kind, sequence));
  const body: Buffer[] = [];
  let pending = '';
  plaintext((text) => {
    pending += text;
    if (pending.length >= CHUNK_CHARS) {
      body.push(cipher.update(pending, 'utf8'));
      pending = '';
    }
  });
  if (pending) body.push(cipher.update(pending, 'utf8'));
  body.push(cipher.final());
  const prefix = Buffer.alloc(PREFIX);
  prefix[0] = kind;
  prefix.writeBigUInt64BE(BigInt(sequence), 1);
  return [prefix, iv, cipher.getAuthTag(), ...body];
}

/** The whole state as one snapshot record, in parts (concatenated they are the record). */
export function sealSnapshot(state: EngineState, sequence: number, rootKey: Uint8Array): Uint8Array[] {
  return sealParts(SNAPSHOT, sequence, rootKey, (write) => {
    write(`{"formatVersion":${state.formatVersion}}\n`);
    // Most keys of an account carry the same (default) key policy: each text is written once,
    // as a `["policy", "", text]` line, and keys after it name it by its number.
    const policies = new Map<string, number>();
    for (const name in state.keys) {
      const key = state.keys[name]!;
      let policy = policies.get(key.policy);
      if (policy === undefined) {
        policy = policies.size;
        policies.set(key.policy, policy);
        write(`${JSON.stringify(['policy', '', key.policy])}\n`);
      }
      write(`${JSON.stringify(['keys', name, { ...key, policy: undefined }, policy])}\n`);
    }
    for (const collection of ENTRY_COLLECTIONS) {
      if (collection === 'keys') continue;
      const map = state[collection] as Record<string, unknown>;
      for (const name in map) write(`${JSON.stringify([collection, name, map[name]])}\n`);
    }
    write(`${JSON.stringify(['seededKeys', '', state.seededKeys])}\n`);
  });
}

/** The current value of each changed entry (null when it is gone) as one record. */
export function sealChanges(state: EngineState, entries: Iterable<string>, sequence: number, rootKey: Uint8Array): Uint8Array {
  const changes: Change[] = [];
  for (const id of entries) {
    const split = id.indexOf('\u0000');
    const collection = id.slice(0, split) as EntryCollection;
    const name = id.slice(split + 1);
    const value = collection === 'seededKeys' ? state.seededKeys : (state[collection] as Record<string, unknown>)[name];
    changes.push([collection, name, value ?? null]);
  }
  return Buffer.concat(sealParts(CHANGES, sequence, rootKey, (write) => write(JSON.stringify(changes))));
}

/** The number of entries a snapshot would hold: above a share of it, a snapshot is the cheaper write. */
export function entryCount(state: EngineState): number {
  let count = 1;
  for (const collection of ENTRY_COLLECTIONS) count += Object.keys(state[collection]).length;
  return count;
}

function recordParts(record: Uint8Array, where: string): { kind: number; sequence: number; iv: Buffer; tag: Buffer; body: Buffer } {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (bytes.length < PREFIX + IV_BYTES + TAG_BYTES || (bytes[0] !== SNAPSHOT && bytes[0] !== CHANGES)) {
    throw new EngineStoreError(`${where} holds a record of an unknown kind: it is corrupt; it was left untouched.`);
  }
  return {
    kind: bytes[0]!,
    sequence: Number(bytes.readBigUInt64BE(1)),
    iv: bytes.subarray(PREFIX, PREFIX + IV_BYTES),
    tag: bytes.subarray(PREFIX + IV_BYTES, PREFIX + IV_BYTES + TAG_BYTES),
    body: bytes.subarray(PREFIX + IV_BYTES + TAG_BYTES),
  };
}

function undecryptable(where: string): EngineStoreError {
  return new EngineStoreError(`${where} cannot be decrypted: it is corrupt or was encrypted under a different root key; it was left untouched.`);
}

/**
 * Decrypts a record piece by piece, handing each whole line to `line` as it comes: a large
 * snapshot never exists as one plaintext buffer or string. Nothing read is trusted until the
 * tag checks at the end, and the caller discards what it built if it throws.
 */
function decryptLines(record: ReturnType<typeof recordParts>, rootKey: Uint8Array, where: string, line: (text: string) => void): void {
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(rootKey), record.iv);
  decipher.setAAD(aad(record.kind, record.sequence));
  decipher.setAuthTag(record.tag);
  let carry: Buffer | undefined;
  // The first line that fails; decryption goes on to check the tag, which decides the message.
  let failure: unknown;
  const give = (text: string): void => {
    if (failure !== undefined) return;
    try {
      line(text);
    } catch (error) {
      failure = error;
    }
  };
  const take = (plain: Buffer): void => {
    let start = 0;
    for (let end = plain.indexOf(0x0a); end !== -1; end = plain.indexOf(0x0a, start)) {
      if (carry) {
        give(Buffer.concat([carry, plain.subarray(0, end)]).toString('utf8'));
        carry = undefined;
      } else {
        give(plain.toString('utf8', start, end));
      }
      start = end + 1;
    }
    if (start < plain.length) carry = carry ? Buffer.concat([carry, plain.subarray(start)]) : Buffer.from(plain.subarray(start));
  };
  try {
    for (let offset = 0; offset < record.body.length; offset += DECRYPT_CHUNK) take(decipher.update(record.body.subarray(offset, offset + DECRYPT_CHUNK)));
    take(decipher.final());
  } catch {
    throw undecryptable(where);
  }
  if (carry) give(carry.toString('utf8'));
  if (failure instanceof EngineStoreError) throw failure;
  if (failure !== undefined) throw new EngineStoreError(`${where} decrypted but does not hold valid engine state; it was left untouched.`);
}

function decryptWhole(record: ReturnType<typeof recordParts>, rootKey: Uint8Array, where: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(rootKey), record.iv);
    decipher.setAAD(aad(record.kind, record.sequence));
    decipher.setAuthTag(record.tag);
    const plaintext = decipher.update(record.body);
    decipher.final();
    return plaintext;
  } catch {
    throw undecryptable(where);
  }
}

function apply(state: EngineState, collection: unknown, name: unknown, value: unknown, where: string): void {
  if (collection === 'seededKeys') {
    if (!Array.isArray(value)) throw new EngineStoreError(`${where} decrypted but holds a malformed entry; it was left untouched.`);
    state.seededKeys = value as string[];
    return;
  }
  let map: Record<string, unknown>;
  switch (collection) {
    case 'keys':
      map = state.keys;
      break;
    case 'aliases':
      map = state.aliases;
      break;
    case 'clusters':
      map = state.clusters;
      break;
    case 'customKeyStores':
      map = state.customKeyStores;
      break;
    default:
      throw new EngineStoreError(`${where} decrypted but holds an entry of an unknown kind; it was left untouched.`);
  }
  if (typeof name !== 'string') throw new EngineStoreError(`${where} decrypted but holds an entry of an unknown kind; it was left untouched.`);
  if (value === null) delete map[name];
  else map[name] = value;
}

export interface OpenedStore {
  readonly state: EngineState;
  /** Sequence of the last record: the next write takes the one after. */
  readonly sequence: number;
  /** Bytes of the snapshot and of the change records after it, to decide when to compact. */
  readonly snapshotBytes: number;
  readonly journalBytes: number;
}

/**
 * The state the records hold. `legacy`: the store is one whole-state file of format version 1
 * (written before records existed); it opens as a snapshot at sequence 0.
 */
export function openRecords(records: readonly Uint8Array[], rootKey: Uint8Array, where: string, legacy = false): OpenedStore {
  if (!records.length) return { state: emptyEngineState(), sequence: 0, snapshotBytes: 0, journalBytes: 0 };
  if (legacy) return { state: decryptSnapshot(records[0]!, rootKey, where), sequence: 0, snapshotBytes: records[0]!.length, journalBytes: Infinity };
  const first = recordParts(records[0]!, where);
  if (first.kind !== SNAPSHOT) throw new EngineStoreError(`${where} does not begin with a snapshot: it is corrupt; it was left untouched.`);
  const state = emptyEngineState();
  const policies: string[] = [];
  let header = true;
  decryptLines(first, rootKey, where, (text) => {
    if (header) {
      header = false;
      const { formatVersion } = JSON.parse(text) as { formatVersion?: unknown };
      if (formatVersion !== 1) throw new EngineStoreError(`${where} holds engine state of an unknown version; it was left untouched.`);
      return;
    }
    const [collection, name, value, policy] = JSON.parse(text) as unknown[];
    if (collection === 'policy') {
      policies.push(value as string);
      return;
    }
    if (typeof policy === 'number') {
      if (policies[policy] === undefined) throw new EngineStoreError(`${where} decrypted but names a key policy it does not hold; it was left untouched.`);
      (value as { policy: string }).policy = policies[policy];
    }
    apply(state, collection, name, value, where);
  });
  let sequence = first.sequence;
  let journalBytes = 0;
  for (let i = 1; i < records.length; i++) {
    const record = recordParts(records[i]!, where);
    if (record.kind !== CHANGES || record.sequence !== sequence + 1) {
      throw new EngineStoreError(`${where} has a record out of order (expected write ${sequence + 1}, found ${record.sequence}): it is corrupt; it was left untouched.`);
    }
    const plaintext = decryptWhole(record, rootKey, where);
    let changes: unknown;
    try {
      changes = JSON.parse(plaintext.toString('utf8'));
    } catch {
      throw new EngineStoreError(`${where} decrypted but holds a malformed record; it was left untouched.`);
    }
    if (!Array.isArray(changes)) throw new EngineStoreError(`${where} decrypted but holds a malformed record; it was left untouched.`);
    for (const change of changes as unknown[][]) apply(state, change[0], change[1], change[2], where);
    sequence = record.sequence;
    journalBytes += records[i]!.length;
  }
  return { state, sequence, snapshotBytes: records[0]!.length, journalBytes };
}
