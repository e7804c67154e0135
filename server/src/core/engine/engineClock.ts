// The engine's sense of time. Deletion dates, rotation schedules, import expiry and the end of
// transient states are all read from one Clock, so a user can move time forward and watch a
// scheduled deletion or rotation happen.
import type { Clock } from './kmsEngineApi';

export const systemClock: Clock = { now: () => new Date() };

/**
 * Real time plus an offset the user can grow. Time keeps flowing (transient states still end
 * after their short delay) and `advance` jumps ahead, e.g. 30 days to reach a deletion date.
 */
export class AdjustableClock implements Clock {
  private offsetMs: number;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  constructor(initialOffsetMs = 0, private readonly base: Clock = systemClock) {
    this.offsetMs = initialOffsetMs;
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  /** Moves time forward by `ms` (never backwards: KMS dates only grow). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`The clock only moves forward; got ${ms} ms.`);
    this.offsetMs += ms;
    for (const listener of this.listeners) listener(this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Called after each advance, so an engine can apply what became due right away. */
  onDidAdvance(listener: (offsetMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Parses `--clock` values such as `30d`, `12h`, `90m`, `45s` or a plain number of milliseconds. */
export function parseClockAdvance(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new Error(`Cannot read "${text}" as a duration; use e.g. 30d, 12h, 15m, 10s or 5000ms.`);
  const unit = match[2] ?? 'ms';
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return Math.round(Number(match[1]) * factor);
}
