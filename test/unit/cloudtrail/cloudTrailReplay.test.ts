// Replay of recorded KMS calls: a hand-built trail (test/fixtures/cloudtrail/, shaped like the
// AWS KMS Developer Guide's CloudTrail examples) decided again under the policy it ran with and
// under a tightened one, and each fact rebuilt from a record checked by a policy that tests it.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { KeySelectionError } from '../../../server/src/core/cloudtrail/cloudTrailKeySelection';
import { CloudTrailLogError, parseCloudTrailLog, type CloudTrailRecord } from '../../../server/src/core/cloudtrail/cloudTrailLogParser';
import { replayRecords, type ReplayReport } from '../../../server/src/core/cloudtrail/cloudTrailReplay';
import { kmsCallsOfEvent } from '../../../server/src/core/cloudtrail/kmsCallOfEvent';
import { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
import { readCloudTrailLogs } from '../../../server/src/node/cloudTrailLogReader';
import { readEnvironmentFile } from '../../../server/src/node/environmentFile';

const FIXTURES = join(import.meta.dirname, '../../fixtures/cloudtrail');
const LOGS = join(FIXTURES, 'AWSLogs');
const KEY_ARN = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ALICE = 'arn:aws:iam::111122223333:user/Alice';
const APP_ROLE = 'arn:aws:iam::111122223333:role/service/AppRole';
const environment = readEnvironmentFile(join(FIXTURES, 'kms-environment.json'));
const { records } = readCloudTrailLogs(LOGS);

const scratch = mkdtempSync(join(tmpdir(), 'kms-cloudtrail-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const policyOf = (path: string) => {
  const text = readFileSync(path, 'utf8');
  return { document: JSON.parse(text), source: path, text };
};
const withStatements = (...statements: object[]) => {
  const document = { Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }, ...statements] };
  return { document, source: 'proposed.json', text: JSON.stringify(document) };
};
const deniedSummary = (report: ReplayReport) => report.denied.map((g) => `${g.principal} ${g.action} x${g.count} ${g.firstTime}..${g.lastTime}`);

/** One KMS event, as the Developer Guide prints them, with the fields a test changes. */
function event(overrides: Record<string, unknown>): CloudTrailRecord {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAJ45Q7YFFAREXAMPLE', arn: ALICE, accountId: '111122223333', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'Alice' },
    eventTime: '2025-05-20T20:45:00Z',
    eventSource: 'kms.amazonaws.com',
    eventName: 'Encrypt',
    awsRegion: 'us-west-2',
    sourceIPAddress: '192.0.2.0',
    userAgent: 'aws-cli/2.17.0',
    requestParameters: { keyId: KEY_ARN, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { Department: 'Engineering' } },
    responseElements: null,
    requestID: 'f3423043-63bc-11e4-bc2b-4198b6150d5c',
    eventID: '91235988-eb87-476a-ac2c-0cdc244e6dca',
    readOnly: true,
    resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: KEY_ARN }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

