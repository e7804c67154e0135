// The engine's CloudTrail events kept in its store, encrypted like the rest, so that LookupEvents,
// the exported log files and replay still have them after a restart.
//
// Events are not acknowledged writes: a call's answer never waits for its event. They are
// appended in batches (every FLUSH_MS, or at once when BATCH_EVENTS are waiting), off the call's
// path, so recording one costs a push onto an array. What a crash loses: the events of the last
// batch not yet written (at most FLUSH_MS of calls) when the process dies, and whatever the
// operating system had not yet put on disk when the machine dies (appends are not fsynced; the
// file is fsynced when the engine closes and when it is compacted). A torn last batch is cut off
// when the store opens.
//
// Bound: the newest `limit` events (100,000 by default) of at most MAX_AGE_MS (90 days, as
// CloudTrail's own event history) by the engine clock. The file is rewritten with only those
// when it holds twice the limit (compaction).
//
// Record layout: sequence (8 bytes, big-endian) | IV (12) | tag (16) | AES-256-GCM ciphertext
// under the root key, AAD "KMSPEVENT" | format version (0x01) | sequence, so a batch cannot be
// moved or taken for a state record. Plaintext: JSON array of recorded calls (cloudTrailEvents.ts),
// each with the id seed it was numbered under, so event ids stay the same across restarts.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { freshRandomBytes } from './randomSource';
import { EngineStoreError } from './engineSnapshot';
import type { RecordedCall } from './cloudTrailEvents';
import type { CloudTrailEventHistory } from './cloudTrailLookup';
import type { Clock } from './kmsEngineApi';

const MAGIC = Buffer.from('KMSPEVENT', 'ascii');
const VERSION = 1;
const SEQUENCE_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The newest events are written at least this often. */
export const FLUSH_MS = 1_000;
/** ...and at once when this many are waiting. */
const BATCH_EVENTS = 5_000;
/** CloudTrail's event history keeps 90 days. */
export const MAX_AGE_MS = 90 * 24 * 3600 * 1000;
/** A compaction writes its events in records of this many. */
const COMPACTED_RECORD_EVENTS = 10_000;

/** Where the events are kept: an append-only sequence of records (node/cloudTrailEventFile.ts). */
export interface CloudTrailEventBackend {
  /** Every whole record in order (a torn or unreadable tail cut off). */
  read(): Promise<Uint8Array[]>;
  /** Appends one record after the others (not fsynced: events are not acknowledged writes). */
  append(record: Uint8Array): Promise<void>;
  /** Durably and atomically replaces every record. */
  replace(records: readonly Uint8Array[]): Promise<void>;
  /** Makes what was appended durable and releases the file. */
  close(): Promise<void>;
}

function aad(sequence: number): Buffer {
  const bytes = Buffer.alloc(MAGIC.length + 1 + SEQUENCE_BYTES);
  MAGIC.copy(bytes);
  bytes[MAGIC.length] = VERSION;
  bytes.writeBigUInt64BE(BigInt(sequence), MAGIC.length + 1);
  return bytes;
}

export function sealEventBatch(calls: readonly RecordedCall[], sequence: number, rootKey: Uint8Array): Uint8Array {
  const iv = freshRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(rootKey), iv);
  cipher.setAAD(aad(sequence));
  const body = Buffer.concat([cipher.update(JSON.stringify(calls), 'utf8'), cipher.final()]);
  const prefix = Buffer.alloc(SEQUENCE_BYTES);
  prefix.writeBigUInt64BE(BigInt(sequence));
  return Buffer.concat([prefix, iv, cipher.getAuthTag(), body]);
}

