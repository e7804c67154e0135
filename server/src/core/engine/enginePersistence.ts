// Writes the state durably before anything that depends on it is answered.
//
// Every operation that changes the state takes a ticket when it first changes it. Its own answer
// waits for its write, and every answer (even of an operation that changed nothing) waits until
// the tickets taken before it are settled: a client never learns of a key, a rotation or an
// alias that a crash could still take away. Writes that arrive while one is in flight are
// coalesced into the next one (group commit), so concurrent writers share fsyncs.
//
// A write appends one record with the entries its operations reached (engineJournal.ts), so it
// costs the same at 100 keys or 100,000. When the records after the snapshot outgrow it, a new
// snapshot replaces them all (compaction), which keeps opening the store as fast as reading a
// snapshot; an operation that reached a large share of the entries is written as a snapshot.
//
// A write that fails (a full or read-only disk) rolls the state back to what is durable, as if
// the requests never happened; operations that saw the discarded state then fail too (their
// epoch is gone), so no answer rests on it.
import type { EngineStoreBackend } from './kmsEngineApi';
import type { EngineState } from './engineState';
import { entryCount, sealChanges, sealSnapshot } from './engineJournal';

/** Compact when the records after the snapshot reach this multiple of its size... */
const COMPACT_RATIO = 2;
/** ...and at least this many bytes, so a small store does not rewrite itself all the time. */
const COMPACT_MIN_BYTES = 4 << 20;
/** A write that reached more than this share of all entries is written as a snapshot. */
const SNAPSHOT_SHARE = 0.25;
/** ...when it reached more than this many entries (a small store just appends). */
const SNAPSHOT_MIN_ENTRIES = 64;

interface Waiter {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function waiter(): Waiter {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody waits for any more must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Raised to answers that rested on changes a failed write rolled back. */
export class StateRolledBackError extends Error {
  constructor() {
    super('A concurrent change could not be written to the store and was undone; nothing was changed by this request.');
    this.name = 'StateRolledBackError';
  }
}

/** Raised when a write failed and the durable state could not be read back. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The engine store failed and could not be read back (${describeStoreFailure(cause)}); restart the engine.`);
    this.name = 'StoreUnavailableError';
  }
}

/** What a failed disk operation was, without the paths node:fs puts in its messages. */
export function describeStoreFailure(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    const known: Record<string, string> = {
      ENOSPC: 'the disk is full',
      EDQUOT: 'the disk quota is exhausted',
      EROFS: 'the file system is read-only',
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EIO: 'an input/output error',
    };
    return `${code}${known[code] ? `: ${known[code]}` : ''}`;
  }
  // Without a code the message may carry a path; keep only its first words before one.
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(?:[A-Za-z]:)?[\\/][^\s'",)]*/g, '<path>');
}

interface Batch extends Waiter {
  readonly tickets: number[];
  /** Entries to write, or undefined: write everything (a snapshot). */
  entries: Set<string> | undefined;
}

/** Where the store stands: the sequence of its last record and the sizes that decide compaction. */
export interface StorePosition {
  sequence: number;
  snapshotBytes: number;
  journalBytes: number;
  /** The next write must be a snapshot (a new store, or one of an earlier format). */
  needsSnapshot: boolean;
}

export class EnginePersistence {
  /** Bumped on each roll-back: answers computed before one must not be given. */
  private currentEpoch = 0;
  private nextTicket = 1;
  /** Tickets of changes not yet durable (or failed), in the order they were taken. */
  private readonly outstanding = new Set<number>();
  private settledWaiters: Array<{ readonly through: number; readonly resolve: () => void }> = [];
  private next: Batch | undefined;
  private draining: Promise<void> | undefined;
  private broken: unknown;

  constructor(
    private readonly backend: EngineStoreBackend | undefined,
    private readonly rootKey: Uint8Array,
    private readonly state: EngineState,
    private readonly position: StorePosition,
    /** Replaces the state's contents with what is durable, and answers where the store stands. */
    private readonly reload: () => Promise<StorePosition>,
  ) {}

  get durable(): boolean {
    return this.backend !== undefined;
  }

  get epoch(): number {
    return this.currentEpoch;
  }

  /** Throws when the store failed beyond recovery: nothing can be answered any more. */
  assertUsable(): void {
    if (this.broken !== undefined) throw new StoreUnavailableError(this.broken);
  }

  /** A ticket for a change being made now; settle it with `commit`. */
  begin(): number {
    const ticket = this.nextTicket++;
    if (this.backend) this.outstanding.add(ticket);
    return ticket;
  }

