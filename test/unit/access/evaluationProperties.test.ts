// Properties that hold for every scenario, checked on generated ones: the evaluator never
// throws, grants only ever add access, an explicit deny anywhere wins, and an extra allow in an
// identity policy never takes access away.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import type { AccessScenario, ScenarioGrant } from '../../../server/src/core/access/scenario';
import { ACCOUNT, ALICE, APP_ROLE, APP_SESSION, KEY, KEY_ARN, OTHER_SESSION, ROOT, grant, policy } from './scenarioFixtures';

const principals = [ALICE, APP_SESSION, ROOT, OTHER_SESSION, 'logs.us-west-2.amazonaws.com'];
const actions = ['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:RetireGrant', 'kms:CreateKey'];

const keyStatements = [
  { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
  { Effect: 'Allow', Principal: { AWS: ALICE }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
  { Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing' } } },
  { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' },
  { Effect: 'Allow', Principal: { Service: 'logs.us-west-2.amazonaws.com' }, Action: 'kms:Encrypt*', Resource: '*' },
  { Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalArn': APP_ROLE } } },
  { Effect: 'Allow', Principal: '*', Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } },
];
const identityStatements = [
  { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
  { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN },
  { Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' },
  { Effect: 'Allow', Action: ['kms:CreateKey', 'kms:DescribeKey'], Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['team'] } } },
];
const grants: ScenarioGrant[] = [
  grant(),
  grant({ grantId: 'g2', granteePrincipal: APP_ROLE, operations: ['Encrypt', 'Decrypt', 'RetireGrant'], constraints: { encryptionContextSubset: { team: 'billing' } } }),
  grant({ grantId: 'g3', granteePrincipal: 'arn:aws:iam::444455556666:root', operations: ['DescribeKey'], retiringPrincipal: ALICE }),
];

const arbScenario = fc
  .record({
    principal: fc.constantFrom(...principals),
    action: fc.constantFrom(...actions),
    keyStatements: fc.subarray(keyStatements),
    identity: fc.subarray(identityStatements),
    grants: fc.subarray(grants),
    encryptionContext: fc.option(fc.constantFrom<Record<string, string>>({ team: 'billing' }, { team: 'marketing' }, {}), { nil: undefined }),
    state: fc.constantFrom('Enabled' as const, 'Disabled' as const, 'PendingDeletion' as const),
    keyManager: fc.constantFrom('CUSTOMER' as const, 'AWS' as const),
    scp: fc.boolean(),
  })
  .map(
    (r): AccessScenario => ({
      request: { principal: r.principal, action: r.action, resource: KEY_ARN, region: 'us-west-2', encryptionContext: r.encryptionContext },
      key: { ...KEY, state: r.state, keyManager: r.keyManager },
      keyPolicy: policy(...r.keyStatements),
      identityPolicies: r.identity.length ? [policy(...r.identity)] : [],
      grants: r.grants,
      serviceControlPolicies: r.scp ? [{ orgIdentifier: 'r-root', policies: [policy({ Effect: 'Allow', Action: '*', Resource: '*' })] }] : [],
    }),
  );

const DECISIONS = new Set(['Allow', 'ExplicitDeny', 'ImplicitDeny', 'NotApplicable']);

describe('evaluation properties', () => {
  it('never throws, always answers a known decision, and serializes to JSON', () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        const result = simulateAccess(scenario);
        assert.ok(DECISIONS.has(result.decision));
        assert.equal(result.authorized, result.decision === 'Allow');
        assert.equal(result.error === 'AccessDeniedException', result.decision === 'ExplicitDeny' || result.decision === 'ImplicitDeny');
        JSON.parse(JSON.stringify(result));
      }),
      { numRuns: 300 },
    );
  });

  it('grants never deny: adding grants never turns an Allow into a denial', () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        const without = simulateAccess({ ...scenario, grants: [] });
        const withGrants = simulateAccess(scenario);
        if (without.decision === 'Allow') assert.equal(withGrants.decision, 'Allow');
        if (withGrants.decision === 'ExplicitDeny') assert.equal(without.decision, 'ExplicitDeny');
      }),
      { numRuns: 300 },
    );
  });

  it('an explicit deny of everything in the key policy always wins over any allow', () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        if (scenario.request.action === 'kms:CreateKey' || scenario.request.action === 'kms:RetireGrant') return; // no key policy applies
        const denyAll = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' };
        const keyPolicy = scenario.keyPolicy as { Statement: object[] };
        const result = simulateAccess({ ...scenario, keyPolicy: { Version: '2012-10-17', Statement: [...keyPolicy.Statement, denyAll] } });
        assert.equal(result.decision, 'ExplicitDeny');
      }),
      { numRuns: 200 },
    );
  });

  it('an explicit deny of everything in an identity policy denies every IAM principal', () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        const result = simulateAccess({ ...scenario, identityPolicies: [...(scenario.identityPolicies ?? []), policy({ Effect: 'Deny', Action: '*', Resource: '*' })] });
        const iamPrincipal = scenario.request.principal.startsWith('arn:') && !scenario.request.principal.endsWith(':root');
        if (iamPrincipal) assert.equal(result.decision, 'ExplicitDeny');
      }),
      { numRuns: 200 },
    );
  });

  it('an extra Allow in an identity policy never takes access away', () => {
    fc.assert(
      fc.property(arbScenario, fc.constantFrom(...identityStatements.filter((s) => s.Effect === 'Allow')), (scenario, extra) => {
        const before = simulateAccess(scenario);
        const after = simulateAccess({ ...scenario, identityPolicies: [...(scenario.identityPolicies ?? []), policy(extra)] });
        if (before.decision === 'Allow') assert.equal(after.decision, 'Allow');
      }),
      { numRuns: 200 },
    );
  });
});

describe('garbage in, an answer out', () => {
  it('any JSON value as a scenario gets an answer, never an exception', () => {
    const anything = fc.anything({ maxDepth: 3 });
    const partial = fc.record(
      {
        request: fc.oneof(anything, fc.record({ principal: fc.oneof(fc.constantFrom(...principals), anything), action: fc.oneof(fc.constantFrom(...actions), anything), resource: anything, keyIdAsGiven: anything, encryptionContext: anything, context: anything, grant: anything })),
        key: fc.oneof(anything, fc.constant(KEY), fc.record({ arn: anything, alias: anything, state: anything, keySpec: anything })),
        keyPolicy: anything,
        identityPolicies: anything,
        grants: fc.oneof(anything, fc.array(fc.record({ grantId: anything, keyArn: fc.constant(KEY_ARN), granteePrincipal: fc.oneof(fc.constantFrom(...principals), anything), retiringPrincipal: anything, operations: fc.oneof(anything, fc.constant(['Decrypt', 'RetireGrant'])), constraints: anything, issuingAccount: anything }, { requiredKeys: ['keyArn'] }))),
        serviceControlPolicies: anything,
        resourceControlPolicies: anything,
        permissionBoundary: anything,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(anything, partial), (value) => {
        const result = simulateAccess(value as AccessScenario);
        assert.ok(DECISIONS.has(result.decision));
        JSON.stringify(result);
      }),
      { numRuns: 500 },
    );
  });
});
