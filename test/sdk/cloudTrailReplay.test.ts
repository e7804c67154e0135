// The whole loop as a user runs it: calls through @aws-sdk/client-kms against `kms-policy serve`,
// the engine's CloudTrail events exported as log files, then the bundled CLI's `replay` (no call
// refused under the policy they ran with, the refused ones under a tightened policy) and
// `generate-policy` (its policy passes `check` and replays the same log with no refusal).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { ACCOUNT_ID, expectKmsError, httpTransport, scratchDir, type KmsTransport } from './support/kmsTransports';
import { adminFetch, CLI, REPO_ROOT, type ServeProcess } from './support/serveProcess';

const KEY_ID = '5f1e2d3c-4b5a-4697-8a9b-0c1d2e3f4a5b';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${KEY_ID}`;
const ALICE = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;
const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/App`;
const SESSION = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/App/worker`;
const BOB = `arn:aws:iam::${ACCOUNT_ID}:user/bob`;
const CREDENTIALS = {
  alice: { accessKeyId: 'AKIAALICEEXAMPLE0001', secretAccessKey: 'alice-secret-for-the-replay-test' },
  worker: { accessKeyId: 'ASIAWORKEREXAMPLE001', secretAccessKey: 'worker-secret-for-the-replay-test' },
  bob: { accessKeyId: 'AKIABOBEXAMPLE000001', secretAccessKey: 'bob-secret-for-the-replay-test' },
};

const root = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'kms:*', Resource: '*' };
const admins = { Sid: 'Key administrators', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmin` }, Action: ['kms:Describe*', 'kms:Put*', 'kms:Get*', 'kms:List*', 'kms:ScheduleKeyDeletion'], Resource: '*' };
const ranWith = {
  Version: '2012-10-17',
  Statement: [
    root,
    admins,
    { Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
    { Sid: 'The application', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' },
  ],
};
const tightened = { Version: '2012-10-17', Statement: [root, admins, { Sid: 'Alice encrypts', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Encrypt', Resource: '*' }] };

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('replay and generate-policy on the log files of calls made through the SDK', () => {
  const scratch = scratchDir('kms-cloudtrail-replay-');
  let transport: KmsTransport & { serve: ServeProcess };
  let environmentFile: string;
  let policyFile: string;
  let logs: string;

  before(async () => {
    policyFile = scratch.file('key-policy.json', JSON.stringify(ranWith, null, 2));
    environmentFile = scratch.file(
      'kms-environment.json',
      JSON.stringify({
        partition: 'aws',
        defaultRegion: 'us-east-1',
        accounts: [{ id: ACCOUNT_ID }],
        principals: [
          { arn: ALICE, identityPolicies: [], accessKeys: [CREDENTIALS.alice] },
          { arn: ROLE, identityPolicies: [] },
          { arn: SESSION, identityPolicies: [], accessKeys: [CREDENTIALS.worker] },
          { arn: BOB, identityPolicies: [], accessKeys: [CREDENTIALS.bob] },
        ],
        keys: [{ keyId: KEY_ID, account: ACCOUNT_ID, region: 'us-east-1', keyPolicyFile: 'key-policy.json', aliases: ['alias/orders'] }],
      }),
    );
    transport = await httpTransport(['--memory', '--environment', environmentFile]);
    const alice: KMSClient = transport.kms({ credentials: CREDENTIALS.alice });
    const worker: KMSClient = transport.kms({ credentials: CREDENTIALS.worker });
    const bob: KMSClient = transport.kms({ credentials: CREDENTIALS.bob });
    const context = { Department: 'Engineering' };
    const sealed = await alice.send(new EncryptCommand({ KeyId: 'alias/orders', Plaintext: new TextEncoder().encode('order 42'), EncryptionContext: context }));
    for (let i = 0; i < 3; i++) await alice.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context }));
    await alice.send(new DescribeKeyCommand({ KeyId: KEY_ARN }));
    const dataKey = await worker.send(new GenerateDataKeyCommand({ KeyId: KEY_ARN, KeySpec: 'AES_256', EncryptionContext: { app: 'orders' } }));
    await worker.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: { app: 'orders' } }));
    await expectKmsError(bob.send(new DecryptCommand({ KeyId: KEY_ARN, CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context })), 'AccessDeniedException');
    await expectKmsError(alice.send(new DecryptCommand({ KeyId: KEY_ARN, CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { Department: 'Finance' } })), 'InvalidCiphertextException');
    logs = join(scratch.path, 'trail');
    const exported = await adminFetch(transport.serve, '/_studio/cloudtrail/export', { directory: logs });
    assert.equal(exported.status, 200);
  });
  after(async () => {
    await transport?.close();
    scratch.remove();
  });

  it('replays every call with no refusal under the policy they ran with (exit 0)', () => {
    const result = cli('replay', '--events', logs, '--key', 'alias/orders', '--environment', environmentFile, '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.keyArn, KEY_ARN);
    assert.equal(report.replayed, 7);
    assert.equal(report.deniedCalls, 0);
    assert.deepEqual(
      report.failedInLog.map((g: { principal: string; action: string; errorCode: string; count: number }) => `${g.principal} ${g.action} ${g.errorCode} x${g.count}`).sort(),
      [`${ALICE} kms:Decrypt InvalidCiphertextException x1`, `${BOB} kms:Decrypt AccessDeniedException x1`],
    );
  });

  it('lists the calls a tightened policy would refuse, by principal and action (exit 1, text and SARIF)', () => {
    const proposed = scratch.file('tightened.json', JSON.stringify(tightened, null, 2));
    const text = cli('replay', '--events', logs, '--key', KEY_ARN, '--environment', environmentFile, '--policy', proposed);
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /^Replayed 7 successful call\(s\) on .* under .*tightened\.json: 6 would now be refused\.$/m);
    assert.match(text.stdout, new RegExp(`^DENIED  ${ALICE}  kms:Decrypt  3 call\\(s\\), `, 'm'));
    assert.match(text.stdout, new RegExp(`^DENIED  ${ROLE}  kms:GenerateDataKey  1 call\\(s\\), at `, 'm'));
    const sarif = JSON.parse(cli('replay', '--events', logs, '--key', KEY_ARN, '--environment', environmentFile, '--policy', proposed, '--format', 'sarif').stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId), ['KMS_REPLAY_DENIED', 'KMS_REPLAY_DENIED', 'KMS_REPLAY_DENIED', 'KMS_REPLAY_DENIED']);
  });

  it('generate-policy writes a policy that passes check and replays the same log with no refusal', () => {
    const out = join(scratch.path, 'generated.json');
    const generated = cli('generate-policy', '--events', logs, '--key', KEY_ARN, '--keep-admins', policyFile, '--out', out);
    assert.equal(generated.status, 0, generated.stderr);
    assert.match(generated.stderr, /7 successful call\(s\) by 2 principal\(s\)/);
    const checked = cli('check', out);
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    const replayed = cli('replay', '--events', logs, '--key', KEY_ARN, '--environment', environmentFile, '--policy', out);
    assert.equal(replayed.status, 0, replayed.stdout + replayed.stderr);
    assert.match(replayed.stdout, /none would be refused/);
  });

  it('bad input exits 2 with a message naming what is wrong', () => {
    const broken = scratch.file('broken.json', '{"Records": [');
    const result = cli('replay', '--events', broken, '--key', KEY_ARN);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /broken\.json is not valid JSON/);
    assert.equal(cli('replay', '--events', logs).status, 2);
    assert.equal(cli('generate-policy', '--events', logs, '--key', KEY_ARN, '--account', '12').status, 2);
  });
});
