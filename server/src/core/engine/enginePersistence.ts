// Writes the state durably before a mutating call is acknowledged. Writes that arrive while
// one is in flight are coalesced: they all wait for the next write, which carries every change
// made so far, so concurrent writers share fsyncs without losing acknowledged writes.
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
  return { promise, resolve, reject };
}

export class EnginePersistence {
  private next: Waiter | undefined;
  private running = false;

  constructor(
    private readonly backend: EngineStoreBackend | undefined,
    private readonly rootKey: Uint8Array,
    private readonly snapshot: () => EngineState,
  ) {}

  get durable(): boolean {
    return this.backend !== undefined;
  }

  /** Resolves once a write that includes every change made before this call is durable. */
  commit(): Promise<void> {
    if (!this.backend) return Promise.resolve();
    if (!this.next) this.next = waiter();
    const pending = this.next.promise;
    if (!this.running) void this.drain();
    return pending;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.next && this.backend) {
        const batch = this.next;
        this.next = undefined;
        try {
          // Serialize now: every change made before this point is in this write.
          await this.backend.write(encryptSnapshot(this.snapshot(), this.rootKey));
          batch.resolve();
        } catch (error) {
          batch.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  async close(): Promise<void> {
    if (this.next || this.running) await this.commit().catch(() => undefined);
    await this.backend?.close();
  }
}
