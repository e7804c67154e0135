// Reads the text of a CloudTrail log into its event records. Three shapes are accepted, all
// JSON: a log file as a trail delivers it to S3 (`{"Records": [...]}`, AWS CloudTrail User
// Guide, "CloudTrail log file examples"), a bare array of records (what `jq '.Records'` and
// most exports print), and LookupEvents' answer (`{"Events": [{"CloudTrailEvent": "<json>"}]}`,
// what `aws cloudtrail lookup-events` prints). A record is checked only for what replay and
// policy generation read; anything else in it is kept as it is.

/** One CloudTrail record, as parsed JSON. */
export type CloudTrailRecord = { readonly [field: string]: unknown };

/** The log cannot be read as CloudTrail records; the message names the file and the place. */
export class CloudTrailLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudTrailLogError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The records of one log's text; `source` (a file path) names the log in errors. */
export function parseCloudTrailLog(text: string, source: string): CloudTrailRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CloudTrailLogError(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let records: unknown[];
  if (Array.isArray(parsed)) {
    records = parsed;
  } else if (isObject(parsed) && Array.isArray(parsed.Records)) {
    records = parsed.Records;
  } else if (isObject(parsed) && Array.isArray(parsed.Events)) {
    records = parsed.Events.map((entry, i) => lookupEventRecord(entry, i, source));
  } else {
    throw new CloudTrailLogError(`${source} is not a CloudTrail log: expected {"Records": [...]}, a list of records, or LookupEvents' {"Events": [...]}`);
  }
  records.forEach((record, i) => checkRecord(record, i, source));
  return records as CloudTrailRecord[];
}

/** LookupEvents gives each event as a JSON string in `CloudTrailEvent`. */
function lookupEventRecord(entry: unknown, index: number, source: string): unknown {
  const text = isObject(entry) ? entry.CloudTrailEvent : undefined;
  if (typeof text !== 'string') throw new CloudTrailLogError(`${source}: Events[${index}] has no CloudTrailEvent string`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CloudTrailLogError(`${source}: Events[${index}].CloudTrailEvent is not valid JSON`);
  }
}

function checkRecord(record: unknown, index: number, source: string): void {
  const where = `${source}: record ${index + 1}`;
  if (!isObject(record)) throw new CloudTrailLogError(`${where} is not an object`);
  for (const field of ['eventSource', 'eventName', 'eventTime'] as const) {
    if (typeof record[field] !== 'string') throw new CloudTrailLogError(`${where} has no ${field} string`);
  }
  if (Number.isNaN(Date.parse(record.eventTime as string))) throw new CloudTrailLogError(`${where}: eventTime "${String(record.eventTime)}" is not a time`);
  if (record.userIdentity !== undefined && !isObject(record.userIdentity)) throw new CloudTrailLogError(`${where}: userIdentity is not an object`);
  if (record.requestParameters != null && !isObject(record.requestParameters)) throw new CloudTrailLogError(`${where}: requestParameters is not an object`);
  if (record.resources !== undefined && !Array.isArray(record.resources)) throw new CloudTrailLogError(`${where}: resources is not a list`);
}
