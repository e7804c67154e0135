// A key's recent activity: LookupEvents entries read into rows, who used the key, and what the
// explorer and the confirmations before Schedule Key Deletion and Disable Key say about it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Event as LookupEvent } from '@aws-sdk/client-cloudtrail';
import { activityEventOf, activityEventsOf, activitySince, isKeyUse, keyUseSummary, type KeyActivity } from '../../../client/src/kms/keyActivity';
import {
  activityEventDetails,
  activityEventLine,
  activitySummaryLine,
  activityUnreadableReason,
  inUseDialog,
  keyChangeDialogs,
  keyUseParagraph,
  relativeTime,
} from '../../../client/src/kms/keyActivityText';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const NOW = new Date('2026-12-07T12:00:00Z');
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const APP_SESSION = 'arn:aws:sts::111122223333:assumed-role/AppRole/worker-1';
let sequence = 0;

/** A LookupEvents entry as CloudTrail answers it, its record in CloudTrailEvent. */
function entry(operation: string, minutesAgo: number, userIdentity: Record<string, unknown>, extra: Record<string, unknown> = {}): LookupEvent {
  const time = new Date(NOW.getTime() - minutesAgo * 60_000);
  const eventID = `event-${++sequence}`;
  return {
    EventId: eventID,
    EventName: operation,
    EventTime: time,
    EventSource: 'kms.amazonaws.com',
    Username: typeof userIdentity.userName === 'string' ? userIdentity.userName : undefined,
    Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: KEY }],
    CloudTrailEvent: JSON.stringify({
      eventVersion: '1.09',
      userIdentity,
      eventTime: time.toISOString(),
      eventSource: 'kms.amazonaws.com',
      eventName: operation,
      awsRegion: 'us-east-1',
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-cli/2.15.0',
      eventID,
      ...extra,
    }),
  };
}

