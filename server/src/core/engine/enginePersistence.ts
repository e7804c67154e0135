// Writes the state durably before anything that depends on it is answered.
//
// Every operation that changes the state takes a ticket when it first changes it. Its own answer
// waits for its write, and every answer (even of an operation that changed nothing) waits until
// the tickets taken before it are settled: a client never learns of a key, a rotation or an
// alias that a crash could still take away. Writes that arrive while one is in flight are
// coalesced into the next one (group commit), so concurrent writers share fsyncs.
//
// A write that fails (a full or read-only disk) rolls the state back to what is durable, as if
// the requests never happened; operations that saw the discarded state then fail too (their
// epoch is gone), so no answer rests on it.
import type { EngineStoreBackend } from './kmsEngineApi';
import type { EngineState } from './engineState';
import { encryptSnapshot } from './engineSnapshot';

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
    /** Replaces the state's contents with what is durable. */
    private readonly reload: () => Promise<void>,
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

  /** Resolves once a write that includes every change made before this call is durable. */
  commit(ticket: number): Promise<void> {
    if (!this.backend) return Promise.resolve();
    if (this.broken !== undefined) {
      this.settle([ticket]);
      return Promise.reject(new StoreUnavailableError(this.broken));
    }
    if (!this.next) this.next = { ...waiter(), tickets: [] };
    this.next.tickets.push(ticket);
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
          // Serialize now: every change made before this point is in this write.
          await this.backend.write(encryptSnapshot(this.state, this.rootKey));
        } catch (error) {
          await this.rollBack();
          this.settle(batch.tickets);
          batch.reject(error);
          continue;
        }
        this.settle(batch.tickets);
        batch.resolve();
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** Puts the state back to what is durable, so the failed changes leave no trace in memory. */
  private async rollBack(): Promise<void> {
    this.currentEpoch++;
    try {
      await this.reload();
    } catch (error) {
      this.broken = error;
    }
  }

  async close(): Promise<void> {
    while (this.draining) await this.draining;
    await this.backend?.close();
  }
}
