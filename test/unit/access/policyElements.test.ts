// Policy variables, wildcards, NotAction / NotResource / NotPrincipal and defensive parsing,
// each citing the IAM User Guide sentence it follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePolicy } from '../../../server/src/core/access/policyDocument';
import { substituteVariables } from '../../../server/src/core/access/policyVariables';
import type { ContextValue } from '../../../server/src/core/access/requestContext';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { actionMatches, arnMatches } from '../../../server/src/core/access/wildcardMatcher';
import { ACCOUNT, ALICE, APP_ROLE, APP_SESSION, KEY_ARN, allow, deny, policy, scenario } from './scenarioFixtures';

function ctx(entries: Record<string, string>): Map<string, ContextValue> {
  return new Map(Object.entries(entries).map(([name, value]) => [name.toLowerCase(), { name, values: [value], multiValued: false }]));
}

describe('policy variables', () => {
  it('substitutes ${aws:username} and ${aws:PrincipalTag/team} from the request context', () => {
    const context = ctx({ 'aws:username': 'alice', 'aws:PrincipalTag/team': 'billing' });
    assert.equal(substituteVariables('arn:aws:kms:*:*:alias/${aws:username}-*', context), 'arn:aws:kms:*:*:alias/alice-*');
    assert.equal(substituteVariables('${aws:PrincipalTag/team}', context), 'billing');
  });
  it('uses the default value when the key is absent ("${aws:username, \'nobody\'}")', () => {
    assert.equal(substituteVariables("team-${aws:PrincipalTag/team, 'none'}", ctx({})), 'team-none');
  });
  it('an absent key without default makes the value match nothing (IAM User Guide, Policy variables: a variable whose key is absent cannot match)', () => {
    assert.equal(substituteVariables('${aws:username}', ctx({})), undefined);
  });
  it('${*}, ${?} and ${$} stand for the literal characters (IAM User Guide, Policy variables: special characters)', () => {
    const p = policy(allow('kms:Decrypt', 'arn:aws:kms:us-west-2:111122223333:key/${*}'));
    // A literal asterisk in the ARN matches only a literal asterisk, not any key id.
    const result = simulateAccess(scenario({ identityPolicies: [p] }));
    assert.equal(result.decision, 'ImplicitDeny');
    assert.equal(substituteVariables('a${$}b', ctx({})), 'a$b');
  });
  it('variables work only in Version 2012-10-17 policies (IAM User Guide, Policy variables: they need Version 2012-10-17); in 2008-10-17 they are literal text', () => {
    const resource = `arn:aws:kms:us-west-2:${ACCOUNT}:key/\${aws:username}`;
    const modern = simulateAccess(scenario({ identityPolicies: [policy(allow('kms:Decrypt', resource))], request: { context: { 'aws:username': KEY_ARN.split('/')[1] } } }));
    assert.equal(modern.decision, 'Allow');
    const legacy = simulateAccess(scenario({ identityPolicies: [{ Version: '2008-10-17', Statement: [allow('kms:Decrypt', resource)] }], request: { context: { 'aws:username': KEY_ARN.split('/')[1] } } }));
    assert.equal(legacy.decision, 'ImplicitDeny');
  });
  it('variables in condition values are substituted', () => {
    const p = policy(allow('kms:Decrypt', '*', { Condition: { StringEquals: { 'kms:EncryptionContext:owner': '${aws:username}' } } }));
    assert.equal(simulateAccess(scenario({ identityPolicies: [p], request: { encryptionContext: { owner: 'alice' } } })).decision, 'Allow');
    assert.equal(simulateAccess(scenario({ identityPolicies: [p], request: { encryptionContext: { owner: 'bob' } } })).decision, 'ImplicitDeny');
  });
});

describe('wildcards in actions and ARNs', () => {
  it('action names are case-insensitive and take wildcards ("kms:Describe*")', () => {
    assert.equal(actionMatches('kms:Describe*', 'kms:DescribeKey'), true);
    assert.equal(actionMatches('KMS:decrypt', 'kms:Decrypt'), true);
    assert.equal(actionMatches('kms:ReEncrypt*', 'kms:Decrypt'), false);
    assert.equal(actionMatches('kms:*', 'kms:ScheduleKeyDeletion'), true);
  });
  it('ARN wildcards stay within one component', () => {
    assert.equal(arnMatches('arn:aws:kms:*:111122223333:key/*', KEY_ARN), true);
    assert.equal(arnMatches('arn:aws:kms:us-west-2:*:key/*', KEY_ARN), true);
    assert.equal(arnMatches('arn:aws:kms:us-east-1:*:key/*', KEY_ARN), false);
    assert.equal(arnMatches('arn:aws:kms:*:*:alias/*', KEY_ARN), false);
  });
});

