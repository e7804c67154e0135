// Building the scenario from the environment, and the "who can use this key" table built on it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { formatWhoCanUseKey, whoCanUseKey } from '../../../server/src/core/environment/whoCanUseKey';
import { loadEnvironment } from '../../../server/src/core/environment/environmentLoader';
import { buildScenarioFromEnvironment } from '../../../server/src/core/environment/scenarioBuilder';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const APP_SESSION = 'arn:aws:sts::111122223333:assumed-role/AppRole/worker';

const environment = loadEnvironment(
  JSON.stringify({
    accounts: [
      {
        id: '111122223333',
        organizationId: 'o-exampleorgid',
        serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }] }],
        resourceControlPolicies: [{ orgIdentifier: 'r-root', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorgid' } } }] }] }],
      },
      { id: '444455556666' },
    ],
    principals: [
      {
        arn: 'arn:aws:iam::111122223333:role/AppRole',
        tags: { team: 'billing' },
        identityPolicies: [{ name: 'AppPolicy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:team': '${aws:PrincipalTag/team}' } } }] } }],
        permissionBoundary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }] },
      },
      { arn: 'arn:aws:iam::111122223333:user/alice' },
      { arn: 'arn:aws:iam::444455556666:user/outsider', identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }] },
    ],
    keys: [
      {
        keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
        account: '111122223333',
        region: 'us-east-1',
        aliases: ['alias/app'],
        tags: { project: 'demo' },
        grants: [{ grantId: 'g-alice', granteePrincipal: 'arn:aws:iam::111122223333:user/alice', operations: ['Decrypt'], constraints: { encryptionContextSubset: { team: 'billing' } } }],
      },
    ],
  }),
);

describe('scenario builder', () => {
  it('a role session gets its role\'s identity policies, boundary and tags, and the account\'s SCPs and RCPs', () => {
    const built = buildScenarioFromEnvironment(environment, { principalArn: APP_SESSION, action: 'kms:Decrypt', keyRef: 'alias/app', encryptionContext: { team: 'billing' } });
    assert.ok(built.ok);
    const { scenario } = built;
    assert.equal(scenario.key.arn, KEY_ARN);
    assert.equal(scenario.request.keyIdAsGiven, 'alias/app');
    assert.equal(scenario.identityPolicies?.length, 1);
    assert.ok(scenario.permissionBoundary);
    assert.equal(scenario.request.context?.['aws:PrincipalTag/team'], 'billing');
    assert.equal(scenario.request.context?.['aws:PrincipalOrgID'], 'o-exampleorgid');
    assert.deepEqual(scenario.request.context?.['aws:PrincipalOrgPaths'], ['o-exampleorgid/r-root/']);
    assert.equal(scenario.request.context?.['aws:ResourceTag/project'], 'demo');
    assert.equal(scenario.serviceControlPolicies?.length, 1);
    assert.equal(scenario.resourceControlPolicies?.length, 1);
    assert.equal(scenario.grants?.[0].issuingAccount, 'arn:aws:iam::111122223333:root', 'as ListGrants prints it and the engine stores it');
    // Without a key policy, the key has AWS's default one: the account delegates to IAM.
    const result = simulateAccess(scenario);
    assert.equal(result.decision, 'Allow');
    assert.equal(result.allowedBy, 'key-policy-and-iam');
  });

  it('the policy variable in the role\'s policy follows the role\'s tag', () => {
    const built = buildScenarioFromEnvironment(environment, { principalArn: APP_SESSION, action: 'kms:Decrypt', keyRef: 'alias/app', encryptionContext: { team: 'marketing' } });
    assert.ok(built.ok);
    assert.equal(simulateAccess(built.scenario).decision, 'ImplicitDeny');
  });

  it('a key id or alias name resolves in the caller\'s account: another account gets NotFoundException text', () => {
    const built = buildScenarioFromEnvironment(environment, { principalArn: 'arn:aws:iam::444455556666:user/outsider', action: 'kms:Decrypt', keyRef: 'alias/app' });
    assert.deepEqual(built, { ok: false, error: 'NotFoundException', message: 'Alias arn:aws:kms:us-east-1:444455556666:alias/app is not found.' });
    const byId = buildScenarioFromEnvironment(environment, { principalArn: 'arn:aws:iam::444455556666:user/outsider', action: 'kms:Decrypt', keyRef: '1234abcd-12ab-34cd-56ef-1234567890ab' });
    assert.deepEqual(byId, { ok: false, error: 'NotFoundException', message: "Key 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist" });
  });

  it('by key ARN, the outsider reaches the key and the RCP denies it (not in the organization)', () => {
    const built = buildScenarioFromEnvironment(environment, { principalArn: 'arn:aws:iam::444455556666:user/outsider', action: 'kms:Decrypt', keyRef: KEY_ARN });
    assert.ok(built.ok);
    const result = simulateAccess(built.scenario);
    assert.equal(result.decision, 'ExplicitDeny');
    assert.match(result.errorMessage!, /with an explicit deny in a resource control policy$/);
  });
});

