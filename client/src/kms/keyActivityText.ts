// A key's recent activity in words: the explorer's summary line and rows, and what the
// confirmations before Schedule Key Deletion and Disable Key say about who used the key. No
// vscode here, so every sentence is tested alone.
import { ACTIVITY_DAYS, ACTIVITY_EVENT_LIMIT, keyUseSummary, type KeyActivity, type KeyActivityEvent, type KeyUseSummary } from './keyActivity';
import { formatKmsError, isAccessDenied } from './kmsErrorMessage';

/** How many principals a confirmation names before "and N more". */
export const NAMED_PRINCIPALS = 5;

/** What reading the activity gave: the events, or why they could not be read. */
export type ActivityReading = { readonly activity: KeyActivity } | { readonly unreadable: string };

const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** `just now`, `5 min ago`, `2 h ago`, `3 days ago`; a time ahead of `now` (an engine clock moved forward) as a date. */
export function relativeTime(time: Date, now: Date): string {
  const ms = now.getTime() - time.getTime();
  if (ms < 0) return `at ${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${plural(Math.floor(hours / 24), 'day')} ago`;
}

/** Why the activity could not be read, for a tree line or a confirmation. */
export function activityUnreadableReason(error: unknown): string {
  const message = formatKmsError(error);
  return isAccessDenied(error) ? `${message} (reading a key's activity needs cloudtrail:LookupEvents)` : message;
}

/** The explorer's first line under Recent activity. */
export function activitySummaryLine(activity: KeyActivity, now: Date): { label: string; description: string } {
  const summary = keyUseSummary(activity);
  const window = `in the last ${ACTIVITY_DAYS} days`;
  const label =
    summary.uses && summary.lastUse
      ? `${plural(summary.uses, 'use')} by ${plural(summary.principals.length, 'principal')} ${window}; last used ${relativeTime(summary.lastUse.time, now)}`
      : `No use ${window}`;
  const parts = [`${plural(summary.calls, 'call')} recorded`];
  if (summary.failed) parts.push(`${summary.failed.toLocaleString('en-US')} failed`);
  if (activity.truncated) parts.push(`the newest ${ACTIVITY_EVENT_LIMIT.toLocaleString('en-US')} read`);
  return { label, description: parts.join(', ') };
}

/** One event in the explorer: `Encrypt · alice`, `2 h ago` (and the error code of a failed call). */
export function activityEventLine(event: KeyActivityEvent, now: Date): { label: string; description: string } {
  return {
    label: `${event.operation} · ${event.principalLabel}`,
    description: [relativeTime(event.time, now), event.errorCode].filter(Boolean).join(' · '),
  };
}

/** The event's facts for its tooltip, as name/value rows (values are shown as code, never markdown). */
export function activityEventDetails(event: KeyActivityEvent): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['Time', event.time.toISOString()],
    ['Operation', event.operation],
    ['Caller', event.principal],
    ['Through', event.invokedBy],
    ['Outcome', event.errorCode ? `${event.errorCode}${event.errorMessage ? `: ${event.errorMessage}` : ''}` : 'succeeded'],
    ['Source IP', event.sourceIp],
    ['User agent', event.userAgent],
    ['Region', event.region],
    ['Event id', event.eventId || undefined],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
}

function whoUsed(summary: KeyUseSummary): string {
  const named = summary.principals.slice(0, NAMED_PRINCIPALS).map((p) => `${p.principalLabel} (${plural(p.uses, 'call')})`);
  const more = summary.principals.length - named.length;
  if (more > 0) return `${named.join(', ')} and ${more} more`;
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : named.join('');
}

