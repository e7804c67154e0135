// The three access checks on the cases issue 15 names, on AWS's own example policies, and the
// properties that make them trustworthy: a policy against itself passes, a new principal's
// Allow statement always fails, and every witness replays as Allow under the new policy and
// not under the reference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';

// Seeded, so every run (and CI) checks the same cases; FAST_CHECK_SEED explores others.
fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261206) });
import { accessDiff, checkAccessNotGranted, checkNoNewAccess, checkNoPublicAccess, replayWitness, type AccessCheckResult } from '../../../server/src/core/accessChecks/accessChecks';
import { actionMatches } from '../../../server/src/core/access/wildcardMatcher';
import { kmsCatalog } from '../../../server/src/core/catalog/kmsCatalog';
import type { Environment } from '../../../server/src/core/environment/environmentModel';

const root = join(import.meta.dirname, '../../..');
const load = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;

const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const APP = `arn:aws:iam::${ACCOUNT}:role/App`;
const PARTNER = 'arn:aws:iam::444455556666:root';

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) => ({ Version: '2012-10-17', Statement: statements });
const rootStatement: Statement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const appDecrypt: Statement = { Sid: 'AppDecrypts', Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing' } } };
const appEncrypt: Statement = { Sid: 'AppEncrypts', Effect: 'Allow', Principal: { AWS: APP }, Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: '*' };
const reference = policy(rootStatement, appDecrypt, appEncrypt);

/** Every FAIL witness replays as Allow under NEW and not Allow under OLD. */
function assertWitnesses(result: AccessCheckResult, candidate: unknown, old?: unknown): void {
  for (const reason of result.reasons) {
    assert.equal(replayWitness(candidate, reason.witness).decision, 'Allow', reason.description);
    if (old !== undefined) assert.notEqual(replayWitness(old, reason.witness).decision, 'Allow', reason.description);
  }
}

describe('check-no-new-access: equivalent rewrites pass', () => {
  it('reordering statements grants nothing new', () => {
    const result = checkNoNewAccess(reference, policy(appEncrypt, rootStatement, appDecrypt));
    assert.equal(result.result, 'PASS', result.reasons.map((r) => r.description).join('\n'));
    assert.ok(result.exhaustive);
  });

  it('splitting a statement into two grants nothing new', () => {
    const split = policy(rootStatement, appDecrypt, { ...appEncrypt, Sid: 'A', Action: 'kms:Encrypt' }, { ...appEncrypt, Sid: 'B', Action: 'kms:GenerateDataKey' });
    assert.equal(checkNoNewAccess(reference, split).result, 'PASS');
    assert.equal(checkNoNewAccess(split, reference).result, 'PASS');
  });

  it('adding a narrowing condition grants nothing new', () => {
    const narrowed = policy(rootStatement, appDecrypt, { ...appEncrypt, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } });
    assert.equal(checkNoNewAccess(reference, narrowed).result, 'PASS');
  });
});

