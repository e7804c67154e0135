// Reads a key's recent CloudTrail events with LookupEvents, the same way from the embedded engine
// (which answers CloudTrail's API over its own events) and from an AWS account: by the key's ARN
// as ResourceName, from `since` on, newest first, a page of 50 at a time, at most
// ACTIVITY_EVENT_LIMIT events.
import { LookupEventsCommand, type CloudTrailClient, type Event as LookupEvent } from '@aws-sdk/client-cloudtrail';
import { ACTIVITY_EVENT_LIMIT, activityEventsOf, activitySince, type KeyActivity } from './keyActivity';
import { activityUnreadableReason, type ActivityReading } from './keyActivityText';
import type { KmsBackend } from './kmsBackend';

/** LookupEvents' largest page. */
const PAGE_SIZE = 50;

export async function lookupKeyActivity(client: CloudTrailClient, keyArn: string, since: Date, limit = ACTIVITY_EVENT_LIMIT): Promise<KeyActivity> {
  const entries: LookupEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: keyArn }],
        StartTime: since,
        MaxResults: Math.min(PAGE_SIZE, limit - entries.length),
        NextToken: nextToken,
      }),
    );
    entries.push(...(page.Events ?? []));
    nextToken = page.NextToken;
  } while (nextToken && entries.length < limit);
  return { keyArn, since, events: activityEventsOf(entries.slice(0, limit)), truncated: Boolean(nextToken) };
}

/** The Region a key ARN names (CloudTrail's event history is kept per Region). */
export function regionOfKeyArn(keyArn: string): string | undefined {
  return /^arn:[^:]+:kms:([^:]+):\d{12}:key\//.exec(keyArn)?.[1];
}

/**
 * Who used the key in the last 90 days, or why that could not be read; never rejects. The days
 * are the backend's (the embedded engine's clock may be ahead of real time), and `now` is the
 * time they are counted from, for "3 days ago".
 */
export async function readKeyUse(target: { readonly backend: Pick<KmsBackend, 'keyActivity' | 'now'>; readonly keyArn: string }): Promise<ActivityReading & { readonly now: Date }> {
  let now = new Date();
  try {
    now = await target.backend.now();
    return { activity: await target.backend.keyActivity(target.keyArn, activitySince(now)), now };
  } catch (error) {
    return { unreadable: activityUnreadableReason(error), now };
  }
}