  /**
   * Resolves once a write that includes the entries this operation reached (`entries`; every
   * entry when undefined) is durable.
   */
  commit(ticket: number, entries?: ReadonlySet<string>): Promise<void> {
    if (!this.backend) return Promise.resolve();
    if (this.broken !== undefined) {
      this.settle([ticket]);
      return Promise.reject(new StoreUnavailableError(this.broken));
    }
    if (!this.next) this.next = { ...waiter(), tickets: [], entries: new Set() };
    this.next.tickets.push(ticket);
    if (!entries) this.next.entries = undefined;
    else if (this.next.entries) for (const entry of entries) this.next.entries.add(entry);
    const pending = this.next.promise;
    this.draining ??= this.drain();
    return pending;
  }

  /**
   * Undefined when an answer computed in `epoch` may be given at once; otherwise a promise that
   * resolves once every change made so far is durable, and rejects if any was rolled back.
   */
  whenSettled(epoch: number): Promise<void> | undefined {
    if (this.broken !== undefined) return Promise.reject(new StoreUnavailableError(this.broken));
    if (epoch !== this.currentEpoch) return Promise.reject(new StateRolledBackError());
    if (this.outstanding.size === 0) return undefined;
    const through = this.nextTicket - 1;
    return new Promise<void>((resolve) => this.settledWaiters.push({ through, resolve })).then(() => {
      if (this.broken !== undefined) throw new StoreUnavailableError(this.broken);
      if (epoch !== this.currentEpoch) throw new StateRolledBackError();
    });
  }

  private settle(tickets: readonly number[]): void {
    for (const ticket of tickets) this.outstanding.delete(ticket);
    if (!this.settledWaiters.length) return;
    const oldest = this.outstanding.values().next();
    const pendingFrom = oldest.done ? Infinity : oldest.value;
    const ready = this.settledWaiters.filter((w) => w.through < pendingFrom);
    if (!ready.length) return;
    this.settledWaiters = this.settledWaiters.filter((w) => w.through >= pendingFrom);
    for (const w of ready) w.resolve();
  }

  private async drain(): Promise<void> {
    // Always asynchronous, so `draining` is set before this can clear it.
    await null;
    try {
      while (this.next && this.backend) {
        const batch = this.next;
        this.next = undefined;
        try {
          await this.write(this.backend, batch.entries);
        } catch (error) {
          await this.rollBack();
          this.settle(batch.tickets);
          batch.reject(error);
          continue;
        }
        this.settle(batch.tickets);
        batch.resolve();
        if (!this.next && this.compactionDue()) await this.compact(this.backend);
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** Serializes now: every change made to these entries before this point is in this write. */
  private async write(backend: EngineStoreBackend, entries: Set<string> | undefined): Promise<void> {
    const position = this.position;
    // Counting the entries costs a walk over them: only worth it when this write is large.
    const large = entries !== undefined && entries.size > SNAPSHOT_MIN_ENTRIES && entries.size > SNAPSHOT_SHARE * entryCount(this.state);
    if (!entries || position.needsSnapshot || large) {
      const parts = sealSnapshot(this.state, position.sequence + 1, this.rootKey);
      await backend.replace(parts);
      position.snapshotBytes = parts.reduce((total, part) => total + part.length, 0);
      position.journalBytes = 0;
      position.needsSnapshot = false;
    } else {
      const record = sealChanges(this.state, entries, position.sequence + 1, this.rootKey);
      await backend.append(record);
      position.journalBytes += record.length;
    }
    position.sequence++;
  }

  private compactionDue(): boolean {
    const { journalBytes, snapshotBytes } = this.position;
    return journalBytes >= COMPACT_MIN_BYTES && journalBytes >= COMPACT_RATIO * snapshotBytes;
  }

  /** Folds the records into a new snapshot. Nothing waits on it: if it fails, the records stay. */
  private async compact(backend: EngineStoreBackend): Promise<void> {
    try {
      await this.write(backend, undefined);
    } catch {
      // The records written so far are durable; read back what the store holds now, and try
      // again once as many more were written.
      await this.rollBack();
      this.position.snapshotBytes = Math.max(this.position.snapshotBytes, this.position.journalBytes);
    }
  }

  /** Puts the state back to what is durable, so the failed changes leave no trace in memory. */
  private async rollBack(): Promise<void> {
    this.currentEpoch++;
    try {
      Object.assign(this.position, await this.reload());
    } catch (error) {
      this.broken = error;
    }
  }

  async close(): Promise<void> {
    while (this.draining) await this.draining;
    await this.backend?.close();
  }
}