describe('replay of the fixture trail', () => {
  it('under the policy the calls ran with, none is refused; failed calls are listed apart, not counted', () => {
    const report = replayRecords(records, 'alias/orders', environment);
    assert.equal(report.keyArn, KEY_ARN);
    assert.match(report.keyPolicyFrom, /key-policy\.json$/);
    // 10 successes on the key: the other key's Encrypt, the S3 event and the failures are not replayed.
    assert.equal(report.replayed, 10);
    assert.equal(report.deniedCalls, 0);
    assert.deepEqual(report.denied, []);
    assert.deepEqual(
      report.failedInLog.map((g) => `${g.principal} ${g.action} ${g.errorCode} x${g.count}`).sort(),
      [`${ALICE} kms:Decrypt InvalidCiphertextException x1`, 'arn:aws:iam::111122223333:user/Bob kms:Decrypt AccessDeniedException x1'],
    );
    assert.deepEqual(report.unreadable, [{ reason: 'a caller of another account (userIdentity type AWSAccount names no principal)', count: 1 }]);
  });

  it('under a tightened policy, lists the refused calls by principal and action with counts and first and last times', () => {
    const report = replayRecords(records, KEY_ARN, environment, policyOf(join(FIXTURES, 'tightened-key-policy.json')));
    assert.equal(report.deniedCalls, 5);
    assert.deepEqual(deniedSummary(report), [
      `${APP_ROLE} kms:GenerateDataKey x2 2025-05-20T21:00:00Z..2025-05-20T21:05:00Z`,
      `${ALICE} kms:Decrypt x2 2025-05-20T20:46:16Z..2025-05-21T09:01:00Z`,
      `${APP_ROLE} kms:DescribeKey x1 2025-05-21T09:40:00Z..2025-05-21T09:40:00Z`,
    ]);
    assert.ok(report.denied.every((g) => g.decision === 'ImplicitDeny' && g.error === 'AccessDeniedException'));
  });

  it('selects the same calls whether the key is named by id, ARN, alias name or alias ARN', () => {
    for (const ref of ['1234abcd-12ab-34cd-56ef-1234567890ab', KEY_ARN, 'alias/orders', 'arn:aws:kms:us-west-2:111122223333:alias/orders']) {
      assert.equal(replayRecords(records, ref, environment).replayed, 10, ref);
    }
    // Without an environment, an alias is found beside the key ARN in the records that name it.
    assert.equal(replayRecords(records, 'alias/orders', defaultEnvironment()).keyArn, KEY_ARN);
    assert.throws(() => replayRecords(records, 'alias/nowhere', defaultEnvironment()), KeySelectionError);
    assert.throws(() => replayRecords(records, 'not a key', environment), /is not a key id, key ARN, alias name or alias ARN/);
  });

  it('leaves calls of principals the environment does not describe to their IAM policies, not counted as refused', () => {
    // No environment: the key policy of the fixture names Alice and the role, and delegates the rest to IAM.
    const report = replayRecords(records, KEY_ARN, defaultEnvironment(), withStatements());
    assert.equal(report.dependsOnIamCalls, 9);
    assert.deepEqual(report.dependsOnIam.map((g) => `${g.principal} ${g.action} x${g.count}`).sort(), [
      `${APP_ROLE} kms:Decrypt x2`,
      `${APP_ROLE} kms:DescribeKey x1`,
      `${APP_ROLE} kms:GenerateDataKey x2`,
      `${ALICE} kms:Decrypt x2`,
      `${ALICE} kms:Encrypt x2`,
    ]);
    assert.equal(report.deniedCalls, 1);
    // CloudTrail's own service principal has no IAM policies: the root delegation cannot allow it.
    assert.deepEqual(deniedSummary(report), ['cloudtrail.amazonaws.com kms:GenerateDataKey x1 2025-05-20T21:15:00Z..2025-05-20T21:15:00Z']);
  });
});

