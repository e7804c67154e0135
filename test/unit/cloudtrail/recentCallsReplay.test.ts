// Before Put Key Policy on a key of the embedded engine: the calls the engine recorded on the key
// in the last 30 days, replayed under the edited policy with the engine's own facts (its grants
// count), said in one line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayKeyOfScenario } from '../../../server/src/core/cloudtrail/cloudTrailKeySelection';
import type { CloudTrailRecord } from '../../../server/src/core/cloudtrail/cloudTrailLogParser';
import { recentCallsLine, replayRecentCalls } from '../../../server/src/core/cloudtrail/recentCallsReplay';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import type { AuthenticatedCaller } from '../../../server/src/core/engine/kmsEngineApi';
import { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
import type { Environment } from '../../../server/src/core/environment/environmentModel';

const ACCOUNT = '111122223333';
const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;
const ALICE_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;
const APP_ARN = `arn:aws:iam::${ACCOUNT}:role/App`;
const caller = (principalArn: string, accessKeyId: string): AuthenticatedCaller => ({ principalArn, accountId: ACCOUNT, accessKeyId, region: 'us-east-1' });
const ROOT = caller(ROOT_ARN, 'root');
const ALICE = caller(ALICE_ARN, 'alice');
const APP = caller(`arn:aws:sts::${ACCOUNT}:assumed-role/App/worker`, 'app');

const environment: Environment = {
  partition: 'aws',
  defaultRegion: 'us-east-1',
  accounts: [{ id: ACCOUNT, serviceControlPolicies: [], resourceControlPolicies: [] }],
  principals: [
    { arn: ALICE_ARN, identityPolicies: [], accessKeys: [] },
    { arn: APP_ARN, identityPolicies: [], accessKeys: [] },
    { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/App/worker`, identityPolicies: [], accessKeys: [] },
  ],
  keys: [],
};
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'kms:*', Resource: '*' };
const policy = (...statements: object[]) => {
  const document = { Version: '2012-10-17', Statement: [rootStatement, ...statements] };
  return { document, text: JSON.stringify(document), source: 'your edited policy' };
};

describe('the calls recorded on a key of the engine, replayed before Put Key Policy', () => {
  it('counts what the edited policy would refuse, with the engine\'s grants, and only the last 30 days', async () => {
    const clock = new AdjustableClock();
    const engine = await openKmsEngine({ environment, clock, transientStateDelayMs: 0 });
    try {
      const current = policy({ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE_ARN }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' });
      const { KeyMetadata } = (await engine.execute('CreateKey', { Policy: current.text }, ROOT)) as { KeyMetadata: { Arn: string; KeyId: string } };
      // The application decrypts through a grant, never through the key policy.
      await engine.execute('CreateGrant', { KeyId: KeyMetadata.Arn, GranteePrincipal: APP_ARN, Operations: ['Decrypt', 'Encrypt'] }, ROOT);
      const plaintext = Buffer.from('order 42').toString('base64');
      const sealed = (await engine.execute('Encrypt', { KeyId: KeyMetadata.Arn, Plaintext: plaintext }, ALICE)) as { CiphertextBlob: string };
      await engine.execute('Decrypt', { CiphertextBlob: sealed.CiphertextBlob }, ALICE);
      await engine.execute('Decrypt', { CiphertextBlob: sealed.CiphertextBlob }, APP);
      await engine.execute('Decrypt', { CiphertextBlob: sealed.CiphertextBlob }, APP);

      const scenario = engine.scenarioFor({ principalArn: ROOT_ARN, action: 'kms:DescribeKey', keyRef: KeyMetadata.Arn, region: 'us-east-1' })!;
      const events = () => engine.cloudTrailEvents() as Iterable<CloudTrailRecord>;
      const withoutAlice = replayKeyOfScenario(scenario, policy());
      const report = replayRecentCalls(events(), withoutAlice, environment, clock.now())!;
      // CreateKey names the key only in its answer, CreateGrant by the root user: 6 calls; Alice's two are refused, the grant still lets the application decrypt.
      assert.equal(report.replayed, 6);
      assert.deepEqual(report.denied.map((g) => `${g.principal} ${g.action} x${g.count}`).sort(), [`${ALICE_ARN} kms:Decrypt x1`, `${ALICE_ARN} kms:Encrypt x1`]);
      assert.equal(recentCallsLine(report), `! 2 of the 6 successful call(s) recorded on this key in the last 30 days would be refused: ${ALICE_ARN} kms:Decrypt \u00d71, ${ALICE_ARN} kms:Encrypt \u00d71`);
      assert.equal(recentCallsLine(replayRecentCalls(events(), replayKeyOfScenario(scenario, current), environment, clock.now())!), '= none of the 6 successful call(s) recorded on this key in the last 30 days would be refused');

      clock.advance(31 * 24 * 3600 * 1000);
      assert.equal(replayRecentCalls(events(), withoutAlice, environment, clock.now()), undefined, 'calls older than 30 days are not counted');
    } finally {
      await engine.close();
    }
  });
});