describe('who can use this key', () => {
  it('lists each principal and action with the path that allows it', () => {
    const table = whoCanUseKey(environment, 'alias/app', { actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:PutKeyPolicy'] })!;
    assert.equal(table.keyArn, KEY_ARN);
    const row = (arn: string) => table.rows.find((r) => r.principal === arn)!;
    const cell = (arn: string, action: string) => row(arn).cells.find((c) => c.action === action)!;

    assert.equal(cell('arn:aws:iam::111122223333:root', 'kms:PutKeyPolicy').via, 'key policy');
    // The role's policy requires the team's encryption context; the table says so.
    assert.equal(cell('arn:aws:iam::111122223333:role/AppRole', 'kms:Decrypt').via, 'key policy + IAM');
    assert.equal(cell('arn:aws:iam::111122223333:role/AppRole', 'kms:Decrypt').note, 'only with encryption context team=billing');
    assert.equal(cell('arn:aws:iam::111122223333:role/AppRole', 'kms:DescribeKey').decision, 'ImplicitDeny');
    // alice only through her grant, and only with its encryption context.
    assert.equal(cell('arn:aws:iam::111122223333:user/alice', 'kms:Decrypt').via, 'grant');
    assert.equal(cell('arn:aws:iam::111122223333:user/alice', 'kms:Decrypt').note, 'only with encryption context team=billing');
    // The pairs themselves travel with the cell, so the editor can simulate exactly that request.
    assert.deepEqual(cell('arn:aws:iam::111122223333:user/alice', 'kms:Decrypt').encryptionContext, { team: 'billing' });
    assert.equal(cell('arn:aws:iam::111122223333:root', 'kms:PutKeyPolicy').encryptionContext, undefined);
    assert.equal(cell('arn:aws:iam::111122223333:user/alice', 'kms:PutKeyPolicy').decision, 'ImplicitDeny');
    // The outsider's own IAM policy is not enough: the key policy does not name its account.
    assert.equal(cell('arn:aws:iam::444455556666:user/outsider', 'kms:Decrypt').decision, 'ExplicitDeny');
  });

  it('formats as text, one block per principal', () => {
    const text = formatWhoCanUseKey(whoCanUseKey(environment, KEY_ARN, { actions: ['kms:Decrypt'] })!);
    assert.match(text, /^Who can use arn:aws:kms:us-east-1:111122223333:key\/1234abcd-12ab-34cd-56ef-1234567890ab\n/);
    assert.match(text, /arn:aws:iam::111122223333:user\/alice\n {2}kms:Decrypt {2}allowed via grant \(only with encryption context team=billing\)\n/);
  });

  it('answers undefined for a key the environment does not have', () => {
    assert.equal(whoCanUseKey(environment, 'alias/nope'), undefined);
  });

  it('the example environment: the partner account uses the key through the key policy and its own IAM policy', () => {
    const examples = join(import.meta.dirname, '../../../examples');
    const example = loadEnvironment(readFileSync(join(examples, 'kms-environment.json'), 'utf8'), { readFile: (ref) => readFileSync(join(examples, ref), 'utf8') });
    const table = whoCanUseKey(example, 'alias/demo-app', { actions: ['kms:Decrypt'] })!;
    const partner = table.rows.find((r) => r.principal === 'arn:aws:iam::444455556666:role/PartnerReader');
    assert.ok(partner);
    assert.equal(partner.cells[0].action, 'kms:Decrypt');
    assert.equal(partner.cells[0].decision, 'Allow');
    assert.equal(partner.cells[0].via, 'key policy + IAM');
  });

  it('Who Can Use derives the encryption context an Allow needs from every policy that could allow it, and only for operations that take one', () => {
    const examples = join(import.meta.dirname, '../../../examples');
    const example = loadEnvironment(readFileSync(join(examples, 'kms-environment.json'), 'utf8'), { readFile: (ref) => readFileSync(join(examples, ref), 'utf8') });
    const table = whoCanUseKey(example, 'alias/demo-app')!;
    const app = table.rows.find((r) => r.principal === 'arn:aws:iam::111122223333:role/AppRole')!;
    for (const action of ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt']) {
      const cell = app.cells.find((c) => c.action === action)!;
      assert.equal(cell.decision, 'Allow', action);
      // The role's policy asks kms:EncryptionContext:team to equal its principal tag team=billing.
      assert.equal(cell.note, 'only with encryption context team=billing', action);
    }
    // DescribeKey carries no encryption context, so no Allow can depend on one.
    for (const row of table.rows) assert.equal(row.cells.find((c) => c.action === 'kms:DescribeKey')?.note, undefined, row.principal);
  });
});
