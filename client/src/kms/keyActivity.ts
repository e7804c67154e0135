// A key's recent activity as CloudTrail's LookupEvents reports it, whether the engine or an AWS
// account answers: each event read into a row (when, who, which operation, allowed or refused),
// and who used the key. No vscode here, so it is tested alone.
//
// Who called comes from the event's `userIdentity` element (AWS CloudTrail User Guide,
// "CloudTrail userIdentity element"): `arn` is the caller (a role session's ARN for an assumed
// role); for `AWSService` the caller is the service named in `invokedBy`; `AWSAccount` (a call
// from another account, as the key owner's trail shows it) names only that account. Replay
// (`server/src/core/cloudtrail/kmsCallOfEvent.ts`) reads the same element for decisions; the
// client may not import it (CONTRIBUTING's layer map), and only shows the caller here.
import type { Event as LookupEvent } from '@aws-sdk/client-cloudtrail';
import { shortPrincipal } from './principalNames';
import { CRYPTOGRAPHIC_OPERATIONS } from '../../../server/src/core/catalog/kmsCuratedFacts';

/** How far back the explorer and the confirmations look: CloudTrail's event history keeps 90 days. */
export const ACTIVITY_DAYS = 90;
/** At most this many events are read per key (LookupEvents gives 50 a page, 2 pages a second). */
export const ACTIVITY_EVENT_LIMIT = 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Operations that count as using the key: "the last successful cryptographic operation performed
 * with a specified KMS key" is what AWS calls its last usage (AWS KMS API Reference,
 * GetKeyLastUsage), and the cryptographic operations are those of the AWS KMS Developer Guide
 * ("Cryptographic operations"), by their CloudTrail event names (ReEncrypt is one event for the
 * ReEncryptFrom and ReEncryptTo permissions). GetPublicKey is counted too, as the engine's
 * evaluator does: whoever downloaded the public key verifies or encrypts with it outside KMS.
 * Reads such as DescribeKey or ListGrants (the explorer makes them itself) are not uses.
 */
export const KEY_USE_OPERATIONS: ReadonlySet<string> = new Set([...CRYPTOGRAPHIC_OPERATIONS].map((operation) => (operation.startsWith('ReEncrypt') ? 'ReEncrypt' : operation)));

export interface KeyActivityEvent {
  readonly eventId: string;
  readonly time: Date;
  /** The CloudTrail `eventName`: `Encrypt`, `DescribeKey`... */
  readonly operation: string;
  /** The caller: an IAM or STS ARN, a service (`s3.amazonaws.com`), or `account 444455556666`. */
  readonly principal: string;
  /** Short form for lists: `alice`, `AppRole/session`, `root`, `s3.amazonaws.com`. */
  readonly principalLabel: string;
  /** The service that made the call for the principal, when the event says so. */
  readonly invokedBy?: string;
  /** Set when the call failed: `AccessDeniedException`, `DisabledException`... */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly region?: string;
}

export interface KeyActivity {
  readonly keyArn: string;
  /** Events from this instant on were asked for. */
  readonly since: Date;
  /** Newest first. */
  readonly events: readonly KeyActivityEvent[];
  /** More events than ACTIVITY_EVENT_LIMIT were recorded: older ones in the window were not read. */
  readonly truncated: boolean;
}

export function activitySince(now: Date, days = ACTIVITY_DAYS): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** One LookupEvents entry as a row; undefined when it carries no time or operation. */
export function activityEventOf(entry: LookupEvent): KeyActivityEvent | undefined {
  const record = parseRecord(entry.CloudTrailEvent);
  const time = entry.EventTime ?? (text(record.eventTime) ? new Date(record.eventTime as string) : undefined);
  const operation = entry.EventName ?? text(record.eventName);
  if (!time || Number.isNaN(time.getTime()) || !operation) return undefined;
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const invokedBy = text(identity.invokedBy);
  let principal: string;
  let principalLabel: string;
  if (identity.type === 'AWSService' && invokedBy) {
    principal = principalLabel = invokedBy;
  } else if (text(identity.arn)) {
    principal = identity.arn as string;
    principalLabel = shortPrincipal(principal);
  } else if (identity.type === 'AWSAccount' && text(identity.accountId)) {
    principal = principalLabel = `account ${identity.accountId as string}`;
  } else {
    principal = principalLabel = entry.Username ?? 'an unnamed caller';
  }
  const errorCode = text(record.errorCode);
  return {
    eventId: entry.EventId ?? text(record.eventID) ?? '',
    time,
    operation,
    principal,
    principalLabel,
    ...(invokedBy && identity.type !== 'AWSService' ? { invokedBy } : {}),
    ...(errorCode ? { errorCode, errorMessage: text(record.errorMessage) ?? '' } : {}),
    ...(text(record.sourceIPAddress) ? { sourceIp: record.sourceIPAddress as string } : {}),
    ...(text(record.userAgent) ? { userAgent: record.userAgent as string } : {}),
    ...(text(record.awsRegion) ? { region: record.awsRegion as string } : {}),
  };
}

function parseRecord(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return isObject(parsed) ? parsed : {};
  } catch {
    // A record that does not parse still has LookupEvents' own fields (name, time, user name).
    return {};
  }
}

/** The rows of LookupEvents entries, newest first, skipping those without time or operation. */
export function activityEventsOf(entries: Iterable<LookupEvent>): KeyActivityEvent[] {
  const rows: KeyActivityEvent[] = [];
  for (const entry of entries) {
    const row = activityEventOf(entry);
    if (row) rows.push(row);
  }
  return rows.sort((a, b) => b.time.getTime() - a.time.getTime());
}

/** Whether the event is a use of the key: a successful cryptographic operation. */
export function isKeyUse(event: KeyActivityEvent): boolean {
  return !event.errorCode && KEY_USE_OPERATIONS.has(event.operation);
}

export interface PrincipalUse {
  readonly principal: string;
  readonly principalLabel: string;
  readonly uses: number;
  readonly lastUsed: Date;
}

export interface KeyUseSummary {
  /** Successful cryptographic operations. */
  readonly uses: number;
  /** Who used the key, most uses first (then most recent). */
  readonly principals: readonly PrincipalUse[];
  /** The newest use. */
  readonly lastUse?: KeyActivityEvent;
  /** Calls of any kind that failed (refused, or on a disabled key...). */
  readonly failed: number;
  readonly calls: number;
}

export function keyUseSummary(activity: Pick<KeyActivity, 'events'>): KeyUseSummary {
  const byPrincipal = new Map<string, { principal: string; principalLabel: string; uses: number; lastUsed: Date }>();
  let uses = 0;
  let failed = 0;
  let lastUse: KeyActivityEvent | undefined;
  for (const event of activity.events) {
    if (event.errorCode) failed++;
    if (!isKeyUse(event)) continue;
    uses++;
    if (!lastUse || event.time > lastUse.time) lastUse = event;
    const entry = byPrincipal.get(event.principal);
    if (entry) {
      entry.uses++;
      if (event.time > entry.lastUsed) entry.lastUsed = event.time;
    } else {
      byPrincipal.set(event.principal, { principal: event.principal, principalLabel: event.principalLabel, uses: 1, lastUsed: event.time });
    }
  }
  const principals = [...byPrincipal.values()].sort((a, b) => b.uses - a.uses || b.lastUsed.getTime() - a.lastUsed.getTime());
  return { uses, principals, ...(lastUse ? { lastUse } : {}), failed, calls: activity.events.length };
}