describe('check-no-new-access: widening fails with a witness', () => {
  it('kms:Decrypt -> kms:* fails, naming the action and the statement', () => {
    const candidate = policy(rootStatement, { ...appDecrypt, Action: 'kms:*' }, appEncrypt);
    const result = checkNoNewAccess(reference, candidate);
    assert.equal(result.result, 'FAIL');
    const reason = result.reasons.find((r) => r.witness.action === 'kms:ReEncryptFrom' && r.witness.principal === APP)!;
    assert.ok(reason, result.reasons.map((r) => r.description).join('\n'));
    assert.equal(reason.statementIndex, 1);
    assert.equal(reason.statementId, 'AppDecrypts');
    assert.equal(reason.witness.encryptionContext?.team, 'billing');
    // PutKeyPolicy carries no encryption context, so the condition keeps it from the role.
    assert.ok(!result.reasons.some((r) => r.witness.action === 'kms:PutKeyPolicy' && r.witness.iam === 'none'));
    assertWitnesses(result, candidate, reference);
  });

  it('adding an account fails: the account may now use the key', () => {
    const candidate = policy(rootStatement, appDecrypt, appEncrypt, { Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'kms:Decrypt', Resource: '*' });
    const result = checkNoNewAccess(reference, candidate);
    assert.equal(result.result, 'FAIL');
    assert.ok(result.reasons.every((r) => r.witness.principal.includes(':444455556666:')), result.reasons.map((r) => r.description).join('\n'));
    assert.ok(result.reasons.some((r) => r.description.includes('any principal of account 444455556666 that its IAM policies allow may now kms:Decrypt, any encryption context')));
    assert.equal(result.reasons[0]!.statementIndex, 3);
    assertWitnesses(result, candidate, reference);
  });

  it('removing a condition fails: the witness carries another encryption context', () => {
    const { Condition: _removed, ...unconditioned } = appDecrypt;
    const candidate = policy(rootStatement, unconditioned, appEncrypt);
    const result = checkNoNewAccess(reference, candidate);
    assert.equal(result.result, 'FAIL');
    const reason = result.reasons.find((r) => r.witness.action === 'kms:Decrypt')!;
    assert.notEqual(reason.witness.encryptionContext?.team, 'billing');
    assertWitnesses(result, candidate, reference);
  });

  it('naming a role where only its account was named is new access; the reverse takes it away', () => {
    const accountOnly = policy(rootStatement);
    const roleNamed = policy(rootStatement, { Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:Decrypt', Resource: '*' });
    const result = checkNoNewAccess(accountOnly, roleNamed);
    assert.equal(result.result, 'FAIL');
    assert.ok(result.reasons.every((r) => r.witness.iam === 'none'), 'only a role without an IAM policy gains');
    assert.ok(result.reasons.some((r) => r.description.startsWith(`${APP} with no IAM policy may now kms:Decrypt`)));
    assertWitnesses(result, roleNamed, accountOnly);
    // Replacing the account by the role takes access away from everyone else in the account.
    assert.equal(checkNoNewAccess(accountOnly, policy({ Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:*', Resource: '*' })).result, 'FAIL');
    assert.equal(checkNoNewAccess(policy({ ...rootStatement }), policy({ ...rootStatement, Action: 'kms:Decrypt' })).result, 'PASS');
  });

  it('removing a Deny statement fails with a request the Deny stopped', () => {
    const deny: Statement = { Sid: 'NoPartnerOutsideOrg', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } } };
    const old = policy(rootStatement, { Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'kms:Decrypt', Resource: '*' }, deny);
    const candidate = policy(rootStatement, { Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'kms:Decrypt', Resource: '*' });
    const result = checkNoNewAccess(old, candidate);
    assert.equal(result.result, 'FAIL');
    assertWitnesses(result, candidate, old);
    assert.ok(result.reasons.every((r) => r.witness.context['aws:PrincipalOrgID'] !== 'o-exampleorgid'));
  });
});

const EXAMPLES = [
  'test/fixtures/policies/default-key-policy.json',
  'test/fixtures/policies/console-default-key-policy.json',
  'test/fixtures/policies/cloudtrail-default-key-policy.json',
  'test/fixtures/policies/cloudwatch-logs-key-policy.json',
  'test/fixtures/policies/organization-wide-key-policy.json',
  'test/fixtures/policies/service-principal-source-conditions-key-policy.json',
  'examples/key-policy.json',
  'examples/locked-down-key-policy.json',
];

/** The policy AWS gives an AWS managed key (here for EBS): anyone in the account, through the service only. */
const awsManagedKeyPolicy = policy(
  {
    Sid: 'Allow access through EBS for all principals in the account that are authorized to use EBS',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
    Resource: '*',
    Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
  },
  { Sid: 'Allow direct access to key metadata to the account', Effect: 'Allow', Principal: { AWS: ROOT }, Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'], Resource: '*' },
);

describe("AWS's example policies", () => {
  for (const file of EXAMPLES) {
    it(`${file}: against itself and reordered, no new access; not public`, () => {
      const document = load(file);
      assert.equal(checkNoNewAccess(document, document).result, 'PASS');
      const statements = [...(document.Statement as Statement[])].reverse();
      assert.equal(checkNoNewAccess(document, { ...document, Statement: statements }).result, 'PASS');
      assert.equal(checkNoPublicAccess(document).result, 'PASS', checkNoPublicAccess(document).reasons.map((r) => r.description).join('\n'));
    });
  }

  it('the AWS managed key policy (kms:CallerAccount with kms:ViaService) is not public', () => {
    assert.equal(checkNoPublicAccess(awsManagedKeyPolicy).result, 'PASS');
    assert.equal(checkNoNewAccess(awsManagedKeyPolicy, awsManagedKeyPolicy).result, 'PASS');
  });

  it('the organization-wide policy is not public, and without its aws:PrincipalOrgID it is', () => {
    const document = load('examples/organization-wide-key-policy.json');
    assert.equal(checkNoPublicAccess(document).result, 'PASS');
    const statements = (document.Statement as Statement[]).map((s) => (s.Sid?.toString().startsWith('Allow the organization') ? { ...s, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } } : s));
    const opened = { ...document, Statement: statements };
    const result = checkNoPublicAccess(opened);
    assert.equal(result.result, 'FAIL');
    assert.equal(result.reasons[0]!.statementIndex, 1);
    assertWitnesses(result, opened);
    const widening = checkNoNewAccess(document, opened);
    assert.equal(widening.result, 'FAIL');
    assertWitnesses(widening, opened, document);
  });

  it('the open-to-everyone fixture is public, through its ViaService-only statement', () => {
    const document = load('test/fixtures/policies/broken-open-to-everyone-key-policy.json');
    const result = checkNoPublicAccess(document);
    assert.equal(result.result, 'FAIL');
    assert.ok(result.reasons.some((r) => r.statementId === 'Allow everyone to decrypt' && r.witness.viaService === 'secretsmanager.us-east-1.amazonaws.com'));
    assertWitnesses(result, document);
  });
});

describe('check-no-public-access', () => {
  it('Principal "*" without a limiting condition is public: one reason per allowing statement', () => {
    const open = policy(rootStatement, { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
    const result = checkNoPublicAccess(open);
    assert.equal(result.result, 'FAIL');
    assert.deepEqual(result.reasons.map((r) => [r.statementIndex, r.witness.action]), [[1, 'kms:Decrypt']]);
    assertWitnesses(result, open);
  });

  it('anonymous callers are among the outside callers tried', () => {
    // Only a caller without an account lacks aws:PrincipalAccount.
    const anonymousOnly = policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { Null: { 'aws:PrincipalAccount': 'true' } } });
    const result = checkNoPublicAccess(anonymousOnly);
    assert.equal(result.result, 'FAIL');
    assert.equal(result.reasons[0]!.witness.principal, 'anonymous');
    assert.match(result.reasons[0]!.description, /^an anonymous caller may kms:Decrypt/);
    assertWitnesses(result, anonymousOnly);
  });

  it('named accounts and aws:PrincipalOrgID limits are not public', () => {
    assert.equal(checkNoPublicAccess(policy(rootStatement, { Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'kms:Decrypt', Resource: '*' })).result, 'PASS');
    assert.equal(checkNoPublicAccess(policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } })).result, 'PASS');
    assert.equal(checkNoPublicAccess(policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': [ACCOUNT, '444455556666'] } } })).result, 'PASS');
  });

  it('an aws:PrincipalArn pattern with a wildcard account is public', () => {
    const open = policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Backup' } } });
    const result = checkNoPublicAccess(open);
    assert.equal(result.result, 'FAIL');
    assert.equal(result.reasons[0]!.witness.principal, 'arn:aws:iam::999999999999:role/Backup');
    assertWitnesses(result, open);
  });
});

describe('check-access-not-granted', () => {
  it('fails when any principal may perform an action, passes when none may', () => {
    const result = checkAccessNotGranted(reference, ['kms:Decrypt', 'kms:ScheduleKeyDeletion']);
    assert.equal(result.result, 'FAIL');
    assert.deepEqual([...new Set(result.reasons.map((r) => r.witness.action))].sort(), ['kms:Decrypt', 'kms:ScheduleKeyDeletion']);
    assertWitnesses(result, reference);
    const appOnly = policy(appDecrypt, appEncrypt);
    assert.equal(checkAccessNotGranted(appOnly, ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']).result, 'PASS');
  });

  it('with principals, asks about those only', () => {
    const appOnly = policy(rootStatement, appDecrypt);
    const app = checkAccessNotGranted(appOnly, ['kms:Decrypt'], { principals: [APP] });
    assert.equal(app.result, 'FAIL');
    assert.ok(app.reasons.every((r) => r.witness.principal.includes('role/App') || r.witness.principal.includes('assumed-role/App/')));
    assert.equal(checkAccessNotGranted(appOnly, ['kms:Decrypt'], { principals: ['444455556666'] }).result, 'PASS');
    assert.equal(checkAccessNotGranted(appOnly, ['kms:Decrypt'], { principals: [ACCOUNT] }).result, 'FAIL');
  });

  it('accepts action patterns', () => {
    assert.equal(checkAccessNotGranted(policy(appDecrypt), ['kms:Generate*']).result, 'PASS');
    assert.equal(checkAccessNotGranted(policy(appEncrypt), ['kms:Generate*']).result, 'FAIL');
  });
});

describe('the environment counts', () => {
  const environment: Environment = {
    partition: 'aws',
    defaultRegion: 'us-east-1',
    accounts: [
      {
        id: '444455556666',
        organizationId: 'o-partnerorg1',
        serviceControlPolicies: [
          { orgIdentifier: 'r-partner', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] }] },
        ],
        resourceControlPolicies: [],
      },
    ],
    principals: [],
    keys: [],
  };

  it("an SCP that denies the partner's Decrypt makes adding the partner grant nothing new", () => {
    const candidate = policy(rootStatement, appDecrypt, appEncrypt, { Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'kms:Decrypt', Resource: '*' });
    assert.equal(checkNoNewAccess(reference, candidate).result, 'FAIL');
    assert.equal(checkNoNewAccess(reference, candidate, { environment }).result, 'PASS');
  });

  it('a grant in the environment allows what the key policy does not', () => {
    const withGrant: Environment = {
      ...environment,
      accounts: [],
      keys: [{ keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', account: ACCOUNT, region: 'us-east-1', aliases: [], grants: [{ granteePrincipal: APP, operations: ['Sign'] }], keySpec: 'SYMMETRIC_DEFAULT' }],
    };
    const result = checkAccessNotGranted(policy(rootStatement), ['kms:Sign'], { environment: withGrant, key: withGrant.keys[0], principals: [APP] });
    assert.equal(result.result, 'FAIL');
    assert.ok(result.reasons.some((r) => r.statementIndex === null && r.description.includes('a grant allows it')));
  });
});

describe('access diff', () => {
  it('says in words what a change grants and what it takes away', () => {
    const candidate = policy(rootStatement, appEncrypt, { Effect: 'Allow', Principal: { AWS: PARTNER }, Action: 'kms:Decrypt', Resource: '*' });
    const diff = accessDiff(reference, candidate);
    assert.ok(diff.lines.includes(`+ ${PARTNER} may now kms:Decrypt, any encryption context`), diff.lines.join('\n'));
    assert.ok(diff.lines.includes(`- ${APP} (with no IAM policy) may no longer kms:Decrypt, encryption context team=billing`), diff.lines.join('\n'));
    assert.ok(diff.lines.every((l) => l.startsWith('+ ') || l.startsWith('- ')));
    assert.deepEqual(accessDiff(reference, reference).lines, []);
  });
});

describe('StringLike patterns: where the partition is approximate', () => {
  const like = (pattern: string): Statement => ({ Effect: 'Allow', Principal: { AWS: APP }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:team': pattern } } });

  it('a wider pattern is new access, a narrower one is not', () => {
    const wider = checkNoNewAccess(policy(like('bill*')), policy(like('b*')));
    assert.equal(wider.result, 'FAIL');
    assert.ok(!wider.reasons[0]!.witness.encryptionContext!.team!.startsWith('bill'));
    assertWitnesses(wider, policy(like('b*')), policy(like('bill*')));
    assert.equal(checkNoNewAccess(policy(like('b*')), policy(like('bill*'))).result, 'PASS');
  });

  it('a? and a* are told apart by a longer instance of the pattern', () => {
    const result = checkNoNewAccess(policy(like('a?')), policy(like('a*')));
    assert.equal(result.result, 'FAIL');
    assertWitnesses(result, policy(like('a*')), policy(like('a?')));
  });

  it('known approximation: a value two patterns must match at once is not constructed', () => {
    // New access is exactly the values that start with "a" and end with "z" ("az"): the partition
    // tries instances of each pattern alone ("ax", "xz", ...), none of which is both, so this
    // check passes although it should fail. The README says so.
    const old = policy(like('a*'), { Effect: 'Deny', Principal: { AWS: APP }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:team': '*z' } } });
    assert.equal(checkNoNewAccess(old, policy(like('a*'))).result, 'PASS');
  });
});

describe('properties', () => {
  const principals = [ROOT, APP, PARTNER, 'arn:aws:iam::444455556666:role/Reader', '*', 'arn:aws:iam::555555555555:root'];
  const actions = ['kms:Decrypt', 'kms:Encrypt', 'kms:*', 'kms:Describe*', 'kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:ReEncrypt*'];
  const conditions = [
    undefined,
    { StringEquals: { 'kms:EncryptionContext:team': 'billing' } },
    { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } },
    { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    { StringNotEquals: { 'kms:CallerAccount': ACCOUNT } },
    { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  ];
  const statement = fc.record({
    Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
    Principal: fc.constantFrom(...principals).map((p) => (p === '*' ? '*' : { AWS: p })),
    Action: fc.subarray(actions, { minLength: 1, maxLength: 3 }),
    Resource: fc.constant('*'),
    Condition: fc.constantFrom(...conditions),
  }).map(({ Condition, ...rest }) => (Condition ? { ...rest, Condition } : rest));
  const policies = fc.array(statement, { minLength: 1, maxLength: 4 }).map((statements) => policy(...statements.map((s) => JSON.parse(JSON.stringify(s)) as Statement)));

  it('NEW = OLD always passes', () => {
    fc.assert(fc.property(policies, (p) => checkNoNewAccess(p, p).result === 'PASS'), { numRuns: 40 });
  });

  it('adding an Allow statement for a new principal always fails', () => {
    fc.assert(
      fc.property(policies, fc.constantFrom('kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey'), (p, action) => {
        // A principal is new only when no statement already allows everyone.
        fc.pre(!(p.Statement as Statement[]).some((s) => s.Effect === 'Allow' && s.Principal === '*'));
        const newcomer = `arn:aws:iam::${ACCOUNT}:role/Newcomer`;
        const candidate = policy(...(p.Statement as Statement[]), { Effect: 'Allow', Principal: { AWS: newcomer }, Action: action, Resource: '*' });
        // In the key's account: naming a role directly is new access there (across accounts the role needs IAM either way).
        const result = checkNoNewAccess(p, candidate, { keyAccount: ACCOUNT });
        // An unconditional Deny that reaches the newcomer (everyone, or its account) stops every request of it.
        const denied = (p.Statement as Statement[]).some(
          (s) => s.Effect === 'Deny' && (s.Principal === '*' || (s.Principal as { AWS: string }).AWS === ROOT) && !s.Condition && (s.Action as string[]).some((a) => actionMatches(a, action)),
        );
        return denied || result.result === 'FAIL';
      }),
      { numRuns: 40 },
    );
  });

  it('no false PASS: when a concrete request is allowed by NEW and not by OLD, the check fails', () => {
    const takesContext = (action: string) => kmsCatalog().action(action)!.conditionKeys.some((k) => k.startsWith('kms:EncryptionContext:'));
    // Requests drawn from the generator's own vocabulary, replayed exactly as a witness would be.
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
    const callers: { principal: string; iam: 'none' | 'allows-all-kms' | 'not-applicable' }[] = [
      { principal: ROOT, iam: 'not-applicable' },
      { principal: APP, iam: 'none' },
      { principal: APP, iam: 'allows-all-kms' },
      { principal: `arn:aws:sts::${ACCOUNT}:assumed-role/App/s1`, iam: 'none' },
      { principal: 'arn:aws:iam::444455556666:role/Reader', iam: 'allows-all-kms' },
      { principal: 'arn:aws:iam::555555555555:role/Someone', iam: 'allows-all-kms' },
      { principal: 'anonymous', iam: 'not-applicable' },
    ];
    const requests = callers.flatMap((caller) =>
      ['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:CreateGrant'].flatMap((action) =>
        // An encryption context only on the operations whose requests carry one.
        (takesContext(action) ? [undefined, { team: 'billing' }, { team: 'ops' }] : [undefined]).flatMap((encryptionContext) =>
          ([{}, { 'aws:PrincipalOrgID': 'o-exampleorgid' }] as Record<string, string>[]).flatMap((context) =>
            [undefined, 's3.us-east-1.amazonaws.com'].map((viaService) => ({ ...caller, action, alikeActions: [], keyArn, context, ...(encryptionContext ? { encryptionContext } : {}), ...(viaService ? { viaService } : {}) })),
          ),
        ),
      ),
    );
    fc.assert(
      fc.property(policies, policies, (old, candidate) => {
        const options = { keyAccount: ACCOUNT };
        const gained = requests.find((r) => replayWitness(candidate, r, options).decision === 'Allow' && replayWitness(old, r, options).decision !== 'Allow');
        if (gained) assert.equal(checkNoNewAccess(old, candidate, options).result, 'FAIL', JSON.stringify(gained));
        return true;
      }),
      { numRuns: 25 },
    );
  });

  it('every FAIL witness is allowed by NEW and not by OLD when re-simulated', () => {
    fc.assert(
      fc.property(policies, policies, (old, candidate) => {
        const result = checkNoNewAccess(old, candidate);
        assertWitnesses(result, candidate, old);
        return true;
      }),
      { numRuns: 40 },
    );
  });
});
