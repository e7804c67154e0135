// An engine store in memory whose disk can be slowed, filled or lost: writes can be held back
// (a slow fsync), made to fail (ENOSPC, EROFS), and a crash keeps only what was durable.
import type { EngineStoreBackend, StoredEngineRecords } from '../../../server/src/core/engine/kmsEngineApi';

interface HeldWrite {
  readonly apply: () => void;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class MemoryStoreBackend implements EngineStoreBackend {
  /** What a crash leaves: the records of every write that completed. */
  durable: Uint8Array[];
  private held: HeldWrite[] | undefined;
  private failure: (() => Error) | undefined;
  writes = 0;

  constructor(durable: Uint8Array[] = []) {
    this.durable = durable;
  }

  async read(): Promise<StoredEngineRecords | undefined> {
    return this.durable.length ? { records: [...this.durable] } : undefined;
  }

  append(record: Uint8Array): Promise<void> {
    return this.write(() => {
      this.durable = [...this.durable, record];
    });
  }

  replace(snapshot: readonly Uint8Array[]): Promise<void> {
    const record = Buffer.concat(snapshot);
    return this.write(() => {
      this.durable = [record];
    });
  }

  private write(apply: () => void): Promise<void> {
    this.writes++;
    if (this.failure) return Promise.reject(this.failure());
    if (!this.held) {
      apply();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.held!.push({ apply, resolve, reject }));
  }

  async close(): Promise<void> {}

  /** From now on writes wait (as behind a very slow fsync) until released. */
  hold(): void {
    this.held ??= [];
  }

  get pendingWrites(): number {
    return this.held?.length ?? 0;
  }

  /** Completes every held write, in order, and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const write of held) {
      write.apply();
      write.resolve();
    }
  }

  /** Every write fails with this error until `heal()`. */
  failWith(error: () => Error): void {
    this.failure = error;
  }

  heal(): void {
    this.failure = undefined;
  }

  /**
   * The process dies: writes not yet durable are lost, and a new backend sees what was. This
   * one refuses everything from now on, so the old engine can still be closed.
   */
  crash(): MemoryStoreBackend {
    const held = this.held ?? [];
    this.held = undefined;
    this.failure = () => new Error('the process is gone');
    const survivor = new MemoryStoreBackend(this.durable);
    for (const write of held) write.reject(new Error('the process is gone'));
    return survivor;
  }
}

/** An error as node:fs reports a full disk, naming an absolute path. */
export function diskFull(): Error {
  return Object.assign(new Error("ENOSPC: no space left on device, write '/home/someone/project/.kms-policy-store/engine-state.kmsstate'"), { code: 'ENOSPC', errno: -28, syscall: 'write', path: '/home/someone/project/.kms-policy-store/engine-state.kmsstate' });
}

export function readOnlyDisk(): Error {
  return Object.assign(new Error("EROFS: read-only file system, open '/home/someone/project/.kms-policy-store/engine-state.kmsstate'"), { code: 'EROFS', errno: -30, syscall: 'open', path: '/home/someone/project/.kms-policy-store/engine-state.kmsstate' });
}

/** Lets pending promise callbacks and one turn of the event loop run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
