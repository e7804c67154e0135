// Loopback-only routes beside the KMS API, under `/_studio/`:
//   GET  /_studio/clock                      -> {"now": ISO, "offsetMs": N}
//   POST /_studio/clock {"advance": "7d"}    -> moves the engine clock forward (also "12h", "90m", "5000ms")
//   POST /_studio/clock {"to": ISO}          -> moves it forward to that instant
//   GET  /_studio/health                     -> {"status": "ok"}
//   POST /_studio/cloudtrail/export {"directory": PATH} -> writes the engine's CloudTrail events as
//        gzipped log files in the AWSLogs layout under PATH, answers {"files": [...]}
// They let a terminal user watch a scheduled deletion or rotation happen without waiting.
import { AdjustableClock, parseClockAdvance } from '../core/engine/engineClock';
import type { JsonObject } from '../core/engine/kmsEngineApi';
import { writeCloudTrailLogFiles } from '../node/cloudTrailLogWriter';
import type { RawWireRequest, RawWireResponse } from './rawWireMessage';

export function createStudioAdminRoute(
  clock: AdjustableClock,
  engine?: { cloudTrailEvents?(): Iterable<JsonObject> },
): (request: RawWireRequest) => Promise<RawWireResponse | undefined> {
  return async (request) => {
    const path = request.path.split('?')[0];
    if (path === '/_studio/health') return plain(200, { status: 'ok' });
    if (path === '/_studio/cloudtrail/export' && engine?.cloudTrailEvents) return exportCloudTrail(request, engine.cloudTrailEvents.bind(engine));
    if (path !== '/_studio/clock') return undefined;
    if (request.method === 'GET') return plain(200, clockState(clock));
    if (request.method !== 'POST') return plain(405, { error: 'Use GET or POST.' });
    try {
      const body = request.body.length ? (JSON.parse(request.body.toString('utf8')) as unknown) : {};
      clock.advance(advanceFrom(body, clock.now()));
      return plain(200, clockState(clock));
    } catch (error) {
      return plain(400, { error: error instanceof Error ? error.message : String(error) });
    }
  };
}

function exportCloudTrail(request: RawWireRequest, events: () => Iterable<JsonObject>): RawWireResponse {
  if (request.method !== 'POST') return plain(405, { error: 'Use POST with {"directory": PATH}.' });
  try {
    const body = (request.body.length ? JSON.parse(request.body.toString('utf8')) : {}) as { directory?: unknown };
    if (typeof body.directory !== 'string' || body.directory === '') throw new Error('Send {"directory": PATH}: the folder to write the AWSLogs tree under.');
    return plain(200, { files: writeCloudTrailLogFiles(body.directory, events()) });
  } catch (error) {
    return plain(400, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** How far to move the clock for `{"advance": "7d"}` or `{"to": "2027-01-01T00:00:00Z"}`. */
export function advanceFrom(body: unknown, now: Date): number {
  const request = (typeof body === 'object' && body !== null ? body : {}) as { advance?: unknown; to?: unknown };
  if (typeof request.advance === 'string' || typeof request.advance === 'number') {
    return parseClockAdvance(String(request.advance));
  }
  if (typeof request.to === 'string') return msUntil(request.to, now);
  throw new Error('Send {"advance": "7d"} or {"to": "2027-01-01T00:00:00Z"}.');
}

/** Milliseconds from `now` to an ISO instant, which must not be in the past. */
export function msUntil(iso: string, now: Date): number {
  const target = Date.parse(iso);
  if (Number.isNaN(target)) throw new Error(`Cannot read "${iso}" as an ISO 8601 date, e.g. 2027-01-01T00:00:00Z.`);
  const delta = target - now.getTime();
  if (delta < 0) throw new Error(`The clock only moves forward; ${iso} is before the engine's time ${now.toISOString()}.`);
  return delta;
}

function clockState(clock: AdjustableClock): { now: string; offsetMs: number } {
  return { now: clock.now().toISOString(), offsetMs: clock.offset };
}

function plain(statusCode: number, body: unknown): RawWireResponse {
  const bytes = Buffer.from(JSON.stringify(body) + '\n', 'utf8');
  return { statusCode, headers: { 'content-type': 'application/json' }, body: bytes };
}