describe('NotAction, NotResource and NotPrincipal', () => {
  it('NotAction matches every action except those listed ("NotAction ... matches everything except the specified list of actions")', () => {
    const p = policy({ Effect: 'Allow', NotAction: ['kms:ScheduleKeyDeletion', 'kms:Delete*'], Resource: '*' });
    assert.equal(simulateAccess(scenario({ identityPolicies: [p] })).decision, 'Allow');
    assert.equal(simulateAccess(scenario({ identityPolicies: [p], request: { action: 'kms:ScheduleKeyDeletion' } })).decision, 'ImplicitDeny');
  });
  it('NotResource matches every resource except those listed', () => {
    const p = policy({ Effect: 'Deny', Action: 'kms:*', NotResource: KEY_ARN }, allow('kms:*'));
    assert.equal(simulateAccess(scenario({ identityPolicies: [p] })).decision, 'Allow');
    const other = policy({ Effect: 'Deny', Action: 'kms:*', NotResource: 'arn:aws:kms:us-west-2:111122223333:key/other' }, allow('kms:*'));
    assert.equal(simulateAccess(scenario({ identityPolicies: [other] })).decision, 'ExplicitDeny');
  });
  it('NotPrincipal with Deny denies everyone except the listed principals (IAM User Guide, NotPrincipal)', () => {
    const keyPolicy = policy(
      { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', NotPrincipal: { AWS: [APP_ROLE] }, Action: 'kms:Decrypt', Resource: '*' },
    );
    assert.equal(simulateAccess(scenario({ keyPolicy })).decision, 'ExplicitDeny');
    const excludingSession = policy(
      { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', NotPrincipal: { AWS: [APP_SESSION, APP_ROLE, `arn:aws:iam::${ACCOUNT}:root`] }, Action: 'kms:Decrypt', Resource: '*' },
    );
    assert.equal(simulateAccess(scenario({ keyPolicy: excludingSession, request: { principal: APP_SESSION } })).decision, 'Allow');
  });
  it('Deny with NotPrincipal naming a role and its account but not the session denies the session: to exclude it "specify the assumed-role session ARN" (IAM User Guide, NotPrincipal)', () => {
    const keyPolicy = policy(
      { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', NotPrincipal: { AWS: [APP_ROLE, `arn:aws:iam::${ACCOUNT}:root`] }, Action: 'kms:Decrypt', Resource: '*' },
    );
    assert.equal(simulateAccess(scenario({ keyPolicy, request: { principal: APP_SESSION } })).decision, 'ExplicitDeny');
  });
});

describe('principals', () => {
  it('a wildcard inside a principal ARN matches nothing, and the trace says what to use instead (IAM User Guide, Principal: wildcards cannot be used for part of a principal ARN)', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/App*' }, Action: 'kms:*', Resource: '*' });
    const result = simulateAccess(scenario({ keyPolicy, request: { principal: APP_SESSION } }));
    assert.equal(result.decision, 'ImplicitDeny');
    assert.match(result.trace.policies[0].statements[0].reason!.message, /use a condition on aws:PrincipalArn instead/);
  });
});

describe('NotPrincipal and permissions boundaries', () => {
  it('"The NotPrincipal element with a Deny effect will always deny any IAM principal that has a permissions boundary policy attached, regardless of the values specified in the NotPrincipal element."', () => {
    const keyPolicy = policy(
      { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', NotPrincipal: { AWS: ALICE }, Action: 'kms:*', Resource: '*' },
    );
    assert.equal(simulateAccess(scenario({ keyPolicy })).decision, 'Allow');
    assert.equal(simulateAccess(scenario({ keyPolicy, permissionBoundary: policy(allow('kms:*')) })).decision, 'ExplicitDeny');
  });
});

describe('defensive parsing', () => {
  it('accepts a single Statement object and string-or-array elements', () => {
    const p = normalizePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: ['*'] } });
    assert.equal(p.statements.length, 1);
    assert.deepEqual(p.statements[0].action, ['kms:Decrypt']);
  });
  it('reports a document that is not an object, without throwing', () => {
    for (const bad of [null, 42, 'not json', [], { Statement: 'x' }]) {
      const result = simulateAccess(scenario({ keyPolicy: bad }));
      assert.equal(result.decision, 'ImplicitDeny');
      assert.ok(result.trace.policies[0].problems?.length, `problems reported for ${JSON.stringify(bad)}`);
    }
  });
  it('a malformed statement never matches and the trace says why', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 42, Resource: '*' }, { Effect: 'Permit', Principal: '*', Action: 'kms:*', Resource: '*' });
    const result = simulateAccess(scenario({ keyPolicy }));
    assert.equal(result.decision, 'ImplicitDeny');
    const statements = result.trace.policies[0].statements;
    assert.match(statements[0].reason!.message, /Action must be a string or an array of strings/);
    assert.match(statements[1].reason!.message, /Effect must be "Allow" or "Deny"/);
  });
  it('a deny in a statement with an unknown condition operator does not apply', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:*', Resource: '*' }, deny('kms:*', '*', { Principal: '*', Condition: { StringEqualsMaybe: { 'aws:username': 'alice' } } }));
    assert.equal(simulateAccess(scenario({ keyPolicy })).decision, 'Allow');
  });
});

describe('the one wildcard matcher', () => {
  it('policy text never becomes a backtracking RegExp: a pattern of many `*` against a long value answers', { timeout: 10_000 }, () => {
    const pattern = `${'a*'.repeat(40)}b`;
    assert.equal(actionMatches(pattern, 'a'.repeat(5000)), false);
    assert.equal(arnMatches(`arn:aws:iam::111122223333:role/${'x*'.repeat(40)}y`, `arn:aws:iam::111122223333:role/${'x'.repeat(5000)}`), false);
  });
  it('`?` is one character (even outside the BMP), `${*}` and `${?}` are literal, and case counts where IAM says it does', () => {
    assert.equal(arnMatches('arn:aws:iam::111122223333:user/?', 'arn:aws:iam::111122223333:user/\u{1F511}'), true);
    assert.equal(arnMatches('arn:aws:iam::111122223333:user/\uE000', 'arn:aws:iam::111122223333:user/*'), true);
    assert.equal(arnMatches('arn:aws:iam::111122223333:user/\uE000', 'arn:aws:iam::111122223333:user/alice'), false);
    assert.equal(actionMatches('KMS:decrypt', 'kms:Decrypt'), true);
    assert.equal(arnMatches('arn:aws:iam::111122223333:user/Alice', 'arn:aws:iam::111122223333:user/alice'), false);
  });
});
