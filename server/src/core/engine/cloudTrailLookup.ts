// The engine's CloudTrail event history and CloudTrail's LookupEvents over it: the newest
// events in memory (a bound keeps a busy engine's heap flat), searched newest first by one
// lookup attribute and a time range, a page at a time, as the CloudTrail API answers.
import {
  cloudTrailEvent,
  eventIdOf,
  isReadOnlyOperation,
  newIdSeed,
  recordCall,
  KMS_EVENT_SOURCE,
  KMS_KEY_RESOURCE_TYPE,
  userNameOf,
  type RecordedCall,
} from './cloudTrailEvents';
import { KmsServiceError, type AuthenticatedCaller, type JsonObject } from './kmsEngineApi';

export const DEFAULT_EVENT_HISTORY_LIMIT = 100_000;

export type LookupAttributeKey =
  | 'EventId'
  | 'EventName'
  | 'ReadOnly'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId';

export interface CloudTrailLookupFilter {
  readonly attribute?: { readonly key: LookupAttributeKey; readonly value: string };
  /** ms since the epoch, inclusive. */
  readonly startTime?: number;
  readonly endTime?: number;
  /** 1 to 50; default 50. */
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface CloudTrailLookupPage {
  readonly events: readonly JsonObject[];
  readonly nextToken?: string;
}

const ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId']);

export class CloudTrailEventHistory {
  private readonly calls: (RecordedCall | undefined)[] = [];
  /** Sequence number of calls[0]; the ring holds sequence numbers [first, next). */
  private next = 0;
  private readonly idSeed = newIdSeed();
  private listener: ((call: RecordedCall) => void) | undefined;

  constructor(readonly limit: number = DEFAULT_EVENT_HISTORY_LIMIT) {}

  /** Calls `listener` with each call recorded from now on (the store keeps them). */
  onRecord(listener: (call: RecordedCall) => void): void {
    this.listener = listener;
  }

  /** Puts back calls kept from an earlier run, oldest first, before any new one. */
  restore(calls: readonly RecordedCall[]): void {
    for (const call of calls.slice(-this.limit)) this.calls[this.next++ % this.limit] = call;
  }

  /** Keeps one call; `output` is its answer, undefined when it failed with `error`. */
  record(
    operation: string,
    input: JsonObject,
    caller: AuthenticatedCaller,
    time: number,
    keyArn: string | undefined,
    output: JsonObject | undefined,
    error: { readonly errorName: string; readonly message: string } | undefined,
  ): void {
    const call = recordCall(this.next, this.idSeed, operation, input, caller, time, keyArn, output, error);
    this.calls[this.next % this.limit] = call;
    this.next++;
    this.listener?.(call);
  }

  get size(): number {
    return Math.min(this.next, this.limit);
  }

  /** Every kept call, oldest first. */
  *all(): Iterable<RecordedCall> {
    for (let seq = this.next - this.size; seq < this.next; seq++) yield this.calls[seq % this.limit]!;
  }

  /** Every kept event in full, oldest first. */
  *events(): Iterable<JsonObject> {
    for (const call of this.all()) yield cloudTrailEvent(call);
  }