const alice = { type: 'IAMUser', arn: ALICE, accountId: '111122223333', userName: 'alice' };
const appRole = { type: 'AssumedRole', arn: APP_SESSION, accountId: '111122223333', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/AppRole' } } };
const root = { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' };

function activity(entries: LookupEvent[], truncated = false): KeyActivity {
  return { keyArn: KEY, since: activitySince(NOW), events: activityEventsOf(entries), truncated };
}

describe('LookupEvents entries as activity rows', () => {
  it('CloudTrail userIdentity: the caller is its arn, a role session for an assumed role', () => {
    const row = activityEventOf(entry('Decrypt', 5, appRole));
    assert.deepEqual(row, {
      eventId: row?.eventId,
      time: new Date(NOW.getTime() - 5 * 60_000),
      operation: 'Decrypt',
      principal: APP_SESSION,
      principalLabel: 'AppRole/worker-1',
      sourceIp: '192.0.2.10',
      userAgent: 'aws-cli/2.15.0',
      region: 'us-east-1',
    });
  });

  it('CloudTrail userIdentity: for AWSService the caller is the service in invokedBy; for a principal, invokedBy is the service it called through', () => {
    const service = activityEventOf(entry('Decrypt', 1, { type: 'AWSService', invokedBy: 'logs.amazonaws.com' }));
    assert.equal(service?.principal, 'logs.amazonaws.com');
    assert.equal(service?.principalLabel, 'logs.amazonaws.com');
    assert.equal(service?.invokedBy, undefined);
    const through = activityEventOf(entry('GenerateDataKey', 1, { ...alice, invokedBy: 's3.amazonaws.com' }));
    assert.equal(through?.principal, ALICE);
    assert.equal(through?.invokedBy, 's3.amazonaws.com');
  });

  it('CloudTrail userIdentity: AWSAccount names only the calling account', () => {
    const row = activityEventOf(entry('Encrypt', 1, { type: 'AWSAccount', accountId: '444455556666', principalId: 'AIDAEXAMPLE' }));
    assert.equal(row?.principal, 'account 444455556666');
  });

  it('a refused call keeps its error code and message; a record that does not parse keeps LookupEvents\' own fields', () => {
    const refused = activityEventOf(entry('Encrypt', 1, alice, { errorCode: 'AccessDeniedException', errorMessage: 'User: ... is not authorized' }));
    assert.equal(refused?.errorCode, 'AccessDeniedException');
    assert.equal(refused?.errorMessage, 'User: ... is not authorized');
    const broken = activityEventOf({ EventName: 'Decrypt', EventTime: NOW, Username: 'bob', CloudTrailEvent: '{not json' });
    assert.equal(broken?.principal, 'bob');
    assert.equal(activityEventOf({ EventName: 'Decrypt', CloudTrailEvent: '{}' }), undefined, 'no time: no row');
  });

  it('rows come newest first', () => {
    const rows = activityEventsOf([entry('Encrypt', 60, alice), entry('Decrypt', 1, alice), entry('DescribeKey', 30, root)]);
    assert.deepEqual(rows.map((r) => r.operation), ['Decrypt', 'DescribeKey', 'Encrypt']);
  });
});

describe('who used the key', () => {
  it('GetKeyLastUsage: usage is the last successful cryptographic operation, so reads and refused calls are not uses', () => {
    const rows = activityEventsOf([
      entry('Encrypt', 10, alice),
      entry('DescribeKey', 1, root),
      entry('ListGrants', 1, root),
      entry('Decrypt', 2, appRole, { errorCode: 'AccessDeniedException', errorMessage: 'denied' }),
      entry('ReEncrypt', 20, appRole),
    ]);
    assert.deepEqual(rows.filter(isKeyUse).map((r) => r.operation), ['Encrypt', 'ReEncrypt']);
    const summary = keyUseSummary({ events: rows });
    assert.equal(summary.uses, 2);
    assert.equal(summary.failed, 1);
    assert.equal(summary.calls, 5);
    assert.equal(summary.lastUse?.operation, 'Encrypt');
    assert.deepEqual(summary.principals.map((p) => [p.principalLabel, p.uses]), [['alice', 1], ['AppRole/worker-1', 1]]);
  });

  it('principals come by number of uses, then by the most recent', () => {
    const summary = keyUseSummary(activity([entry('Encrypt', 300, appRole), entry('Decrypt', 200, appRole), entry('Decrypt', 5, alice), entry('Sign', 1, root)]));
    assert.deepEqual(summary.principals.map((p) => p.principalLabel), ['AppRole/worker-1', 'root', 'alice']);
  });
});

describe('activity in words', () => {
  it('says how long ago, and a time ahead of now as a date', () => {
    assert.equal(relativeTime(new Date(NOW.getTime() - 20_000), NOW), 'just now');
    assert.equal(relativeTime(new Date(NOW.getTime() - 5 * 60_000), NOW), '5 min ago');
    assert.equal(relativeTime(new Date(NOW.getTime() - 2 * 3600_000), NOW), '2 h ago');
    assert.equal(relativeTime(new Date(NOW.getTime() - 1 * 24 * 3600_000), NOW), '24 h ago');
    assert.equal(relativeTime(new Date(NOW.getTime() - 3 * 24 * 3600_000), NOW), '3 days ago');
    assert.equal(relativeTime(new Date('2026-12-09T08:30:00Z'), NOW), 'at 2026-12-09 08:30 UTC');
  });

  it('the explorer\'s summary line: uses, principals, last use; all calls and failures beside it', () => {
    const a = activity([entry('Encrypt', 120, alice), entry('Decrypt', 130, alice), entry('Decrypt', 140, appRole), entry('DescribeKey', 1, root), entry('Encrypt', 2, root, { errorCode: 'DisabledException' })]);
    assert.deepEqual(activitySummaryLine(a, NOW), { label: '3 uses by 2 principals in the last 90 days; last used 2 h ago', description: '5 calls recorded, 1 failed' });
    assert.deepEqual(activitySummaryLine(activity([entry('DescribeKey', 1, root)], true), NOW), { label: 'No use in the last 90 days', description: '1 call recorded, the newest 1,000 read' });
  });

  it('an event line and its tooltip rows; a refused call shows its error code', () => {
    const row = activityEventOf(entry('Encrypt', 90, alice, { errorCode: 'AccessDeniedException', errorMessage: 'not authorized' }))!;
    assert.deepEqual(activityEventLine(row, NOW), { label: 'Encrypt · alice', description: '1 h ago · AccessDeniedException' });
    assert.deepEqual(activityEventDetails(row), [
      ['Time', '2026-12-07T10:30:00.000Z'],
      ['Operation', 'Encrypt'],
      ['Caller', ALICE],
      ['Outcome', 'AccessDeniedException: not authorized'],
      ['Source IP', '192.0.2.10'],
      ['User agent', 'aws-cli/2.15.0'],
      ['Region', 'us-east-1'],
      ['Event id', row.eventId],
    ]);
  });

  it('a refused LookupEvents says which permission reading the activity needs', () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::111122223333:user/bob is not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' });
    assert.equal(
      activityUnreadableReason(denied),
      "AccessDeniedException: User: arn:aws:iam::111122223333:user/bob is not authorized to perform: cloudtrail:LookupEvents (reading a key's activity needs cloudtrail:LookupEvents)",
    );
  });
});

describe('the confirmations before Schedule Key Deletion and Disable Key', () => {
  it('names up to five principals with their calls, "and N more", and when the key was last used', () => {
    const callers = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'].map((name) => ({ type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${name}`, userName: name }));
    const entries = callers.flatMap((who, i) => Array.from({ length: 7 - i }, (_, n) => entry('Decrypt', 60 * (i + 1) + n, who)));
    assert.equal(
      keyUseParagraph({ activity: activity(entries) }, NOW),
      'Used in the last 90 days by u1 (7 calls), u2 (6 calls), u3 (5 calls), u4 (4 calls), u5 (3 calls) and 2 more; last used 1 h ago (Decrypt by u1).',
    );
    assert.equal(keyUseParagraph({ activity: activity([entry('Encrypt', 5, alice), entry('Decrypt', 9, root)]) }, NOW), 'Used in the last 90 days by alice (1 call) and root (1 call); last used 5 min ago (Encrypt by alice).');
  });

  it('says no recorded use when no one used the key, and that older calls were not read when the bound was hit', () => {
    assert.equal(keyUseParagraph({ activity: activity([]) }, NOW), 'No recorded use in the last 90 days.');
    assert.equal(keyUseParagraph({ activity: activity([entry('DescribeKey', 1, root)]) }, NOW), 'No recorded use in the last 90 days (1 other call recorded: reads, changes or failed attempts).');
    assert.equal(keyUseParagraph({ activity: activity([entry('DescribeKey', 1, root)], true) }, NOW), 'No use among the newest 1,000 calls recorded in the last 90 days; older calls were not read.');
  });

  it('says so when the activity could not be read, rather than going ahead silently', () => {
    const dialogs = keyChangeDialogs({ kind: 'disableKey' }, 'alias/app', { unreadable: 'AccessDeniedException: no' }, NOW);
    assert.deepEqual(dialogs, [
      {
        message: 'Disable alias/app?',
        detail: 'Every cryptographic operation with it fails until it is enabled again; nothing is lost.\n\nWho used this key recently could not be read (AccessDeniedException: no), so nothing here says whether anyone still uses it.',
        button: 'Disable Key',
      },
    ]);
  });

  it('one confirmation when no one used the key', () => {
    const dialogs = keyChangeDialogs({ kind: 'scheduleKeyDeletion', pendingWindowInDays: 7 }, 'alias/app', { activity: activity([entry('DescribeKey', 1, root)]) }, NOW);
    assert.equal(dialogs.length, 1);
    assert.equal(dialogs[0].message, 'Delete alias/app after 7 days?');
    assert.equal(dialogs[0].button, 'Schedule Deletion');
    assert.match(dialogs[0].detail, /No recorded use in the last 90 days/);
  });

  it('asks again, naming who used the key, when anyone did', () => {
    const a = activity([entry('Encrypt', 120, alice), entry('Decrypt', 30, appRole), entry('Decrypt', 40, appRole)]);
    const deletion = keyChangeDialogs({ kind: 'scheduleKeyDeletion', pendingWindowInDays: 30 }, 'alias/app', { activity: a }, NOW);
    assert.equal(deletion.length, 2);
    assert.match(deletion[0].detail, /^Everything encrypted under it becomes unrecoverable once it is deleted; meanwhile it cannot be used\.\n\nUsed in the last 90 days by AppRole\/worker-1 \(2 calls\) and alice \(1 call\); last used 30 min ago \(Decrypt by AppRole\/worker-1\)\.$/);
    assert.deepEqual(deletion[1], {
      message: 'alias/app is in use: 2 principals used it in the last 90 days, last 30 min ago. Schedule its deletion anyway?',
      detail: `${APP_SESSION}: 2 calls, last 30 min ago\n${ALICE}: 1 call, last 2 h ago\n\nTheir calls fail from now on, and what they encrypted under it cannot be decrypted once it is deleted.`,
      button: 'Schedule deletion anyway',
    });
    const disable = keyChangeDialogs({ kind: 'disableKey' }, 'alias/app', { activity: a }, NOW);
    assert.equal(disable[1].button, 'Disable anyway');
    assert.match(disable[1].detail, /fail with DisabledException until the key is enabled again/);
  });

  it('before putting a key policy that takes access away: who used the key, asked again; no one, nothing more', () => {
    const a = activity([entry('Encrypt', 120, alice), entry('Decrypt', 30, appRole)]);
    const again = inUseDialog({ kind: 'putKeyPolicy' }, 'alias/app', { activity: a }, NOW);
    assert.equal(again?.message, 'alias/app is in use: 2 principals used it in the last 90 days, last 30 min ago. Put the policy that takes access away anyway?');
    assert.equal(again?.button, 'Put anyway');
    assert.match(again?.detail ?? '', /AccessDeniedException/);
    assert.equal(inUseDialog({ kind: 'putKeyPolicy' }, 'alias/app', { activity: activity([entry('DescribeKey', 1, alice)]) }, NOW), undefined);
    assert.equal(inUseDialog({ kind: 'putKeyPolicy' }, 'alias/app', { unreadable: 'AccessDeniedException: no' }, NOW), undefined);
  });
});
