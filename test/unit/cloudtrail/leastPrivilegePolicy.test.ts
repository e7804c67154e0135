// The least-privilege key policy generated from a trail: it passes the product's own checks,
// allows every recorded success again, refuses every call the log shows refused, keeps the root
// delegation first and the administrators of an existing policy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';
import { selectReplayKey } from '../../../server/src/core/cloudtrail/cloudTrailKeySelection';
import type { CloudTrailRecord } from '../../../server/src/core/cloudtrail/cloudTrailLogParser';
import { replayRecords } from '../../../server/src/core/cloudtrail/cloudTrailReplay';
import { readKmsCalls } from '../../../server/src/core/cloudtrail/kmsCallOfEvent';
import { generateLeastPrivilegePolicy, MAX_LISTED_VALUES } from '../../../server/src/core/cloudtrail/leastPrivilegePolicy';
import { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
import { readCloudTrailLogs } from '../../../server/src/node/cloudTrailLogReader';
import { readEnvironmentFile } from '../../../server/src/node/environmentFile';

const FIXTURES = join(import.meta.dirname, '../../fixtures/cloudtrail');
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
const environment = readEnvironmentFile(join(FIXTURES, 'kms-environment.json'));
const { records } = readCloudTrailLogs(join(FIXTURES, 'AWSLogs'));
const service = createKeyPolicyLanguageService();

function generate(from: readonly CloudTrailRecord[], keepAdmins?: string) {
  const { calls } = readKmsCalls(from);
  const checkEnvironment = defaultEnvironment();
  const target = selectReplayKey(KEY_ARN, checkEnvironment, calls);
  return generateLeastPrivilegePolicy(calls, target, checkEnvironment, keepAdmins ? { keepAdminsFrom: { text: readFileSync(keepAdmins, 'utf8'), source: keepAdmins } } : {});
}

const asProposed = (policy: unknown) => ({ document: policy, source: 'generated.json', text: JSON.stringify(policy, null, 2) });

/** A successful or refused Decrypt by `user` (one the fixture environment describes) with `context`. */
function decrypt(user: string, context: Record<string, string>, time: string, refused = false): CloudTrailRecord {
  const arn = `arn:aws:iam::111122223333:user/${user}`;
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn, accountId: '111122223333', accessKeyId: 'AKIAI44QH8DHBEXAMPLE', userName: user },
    eventTime: time,
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    awsRegion: 'us-west-2',
    sourceIPAddress: '192.0.2.0',
    userAgent: 'aws-cli/2.17.0',
    ...(refused ? { errorCode: 'AccessDeniedException', errorMessage: `User: ${arn} is not authorized to perform: kms:Decrypt` } : {}),
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: KEY_ARN, encryptionContext: context },
    responseElements: null,
    resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: KEY_ARN }],
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

