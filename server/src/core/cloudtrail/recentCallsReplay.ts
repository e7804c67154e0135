// Before a key policy is put on a key of the embedded engine: of the calls the engine recorded on
// that key in the last days, how many the new policy would refuse. The same replay as
// `kms-policy replay`, over the engine's own CloudTrail events, said in one sentence.
import type { Environment } from '../environment/environmentModel';
import type { ReplayKey } from './cloudTrailKeySelection';
import type { CloudTrailRecord } from './cloudTrailLogParser';
import { replayRecordsOn, type ReplayReport } from './cloudTrailReplay';

export const RECENT_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/** The replay of the key's calls of the last RECENT_DAYS (by `now`), or undefined when none was recorded. */
export function replayRecentCalls(events: Iterable<CloudTrailRecord>, target: ReplayKey, environment: Environment, now: Date): ReplayReport | undefined {
  const since = now.getTime() - RECENT_DAYS * DAY_MS;
  const recent = function* () {
    for (const event of events) {
      const time = typeof event.eventTime === 'string' ? Date.parse(event.eventTime) : NaN;
      if (time >= since) yield event;
    }
  };
  const report = replayRecordsOn(recent(), target, environment);
  return report.replayed ? report : undefined;
}

/** One line for the confirmation: `! N of the M calls recorded ... would be refused: who, what`. */
export function recentCallsLine(report: ReplayReport): string {
  const days = `the last ${RECENT_DAYS} days`;
  if (!report.deniedCalls) return `= none of the ${report.replayed} successful call(s) recorded on this key in ${days} would be refused`;
  const shown = report.denied.slice(0, 3).map((g) => `${g.principal} ${g.action} \u00d7${g.count}`);
  const more = report.denied.length - shown.length;
  return `! ${report.deniedCalls} of the ${report.replayed} successful call(s) recorded on this key in ${days} would be refused: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}
