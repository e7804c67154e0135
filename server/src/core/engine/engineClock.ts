// The engine's sense of time. Deletion dates, rotation schedules, import expiry and the end of
// transient states are all read from one Clock, so a user can move time forward and watch a
// scheduled deletion or rotation happen.
import type { Clock } from './kmsEngineApi';

export const systemClock: Clock = { now: () => new Date() };

/**
 * How far the clock may be moved in all: 100 years, far past any KMS date (a deletion waits at
 * most 30 days, a rotation period at most 2,560 days) and far inside what a Date can hold, so
 * no operation ever meets an invalid date.
 */
export const MAX_CLOCK_OFFSET_MS = 100 * 365 * 86_400_000;

/**
 * Real time plus an offset the user can grow. Time keeps flowing (transient states still end
 * after their short delay) and `advance` jumps ahead, e.g. 30 days to reach a deletion date.
 */
export class AdjustableClock implements Clock {
  private offsetMs: number;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  constructor(initialOffsetMs = 0, private readonly base: Clock = systemClock) {
    this.offsetMs = 0;
    checkAdvance(0, initialOffsetMs);
    this.offsetMs = initialOffsetMs;
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  /**
   * Moves time forward by `ms` (never backwards: KMS dates only grow). Checked whole before
   * anything changes: a refused advance leaves the clock exactly as it was.
   */
  advance(ms: number): void {
    checkAdvance(this.offsetMs, ms);
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

function checkAdvance(offsetMs: number, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`The clock only moves forward; got ${ms} ms.`);
  if (offsetMs + ms > MAX_CLOCK_OFFSET_MS) {
    throw new RangeError(
      `The engine clock moves at most 100 years ahead in all; it is ${Math.floor(offsetMs / 86_400_000)} days ahead, and ${Math.ceil(ms / 86_400_000)} more days would pass that.`,
    );
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