/** The sentence every confirmation carries about who used the key in the last 90 days. */
export function keyUseParagraph(reading: ActivityReading, now: Date): string {
  const window = `the last ${ACTIVITY_DAYS} days`;
  if ('unreadable' in reading) {
    return `Who used this key recently could not be read (${reading.unreadable}), so nothing here says whether anyone still uses it.`;
  }
  const { activity } = reading;
  const summary = keyUseSummary(activity);
  const partial = activity.truncated ? ` (from the newest ${ACTIVITY_EVENT_LIMIT.toLocaleString('en-US')} calls recorded; older ones were not read)` : '';
  if (summary.uses && summary.lastUse) {
    const last = summary.lastUse;
    return `Used in ${window} by ${whoUsed(summary)}; last used ${relativeTime(last.time, now)} (${last.operation} by ${last.principalLabel})${partial}.`;
  }
  if (activity.truncated) return `No use among the newest ${ACTIVITY_EVENT_LIMIT.toLocaleString('en-US')} calls recorded in ${window}; older calls were not read.`;
  const others = summary.calls ? ` (${plural(summary.calls, 'other call')} recorded: reads, changes or failed attempts)` : '';
  return `No recorded use in ${window}${others}.`;
}

/** A change that takes the key away from whoever uses it. */
export type KeyChange =
  | { readonly kind: 'scheduleKeyDeletion'; readonly pendingWindowInDays: number }
  | { readonly kind: 'disableKey' }
  /** A key policy that takes access away (its access diff has a `-` line). */
  | { readonly kind: 'putKeyPolicy' };

/** The changes of the key's state that Schedule Key Deletion and Disable Key make. */
export type KeyStateChange = Exclude<KeyChange, { readonly kind: 'putKeyPolicy' }>;

export interface KeyChangeDialog {
  readonly message: string;
  readonly detail: string;
  /** The one button that goes ahead; anything else cancels. */
  readonly button: string;
}

/**
 * The modal confirmations before the change, in order: the usual one, which says who used the
 * key in the last 90 days (or that this could not be read); and, when anyone did, a second
 * that names them and asks again.
 */
export function keyChangeDialogs(change: KeyStateChange, keyLabel: string, reading: ActivityReading, now: Date): KeyChangeDialog[] {
  const use = keyUseParagraph(reading, now);
  const first: KeyChangeDialog =
    change.kind === 'scheduleKeyDeletion'
      ? {
          message: `Delete ${keyLabel} after ${change.pendingWindowInDays} days?`,
          detail: `Everything encrypted under it becomes unrecoverable once it is deleted; meanwhile it cannot be used.\n\n${use}`,
          button: 'Schedule Deletion',
        }
      : {
          message: `Disable ${keyLabel}?`,
          detail: `Every cryptographic operation with it fails until it is enabled again; nothing is lost.\n\n${use}`,
          button: 'Disable Key',
        };
  const again = inUseDialog(change, keyLabel, reading, now);
  return again ? [first, again] : [first];
}

/** The second confirmation, when anyone used the key in the last 90 days: who, and when last. */
export function inUseDialog(change: KeyChange, keyLabel: string, reading: ActivityReading, now: Date): KeyChangeDialog | undefined {
  if (!('activity' in reading)) return undefined;
  const summary = keyUseSummary(reading.activity);
  if (!summary.uses || !summary.lastUse) return undefined;
  const who = summary.principals
    .slice(0, NAMED_PRINCIPALS)
    .map((p) => `${p.principal}: ${plural(p.uses, 'call')}, last ${relativeTime(p.lastUsed, now)}`);
  const more = summary.principals.length - who.length;
  if (more > 0) who.push(`and ${plural(more, 'other principal')}`);
  const effect =
    change.kind === 'scheduleKeyDeletion'
      ? 'Their calls fail from now on, and what they encrypted under it cannot be decrypted once it is deleted.'
      : change.kind === 'disableKey'
        ? 'Their calls fail with DisabledException until the key is enabled again.'
        : 'Those the new policy no longer allows get AccessDeniedException.';
  const ask = change.kind === 'scheduleKeyDeletion' ? 'Schedule its deletion' : change.kind === 'disableKey' ? 'Disable it' : 'Put the policy that takes access away';
  return {
    message: `${keyLabel} is in use: ${plural(summary.principals.length, 'principal')} used it in the last ${ACTIVITY_DAYS} days, last ${relativeTime(summary.lastUse.time, now)}. ${ask} anyway?`,
    detail: `${who.join('\n')}\n\n${effect}`,
    button: change.kind === 'scheduleKeyDeletion' ? 'Schedule deletion anyway' : change.kind === 'disableKey' ? 'Disable anyway' : 'Put anyway',
  };
}
