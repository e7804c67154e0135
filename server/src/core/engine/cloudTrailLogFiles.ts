// CloudTrail log files of the engine's events, as CloudTrail delivers them to S3: one
// `{"Records": [...]}` per account, Region and day, named and placed in the AWSLogs layout
// (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz),
// so any tool that reads a trail's bucket reads them. Compressing and writing is the caller's.
import type { JsonObject } from './kmsEngineApi';

export interface CloudTrailLogFile {
  /** Relative path with `/` separators, ending in `.json.gz`. */
  readonly path: string;
  /** The file's JSON before compression. */
  readonly content: { readonly Records: readonly JsonObject[] };
}

/** Groups events (oldest first) into one log file per account, Region and day. */
export function cloudTrailLogFiles(events: Iterable<JsonObject>, fileId: string): CloudTrailLogFile[] {
  const files = new Map<string, { path: string; records: JsonObject[] }>();
  for (const event of events) {
    const account = String(event.recipientAccountId ?? '');
    const region = String(event.awsRegion ?? '');
    const time = String(event.eventTime ?? '');
    const day = time.slice(0, 10);
    const group = `${account}/${region}/${day}`;
    let file = files.get(group);
    if (!file) {
      const [year, month, date] = day.split('-');
      const stamp = `${time.slice(0, 4)}${time.slice(5, 7)}${time.slice(8, 10)}T${time.slice(11, 13)}${time.slice(14, 16)}Z`;
      const path = `AWSLogs/${account}/CloudTrail/${region}/${year}/${month}/${date}/${account}_CloudTrail_${region}_${stamp}_${fileId}.json.gz`;
      files.set(group, (file = { path, records: [] }));
    }
    file.records.push(event);
  }
  return [...files.values()].map((file) => ({ path: file.path, content: { Records: file.records } }));
}