  lookup(filter: CloudTrailLookupFilter): CloudTrailLookupPage {
    const max = filter.maxResults ?? 50;
    const first = this.next - this.size;
    let seq = this.next - 1;
    if (filter.nextToken !== undefined) {
      const from = /^\d+$/.test(filter.nextToken) ? Number(filter.nextToken) : NaN;
      if (!Number.isSafeInteger(from) || from >= this.next) throw new KmsServiceError('InvalidNextTokenException', 'Invalid NextToken.');
      seq = from;
    }
    const events: JsonObject[] = [];
    for (; seq >= first; seq--) {
      const call = this.calls[seq % this.limit]!;
      if (filter.endTime !== undefined && call.time > filter.endTime) continue;
      if (filter.startTime !== undefined && call.time < filter.startTime) continue;
      if (filter.attribute && !matches(call, filter.attribute.key, filter.attribute.value)) continue;
      if (events.length === max) return { events, nextToken: String(seq) };
      events.push(lookupEvent(call));
    }
    return { events };
  }
}

function matches(call: RecordedCall, key: LookupAttributeKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return eventIdOf(call) === value;
    case 'EventName':
      return call.operation === value;
    case 'ReadOnly':
      return String(isReadOnlyOperation(call.operation)) === value;
    case 'Username':
      return userNameOf(call.caller) === value;
    case 'ResourceType':
      return call.keyArn !== undefined && value === KMS_KEY_RESOURCE_TYPE;
    case 'ResourceName':
      return call.keyArn !== undefined && (call.keyArn === value || call.keyArn.endsWith(`:key/${value}`));
    case 'EventSource':
      return value === KMS_EVENT_SOURCE;
    case 'AccessKeyId':
      return call.caller.accessKeyId === value;
  }
}

/** One entry of LookupEvents' `Events`, times in epoch seconds as the JSON protocol sends them. */
function lookupEvent(call: RecordedCall): JsonObject {
  return {
    EventId: eventIdOf(call),
    EventName: call.operation,
    ReadOnly: String(isReadOnlyOperation(call.operation)),
    AccessKeyId: call.caller.accessKeyId,
    EventTime: Math.floor(call.time / 1000),
    EventSource: KMS_EVENT_SOURCE,
    Username: userNameOf(call.caller),
    Resources: call.keyArn ? [{ ResourceType: KMS_KEY_RESOURCE_TYPE, ResourceName: call.keyArn }] : [],
    CloudTrailEvent: JSON.stringify(cloudTrailEvent(call)),
  };
}

/** Reads LookupEvents' JSON input, with CloudTrail's validation messages. */
export function parseLookupEventsInput(input: JsonObject): CloudTrailLookupFilter {
  const invalid = (message: string) => new KmsServiceError('InvalidLookupAttributesException', message);
  let attribute: CloudTrailLookupFilter['attribute'];
  const attributes = input.LookupAttributes;
  if (attributes !== undefined) {
    if (!Array.isArray(attributes)) throw invalid('LookupAttributes must be a list.');
    if (attributes.length > 1) throw invalid('You cannot specify more than one lookup attribute.');
    const only = attributes[0] as JsonObject | undefined;
    if (only) {
      const key = only.AttributeKey;
      const value = only.AttributeValue;
      if (typeof key !== 'string' || !ATTRIBUTE_KEYS.has(key)) throw invalid(`Invalid AttributeKey: ${String(key)}.`);
      if (typeof value !== 'string' || value.length === 0) throw invalid('AttributeValue must not be empty.');
      attribute = { key: key as LookupAttributeKey, value };
    }
  }
  const time = (name: string): number | undefined => {
    const value = input[name];
    if (value === undefined) return undefined;
    const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) / 1000 : NaN;
    if (!Number.isFinite(seconds)) throw new KmsServiceError('InvalidTimeRangeException', `${name} is not a valid time.`);
    return seconds * 1000;
  };
  const startTime = time('StartTime');
  const endTime = time('EndTime');
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new KmsServiceError('InvalidTimeRangeException', 'Occurs if the timestamp values are invalid. Either the start time occurs after the end time or the time range is outside the range of possible values.');
  }
  const maxResults = input.MaxResults;
  if (maxResults !== undefined && (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50)) {
    throw new KmsServiceError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
  }
  const nextToken = input.NextToken;
  if (nextToken !== undefined && typeof nextToken !== 'string') throw new KmsServiceError('InvalidNextTokenException', 'Invalid NextToken.');
  return { attribute, startTime, endTime, maxResults: maxResults as number | undefined, nextToken: nextToken as string | undefined };
}

/** LookupEvents' JSON output. */
export function lookupEventsOutput(page: CloudTrailLookupPage): JsonObject {
  return { Events: page.events, ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
}