export function openEventBatch(record: Uint8Array, rootKey: Uint8Array, where: string): { sequence: number; calls: RecordedCall[] } {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (bytes.length < SEQUENCE_BYTES + IV_BYTES + TAG_BYTES) throw new EngineStoreError(`${where} holds a CloudTrail event record too short to be one: it is corrupt.`);
  const sequence = Number(bytes.readBigUInt64BE(0));
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(rootKey), bytes.subarray(SEQUENCE_BYTES, SEQUENCE_BYTES + IV_BYTES));
    decipher.setAAD(aad(sequence));
    decipher.setAuthTag(bytes.subarray(SEQUENCE_BYTES + IV_BYTES, SEQUENCE_BYTES + IV_BYTES + TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(bytes.subarray(SEQUENCE_BYTES + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new EngineStoreError(`${where}'s CloudTrail events cannot be decrypted: they are corrupt or were encrypted under a different root key.`);
  }
  const calls = JSON.parse(plaintext.toString('utf8')) as unknown;
  if (!Array.isArray(calls)) throw new EngineStoreError(`${where}'s CloudTrail events decrypted but are not a list of events.`);
  return { sequence, calls: calls as RecordedCall[] };
}

/** Writes the history's new events to the backend in batches, and reads them back at start. */
export class CloudTrailEventPersistence {
  private pending: RecordedCall[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private nextSequence = 0;
  /** Events in the backend's records: compaction starts at twice the history's limit. */
  private stored = 0;
  private closed = false;
  /** Why the last write failed, for whoever asks; events are dropped, calls go on. */
  lastFailure: unknown;

  private constructor(
    private readonly backend: CloudTrailEventBackend,
    private readonly rootKey: Uint8Array,
    private readonly history: CloudTrailEventHistory,
  ) {}

  /** Reads the kept events into `history` (the newest `history.limit` within MAX_AGE_MS of now) and records from then on. */
  static async open(backend: CloudTrailEventBackend, rootKey: Uint8Array, history: CloudTrailEventHistory, clock: Clock, where: string): Promise<CloudTrailEventPersistence> {
    const persistence = new CloudTrailEventPersistence(backend, rootKey, history);
    const oldest = clock.now().getTime() - MAX_AGE_MS;
    const kept: RecordedCall[] = [];
    for (const record of await backend.read()) {
      const batch = openEventBatch(record, rootKey, where);
      persistence.nextSequence = Math.max(persistence.nextSequence, batch.sequence + 1);
      persistence.stored += batch.calls.length;
      for (const call of batch.calls) if (call.time >= oldest) kept.push(call);
    }
    history.restore(kept.slice(-history.limit));
    history.onRecord((call) => persistence.recorded(call));
    return persistence;
  }

  private recorded(call: RecordedCall): void {
    if (this.closed) return;
    this.pending.push(call);
    if (this.pending.length >= BATCH_EVENTS) this.flushSoon(0);
    else if (!this.timer) this.flushSoon(FLUSH_MS);
  }

  private flushSoon(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    // A pending batch must not keep a process alive that has nothing else to do.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Writes the waiting events (one batch after the other, never two at once). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.pending.length) return;
      const batch = this.pending;
      this.pending = [];
      try {
        if (this.stored + batch.length > 2 * this.history.limit) await this.compact();
        else {
          await this.backend.append(sealEventBatch(batch, this.nextSequence++, this.rootKey));
          this.stored += batch.length;
        }
      } catch (error) {
        // Events are not acknowledged writes: a full disk drops them, and calls go on.
        this.lastFailure = error;
      }
    });
    return this.writing;
  }

  /** Replaces the records with the history's events (the newest within the bound), in a few records. */
  private async compact(): Promise<void> {
    const calls = [...this.history.all()];
    const records: Uint8Array[] = [];
    for (let first = 0; first < calls.length; first += COMPACTED_RECORD_EVENTS) {
      records.push(sealEventBatch(calls.slice(first, first + COMPACTED_RECORD_EVENTS), this.nextSequence++, this.rootKey));
    }
    await this.backend.replace(records);
    this.stored = calls.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
    await this.backend.close();
  }
}
