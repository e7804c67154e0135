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
// its size). Changes plaintext: one JSON array of `[collection, name, value | null]` (null:
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
    for (const collection of ENTRY_COLLECTIONS) {
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

function open(record: Uint8Array, rootKey: Uint8Array, where: string): { kind: number; sequence: number; plaintext: Buffer } {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (bytes.length < PREFIX + IV_BYTES + TAG_BYTES || (bytes[0] !== SNAPSHOT && bytes[0] !== CHANGES)) {
    throw new EngineStoreError(`${where} holds a record of an unknown kind: it is corrupt; it was left untouched.`);
  }
  const kind = bytes[0]!;
  const sequence = Number(bytes.readBigUInt64BE(1));
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(rootKey), bytes.subarray(PREFIX, PREFIX + IV_BYTES));
    decipher.setAAD(aad(kind, sequence));
    decipher.setAuthTag(bytes.subarray(PREFIX + IV_BYTES, PREFIX + IV_BYTES + TAG_BYTES));
    const plaintext = decipher.update(bytes.subarray(PREFIX + IV_BYTES + TAG_BYTES));
    decipher.final();
    return { kind, sequence, plaintext };
  } catch {
    throw new EngineStoreError(`${where} cannot be decrypted: it is corrupt or was encrypted under a different root key; it was left untouched.`);
  }
}

function apply(state: EngineState, collection: unknown, name: unknown, value: unknown, where: string): void {
  if (collection === 'seededKeys') {
    if (!Array.isArray(value)) throw new EngineStoreError(`${where} decrypted but holds a malformed entry; it was left untouched.`);
    state.seededKeys = value as string[];
    return;
  }
  if (typeof name !== 'string' || !(ENTRY_COLLECTIONS as readonly unknown[]).includes(collection)) {
    throw new EngineStoreError(`${where} decrypted but holds an entry of an unknown kind; it was left untouched.`);
  }
  const map = state[collection as (typeof ENTRY_COLLECTIONS)[number]] as Record<string, unknown>;
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
  const first = open(records[0]!, rootKey, where);
  if (first.kind !== SNAPSHOT) throw new EngineStoreError(`${where} does not begin with a snapshot: it is corrupt; it was left untouched.`);
  const state = emptyEngineState();
  const text = first.plaintext;
  let start = text.indexOf(0x0a) + 1;
  try {
    const header = JSON.parse(text.toString('utf8', 0, start)) as { formatVersion?: unknown };
    if (header.formatVersion !== 1) throw new EngineStoreError(`${where} holds engine state of an unknown version; it was left untouched.`);
    while (start < text.length) {
      const end = text.indexOf(0x0a, start);
      const [collection, name, value] = JSON.parse(text.toString('utf8', start, end)) as unknown[];
      apply(state, collection, name, value, where);
      start = end + 1;
    }
  } catch (error) {
    if (error instanceof EngineStoreError) throw error;
    throw new EngineStoreError(`${where} decrypted but does not hold valid engine state; it was left untouched.`);
  }
  let sequence = first.sequence;
  let journalBytes = 0;
  for (let i = 1; i < records.length; i++) {
    const record = open(records[i]!, rootKey, where);
    if (record.kind !== CHANGES || record.sequence !== sequence + 1) {
      throw new EngineStoreError(`${where} has a record out of order (expected write ${sequence + 1}, found ${record.sequence}): it is corrupt; it was left untouched.`);
    }
    let changes: unknown;
    try {
      changes = JSON.parse(record.plaintext.toString('utf8'));
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