describe('the request rebuilt from a record', () => {
  it('userIdentity of an AssumedRole: the session is the caller, the session issuer (path included) what a key policy names', () => {
    const [call] = kmsCallsOfEvent(records.find((r) => r.eventName === 'GenerateDataKey' && (r.userIdentity as { type: string }).type === 'AssumedRole')!).calls!;
    assert.equal(call!.callerArn, 'arn:aws:sts::111122223333:assumed-role/AppRole/worker-1');
    assert.deepEqual(call!.policyPrincipal, { type: 'AWS', name: APP_ROLE });
    assert.equal(call!.viaService, undefined);
    const report = replayRecords(records, KEY_ARN, environment, withStatements({ Effect: 'Allow', Principal: { AWS: 'arn:aws:sts::111122223333:assumed-role/AppRole/worker-1' }, Action: 'kms:GenerateDataKey', Resource: '*' }));
    assert.deepEqual(
      report.denied.filter((g) => g.action === 'kms:GenerateDataKey').map((g) => `${g.principal} x${g.count}`),
      [`${APP_ROLE} x1`, 'cloudtrail.amazonaws.com x1'],
      'a statement naming the session allows that session only',
    );
  });

  it('"The kms:ViaService condition key limits use of a KMS key to requests from specified AWS services": invokedBy s3.amazonaws.com is s3.REGION.amazonaws.com', () => {
    const s3Decrypt = records.find((r) => (r.userIdentity as { invokedBy?: string }).invokedBy === 's3.amazonaws.com')!;
    assert.equal(kmsCallsOfEvent(s3Decrypt).calls![0]!.viaService, 's3.us-west-2.amazonaws.com');
    const onlyThroughS3 = withStatements({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' } } });
    const report = replayRecords(records, KEY_ARN, environment, onlyThroughS3);
    assert.ok(!report.denied.some((g) => g.principal === APP_ROLE && g.action === 'kms:Decrypt'));
    const throughEbs = withStatements({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-west-2.amazonaws.com' } } });
    assert.equal(replayRecords(records, KEY_ARN, environment, throughEbs).denied.find((g) => g.principal === APP_ROLE && g.action === 'kms:Decrypt')?.count, 2);
    // "AWS Internal" names no service: no kms:ViaService.
    assert.equal(kmsCallsOfEvent(event({ userAgent: 'AWS Internal', sourceIPAddress: 'AWS Internal' })).calls![0]!.viaService, undefined);
  });

  it('an AWSService caller is the service principal in invokedBy, with no kms:ViaService', () => {
    const [call] = kmsCallsOfEvent(records.find((r) => (r.userIdentity as { type: string }).type === 'AWSService')!).calls!;
    assert.deepEqual(call!.policyPrincipal, { type: 'Service', name: 'cloudtrail.amazonaws.com' });
    assert.equal(call!.callerArn, 'cloudtrail.amazonaws.com');
    assert.equal(call!.viaService, undefined);
  });

  it('eventTime is aws:CurrentTime: a statement that ends at a date refuses the calls after it', () => {
    const untilNoon = withStatements({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2025-05-21T00:00:00Z' } } });
    const report = replayRecords(records, KEY_ARN, environment, untilNoon);
    assert.deepEqual(
      report.denied.filter((g) => g.principal === ALICE).map((g) => `${g.action} x${g.count} ${g.firstTime}`),
      ['kms:Decrypt x1 2025-05-21T09:01:00Z', 'kms:Encrypt x1 2025-05-21T09:00:00Z'],
    );
  });

  it('sourceIPAddress is aws:SourceIp; requestParameters.encryptionContext and encryptionAlgorithm are the request\'s', () => {
    const fromOffice = withStatements({
      Effect: 'Allow',
      Principal: { AWS: ALICE },
      Action: 'kms:Encrypt',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' }, StringEquals: { 'kms:EncryptionContext:Department': 'Engineering', 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' } },
    });
    const fromOfficeRecords = [event({}), event({ sourceIPAddress: '203.0.113.9', eventTime: '2025-05-20T22:00:00Z' }), event({ requestParameters: { keyId: KEY_ARN, encryptionContext: { Department: 'Finance' } }, eventTime: '2025-05-20T23:00:00Z' })];
    const report = replayRecords(fromOfficeRecords, KEY_ARN, environment, fromOffice);
    assert.equal(report.replayed, 3);
    assert.deepEqual(report.denied.map((g) => `${g.action} x${g.count} ${g.firstTime}..${g.lastTime}`), ['kms:Encrypt x2 2025-05-20T22:00:00Z..2025-05-20T23:00:00Z']);
  });

  it('ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination', () => {
    const other = 'arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';
    const reEncrypt = event({
      eventName: 'ReEncrypt',
      requestParameters: { sourceKeyId: other, destinationKeyId: KEY_ARN, sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionContext: { Department: 'Engineering' } },
      resources: [{ ARN: other }, { ARN: KEY_ARN }],
    });
    const calls = kmsCallsOfEvent(reEncrypt).calls!;
    assert.deepEqual(calls.map((c) => `${c.action} ${c.keyRefs.join(',')}`), [`kms:ReEncryptFrom ${other}`, `kms:ReEncryptTo ${KEY_ARN}`]);
    const report = replayRecords([reEncrypt], KEY_ARN, environment, withStatements({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:ReEncryptFrom', Resource: '*' }));
    assert.deepEqual(deniedSummary(report), [`${ALICE} kms:ReEncryptTo x1 2025-05-20T20:45:00Z..2025-05-20T20:45:00Z`]);
  });

  it('a CreateGrant record is decided with the grant it asked for (kms:GrantOperations)', () => {
    const createGrant = event({ eventName: 'CreateGrant', requestParameters: { keyId: KEY_ARN, granteePrincipal: APP_ROLE, operations: ['Decrypt', 'Encrypt'] } });
    const decryptOnly = withStatements({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:CreateGrant', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } });
    assert.equal(replayRecords([createGrant], KEY_ARN, environment, decryptOnly).deniedCalls, 1);
    const both = withStatements({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:CreateGrant', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'Encrypt'] } } });
    assert.equal(replayRecords([createGrant], KEY_ARN, environment, both).deniedCalls, 0);
  });
});

describe('reading CloudTrail logs', () => {
  it('reads gzipped log files, LookupEvents output and a bare list, and passes over digest files', () => {
    const text = readFileSync(join(LOGS, '111122223333/CloudTrail/us-west-2/2025/05/20/111122223333_CloudTrail_us-west-2_20250520T2045Z_exampleLogFile01.json'), 'utf8');
    const folder = join(scratch, 'bucket');
    mkdirSync(join(folder, 'AWSLogs/111122223333/CloudTrail-Digest/us-west-2'), { recursive: true });
    mkdirSync(join(folder, 'AWSLogs/111122223333/CloudTrail/us-west-2'), { recursive: true });
    writeFileSync(join(folder, 'AWSLogs/111122223333/CloudTrail/us-west-2/a.json.gz'), gzipSync(text));
    writeFileSync(join(folder, 'AWSLogs/111122223333/CloudTrail-Digest/us-west-2/digest.json.gz'), gzipSync('{"awsAccountId":"111122223333","digestStartTime":"2025-05-20T20:00:00Z"}'));
    const read = readCloudTrailLogs(folder);
    assert.equal(read.files.length, 1);
    assert.equal(read.records.length, 9);
    const records = JSON.parse(text).Records as unknown[];
    assert.equal(parseCloudTrailLog(JSON.stringify(records), 'list.json').length, 9);
    const lookup = { Events: records.map((r) => ({ EventId: 'x', CloudTrailEvent: JSON.stringify(r) })) };
    assert.deepEqual(parseCloudTrailLog(JSON.stringify(lookup), 'lookup.json'), records);
  });

  it('names the file and the record at fault in a malformed log, and never crashes', () => {
    const bad = (name: string, content: string | Buffer) => {
      const path = join(scratch, name);
      writeFileSync(path, content);
      return path;
    };
    const cases: [string, string | Buffer, RegExp][] = [
      ['truncated.json', '{"Records": [{"eventSource": "kms.amazonaws.com"', /truncated\.json is not valid JSON/],
      ['other.json', '{"records": []}', /other\.json is not a CloudTrail log/],
      ['no-name.json', JSON.stringify({ Records: [event({}), { eventSource: 'kms.amazonaws.com', eventTime: '2025-05-20T20:45:00Z' }] }), /no-name\.json: record 2 has no eventName string/],
      ['bad-time.json', JSON.stringify({ Records: [event({ eventTime: 'yesterday' })] }), /bad-time\.json: record 1: eventTime "yesterday" is not a time/],
      ['bad-gzip.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), /bad-gzip\.json\.gz is not a readable gzip file/],
    ];
    for (const [name, content, message] of cases) {
      assert.throws(() => readCloudTrailLogs(bad(name, content)), (error: Error) => error instanceof CloudTrailLogError && message.test(error.message), name);
    }
    assert.throws(() => readCloudTrailLogs(join(scratch, 'missing')), /no such file or folder/);
  });
});