describe('generate-policy from the fixture trail', () => {
  const generated = generate(records, join(FIXTURES, 'key-policy.json'));
  const text = JSON.stringify(generated.policy, null, 2);

  it('passes check without errors or warnings', () => {
    const findings = service.doValidation(service.parse(text));
    assert.deepEqual(findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.code}: ${f.message}`), []);
  });

  it('replays the same log with no refusal, and refuses what the log shows refused', () => {
    assert.deepEqual(generated.notes, []);
    assert.equal(generated.calls, 10);
    assert.equal(generated.principals, 3);
    const report = replayRecords(records, KEY_ARN, environment, asProposed(generated.policy));
    assert.equal(report.replayed, 10);
    assert.deepEqual(report.denied, []);
    assert.equal(report.dependsOnIamCalls, 0);
    // Bob's refused Decrypt, replayed as if it had succeeded, is still refused.
    const bob = records.filter((r) => r.errorCode === 'AccessDeniedException').map(({ errorCode: _code, errorMessage: _message, ...rest }) => rest);
    assert.equal(bob.length, 1);
    assert.equal(replayRecords(bob, KEY_ARN, environment, asProposed(generated.policy)).deniedCalls, 1);
  });

  it('keeps the root delegation statement of AWS\'s default key policy first, and the administrators given with --keep-admins', () => {
    const statements = generated.policy.Statement;
    assert.deepEqual(statements[0], ROOT_STATEMENT);
    assert.equal(statements[1]!.Sid, 'Allow access for Key Administrators');
    assert.deepEqual(statements[1]!.Principal, { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' });
    assert.equal(generated.keptAdminStatements, 1);
    // Without --keep-admins, only what the log shows.
    assert.ok(generate(records).policy.Statement.every((s) => s.Sid !== 'Allow access for Key Administrators'));
  });

  it('"kms:EncryptionContext:context-key": a value used in every call is required by StringEquals; other keys are refused by kms:EncryptionContextKeys', () => {
    const alice = generated.policy.Statement.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: 'arn:aws:iam::111122223333:user/Alice' }))!;
    assert.deepEqual(alice.Action, ['kms:Decrypt', 'kms:Encrypt']);
    assert.deepEqual(alice.Condition, {
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['Department', 'Project'] },
      StringEquals: { 'kms:EncryptionContext:Department': 'Engineering', 'kms:EncryptionContext:Project': 'Alpha' },
    });
    const throughS3 = generated.policy.Statement.find((s) => s.Action === 'kms:Decrypt' && JSON.stringify(s.Principal).includes('AppRole'))!;
    assert.deepEqual((throughS3.Condition as Record<string, Record<string, unknown>>).StringEquals!['kms:ViaService'], 's3.us-west-2.amazonaws.com');
    // The service principal is named as a service.
    assert.ok(generated.policy.Statement.some((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudtrail.amazonaws.com' })));
  });
});

describe('generate-policy conditions', () => {
  const tenants = Array.from({ length: MAX_LISTED_VALUES + 2 }, (_, i) => `t${i + 1}`);
  const successes = tenants.map((t, i) => decrypt('Bob', { tenant: t }, `2025-05-20T10:${String(i).padStart(2, '0')}:00Z`));

  it('a key with more than MAX_LISTED_VALUES values is only required (Null false), and other keys refused', () => {
    const { policy, notes } = generate(successes);
    assert.deepEqual(notes, []);
    const bob = policy.Statement[1]!;
    assert.deepEqual(bob.Condition, { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant'] }, Null: { 'kms:EncryptionContext:tenant': 'false' } });
    const report = replayRecords([...successes, decrypt('Bob', {}, '2025-05-20T11:00:00Z'), decrypt('Bob', { tenant: 't1', extra: 'x' }, '2025-05-20T11:01:00Z')], KEY_ARN, environment, asProposed(policy));
    assert.equal(report.deniedCalls, 2, 'no context, and an unseen key, are refused');
  });

  it('lists the values when that is what keeps a call the log shows refused out', () => {
    const refused = decrypt('Bob', { tenant: 't99' }, '2025-05-20T12:00:00Z', true);
    const { policy, notes } = generate([...successes, refused]);
    assert.deepEqual(notes, []);
    assert.deepEqual((policy.Statement[1]!.Condition as Record<string, unknown>).StringEquals, { 'kms:EncryptionContext:tenant': tenants.slice().sort() });
    const { errorCode: _code, errorMessage: _message, ...asIfAllowed } = refused;
    assert.equal(replayRecords([asIfAllowed], KEY_ARN, environment, asProposed(policy)).deniedCalls, 1);
  });

  it('says so when the log shows the same request both allowed and refused', () => {
    const refusedTwin = decrypt('Bob', { tenant: 't1' }, '2025-05-20T12:00:00Z', true);
    const { notes } = generate([...successes, refusedTwin]);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /user\/Bob kms:Decrypt was refused at 2025-05-20T12:00:00.000Z yet made the same request successfully/);
  });
});

describe('generate-policy across accounts', () => {
  it('names a caller of another account, whose own IAM policies the log cannot show, and raises no note for it', () => {
    const partner = 'arn:aws:iam::444455556666:role/Partner';
    const call: CloudTrailRecord = {
      ...decrypt('Bob', { app: 'reports' }, '2025-05-20T10:00:00Z'),
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::444455556666:assumed-role/Partner/nightly', accountId: '444455556666', sessionContext: { sessionIssuer: { type: 'Role', arn: partner, accountId: '444455556666', userName: 'Partner' } } },
    };
    const { policy, notes } = generate([call]);
    assert.deepEqual(notes, []);
    assert.deepEqual(policy.Statement[1]!.Principal, { AWS: partner });
  });
});
