// The rules of AWS KMS access evaluation, one test (or a few) per rule, each citing the AWS
// documentation sentence it follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { resolveKey as resolveEngineKey } from '../../../server/src/core/engine/keyIdentifiers';
import type { EngineState } from '../../../server/src/core/engine/engineState';
import type { AccessScenario } from '../../../server/src/core/access/scenario';
import {
  ACCOUNT,
  ALICE,
  APP_ROLE,
  APP_SESSION,
  DEFAULT_KEY_POLICY,
  KEY,
  KEY_ARN,
  KEY_ID,
  OTHER_ACCOUNT,
  OTHER_ROLE,
  OTHER_SESSION,
  ROOT,
  allow,
  deny,
  grant,
  policy,
  scenario,
} from './scenarioFixtures';

const ALLOW_ALL = policy(allow('*'));
const allowAlice = (extra: object = {}) => ({ Sid: 'AliceUsesKey', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:*', Resource: '*', ...extra });

describe('key resolution', () => {
  it('a key id resolves in the caller\'s account and Region', () => {
    assert.equal(simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], request: { keyIdAsGiven: KEY_ID } })).decision, 'Allow');
  });
  it('"To specify a KMS key in a different AWS account, you must use its key ARN or alias ARN" (KMS API Reference, KeyId): a key id from another account is NotFoundException', () => {
    const result = simulateAccess(scenario({ request: { principal: OTHER_SESSION, keyIdAsGiven: KEY_ID } }));
    assert.equal(result.error, 'NotFoundException');
    assert.equal(result.errorMessage, `Key 'arn:aws:kms:us-west-2:${OTHER_ACCOUNT}:key/${KEY_ID}' does not exist`);
    assert.equal(result.decision, 'NotApplicable');
  });
  it('an alias name resolves in the caller\'s account and Region; an unknown alias is NotFoundException', () => {
    assert.equal(simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], request: { keyIdAsGiven: 'alias/app-key' } })).decision, 'Allow');
    const missing = simulateAccess(scenario({ request: { keyIdAsGiven: 'alias/nope' } }));
    assert.equal(missing.error, 'NotFoundException');
    assert.equal(missing.errorMessage, `Alias arn:aws:kms:us-west-2:${ACCOUNT}:alias/nope is not found.`);
  });
  it('an alias ARN names its own account and Region', () => {
    const r = simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], request: { keyIdAsGiven: `arn:aws:kms:us-west-2:${ACCOUNT}:alias/app-key` } }));
    assert.equal(r.decision, 'Allow');
  });
  it('a key id in another Region does not resolve', () => {
    const r = simulateAccess(scenario({ request: { keyIdAsGiven: KEY_ID, region: 'eu-west-1' } }));
    assert.equal(r.error, 'NotFoundException');
  });
  it('the simulator reads a KeyId as the engine does: an ARN of another Region is "Invalid arn", a malformed id "Invalid keyId"', () => {
    const state = { keys: {}, aliases: {} } as unknown as EngineState;
    const engineSays = (given: string, region: string) => {
      try {
        resolveEngineKey(state, given, { partition: 'aws', region, account: ACCOUNT });
        return 'found';
      } catch (error) {
        return (error as Error).message;
      }
    };
    for (const [given, region] of [[KEY_ARN, 'eu-west-1'], ['not-a-key-id', 'us-west-2'], [`arn:aws:kms:us-west-2:${ACCOUNT}:key/not-an-id`, 'us-west-2'], ['arn:aws:kms:us-west-2:12:key/x', 'us-west-2']] as const) {
      const r = simulateAccess(scenario({ request: { keyIdAsGiven: given, region } }));
      assert.equal(r.error, 'NotFoundException', given);
      assert.equal(r.errorMessage, engineSays(given, region), given);
    }
    assert.equal(engineSays(KEY_ARN, 'eu-west-1'), 'Invalid arn us-west-2');
    assert.equal(engineSays('not-a-key-id', 'us-west-2'), "Invalid keyId 'not-a-key-id'");
  });
});

describe('request context derived from the request', () => {
  const context = (s: AccessScenario) => simulateAccess(s).context;
  it('sets kms:CallerAccount, the encryption context keys and kms:EncryptionContextKeys', () => {
    const c = context(scenario({ request: { encryptionContext: { Team: 'billing', record: '7' } } }));
    assert.equal(c['kms:CallerAccount'], ACCOUNT);
    assert.equal(c['kms:EncryptionContext:Team'], 'billing');
    assert.deepEqual(c['kms:EncryptionContextKeys'], ['Team', 'record']);
  });
  it('encryption context key names in condition keys are not case sensitive (KMS Developer Guide, kms:EncryptionContext:context-key): a condition on ...:team matches a Team key', () => {
    const keyPolicy = policy(allowAlice({ Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing' } } }));
    assert.equal(simulateAccess(scenario({ keyPolicy, request: { encryptionContext: { Team: 'billing' } } })).decision, 'Allow');
  });
  it('encryption context values are case sensitive (KMS Developer Guide, kms:EncryptionContext:context-key): billing does not match Billing', () => {
    const keyPolicy = policy(allowAlice({ Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing' } } }));
    assert.equal(simulateAccess(scenario({ keyPolicy, request: { encryptionContext: { team: 'Billing' } } })).decision, 'ImplicitDeny');
  });
  it('sets the key\'s properties: kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion, kms:ResourceAliases', () => {
    const c = context(scenario({ key: { ...KEY, multiRegion: true, multiRegionKeyType: 'REPLICA', origin: 'EXTERNAL' } }));
    assert.equal(c['kms:KeySpec'], 'SYMMETRIC_DEFAULT');
    assert.equal(c['kms:KeyUsage'], 'ENCRYPT_DECRYPT');
    assert.equal(c['kms:KeyOrigin'], 'EXTERNAL');
    assert.equal(c['kms:MultiRegion'], 'true');
    assert.equal(c['kms:MultiRegionKeyType'], 'REPLICA');
    assert.deepEqual(c['kms:ResourceAliases'], ['alias/app-key']);
    assert.equal(c['aws:ResourceAccount'], ACCOUNT);
  });
  it('sets kms:RequestAlias when the caller named an alias, and kms:ViaService for a service call', () => {
    const c = context(scenario({ request: { keyIdAsGiven: 'alias/app-key', viaService: 's3.us-west-2.amazonaws.com' } }));
    assert.equal(c['kms:RequestAlias'], 'alias/app-key');
    assert.equal(c['kms:ViaService'], 's3.us-west-2.amazonaws.com');
  });
  it('sets kms:GrantIsForAWSResource for grant requests: true only when an AWS service calls for the caller', () => {
    assert.equal(context(scenario({ request: { action: 'kms:CreateGrant', viaService: 'ec2.us-west-2.amazonaws.com' } }))['kms:GrantIsForAWSResource'], 'true');
    assert.equal(context(scenario({ request: { action: 'kms:ListGrants' } }))['kms:GrantIsForAWSResource'], 'false');
    assert.equal(context(scenario())['kms:GrantIsForAWSResource'], undefined);
  });
  it('sets the grant keys of a CreateGrant request', () => {
    const c = context(scenario({ request: { action: 'kms:CreateGrant', grant: { granteePrincipal: APP_ROLE, retiringPrincipal: ALICE, operations: ['Decrypt', 'Encrypt'], constraints: { encryptionContextSubset: { a: 'b' } } } } }));
    assert.equal(c['kms:GranteePrincipal'], APP_ROLE);
    assert.equal(c['kms:RetiringPrincipal'], ALICE);
    assert.deepEqual(c['kms:GrantOperations'], ['Decrypt', 'Encrypt']);
    assert.equal(c['kms:GrantConstraintType'], 'EncryptionContextSubset');
  });
  it('sets the principal keys: aws:PrincipalArn of a role session is the role\'s ARN (IAM User Guide, aws:PrincipalArn)', () => {
    const c = context(scenario({ request: { principal: APP_SESSION } }));
    assert.equal(c['aws:PrincipalArn'], APP_ROLE);
    assert.equal(c['aws:PrincipalType'], 'AssumedRole');
    assert.equal(c['aws:PrincipalAccount'], ACCOUNT);
    const user = context(scenario());
    assert.equal(user['aws:username'], 'alice');
    assert.equal(user['aws:PrincipalType'], 'User');
    assert.equal(user['aws:SecureTransport'], 'true');
    assert.match(String(user['aws:CurrentTime']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
  it('the scenario\'s context adds keys and wins over derived ones', () => {
    const c = context(scenario({ request: { context: { 'aws:SourceVpc': 'vpc-1', 'aws:SecureTransport': false } } }));
    assert.equal(c['aws:SourceVpc'], 'vpc-1');
    assert.equal(c['aws:SecureTransport'], 'false');
  });
});

describe('explicit deny wins', () => {
  const base = { keyPolicy: policy(allowAlice()), identityPolicies: [ALLOW_ALL] };
  const cases: [string, Partial<AccessScenario>, string][] = [
    ['key policy', { keyPolicy: policy(allowAlice(), deny('kms:Decrypt', '*', { Principal: '*' })) }, 'with an explicit deny in a resource-based policy'],
    ['identity policy', { identityPolicies: [policy(allow('kms:*'), deny('kms:Decrypt'))] }, 'with an explicit deny in an identity-based policy'],
    ['permissions boundary', { permissionBoundary: policy(allow('kms:*'), deny('kms:Decrypt')) }, 'with an explicit deny in a permissions boundary'],
    ['SCP', { serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [ALLOW_ALL, policy(deny('kms:Decrypt'))] }] }, 'with an explicit deny in a service control policy'],
    ['RCP', { resourceControlPolicies: [{ orgIdentifier: 'r-root', policies: [policy(deny('kms:Decrypt', '*', { Principal: '*' }))] }] }, 'with an explicit deny in a resource control policy'],
  ];
  for (const [where, overrides, text] of cases) {
    it(`"An explicit deny in any of the policies overrides the allow": a deny in the ${where}`, () => {
      const r = simulateAccess(scenario({ ...base, ...overrides }));
      assert.equal(r.decision, 'ExplicitDeny');
      assert.equal(r.error, 'AccessDeniedException');
      assert.equal(r.errorMessage, `User: ${ALICE} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} ${text}`);
    });
  }
  it('a deny in a session policy denies the session', () => {
    const r = simulateAccess(scenario({ keyPolicy: DEFAULT_KEY_POLICY, identityPolicies: [ALLOW_ALL], sessionPolicy: policy(deny('kms:*')), request: { principal: APP_SESSION } }));
    assert.equal(r.decision, 'ExplicitDeny');
    assert.match(r.errorMessage!, /with an explicit deny in a session policy$/);
  });
  it('"You can use an IAM policy to deny a permission to a KMS key without permission from a key policy"', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), identityPolicies: [policy(deny('kms:Decrypt'))] }));
    assert.equal(r.decision, 'ExplicitDeny');
  });
  it('the denying statements are marked deciding in the trace', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice(), { Sid: 'NoDecrypt', ...deny('kms:Decrypt', '*', { Principal: '*' }) }) }));
    const decidingSids = r.trace.policies[0].statements.filter((s) => s.deciding).map((s) => s.sid);
    assert.deepEqual(decidingSids, ['NoDecrypt']);
  });
});

describe('grants', () => {
  it('a grant alone lets its grantee use the key, without key policy or IAM permission (KMS Developer Guide, Grants in AWS KMS)', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:DescribeKey', Resource: '*' }), grants: [grant()] }));
    assert.equal(r.decision, 'Allow');
    assert.equal(r.allowedBy, 'grant');
    assert.equal(r.trace.grants[0].deciding, true);
  });
  it('grants never deny, and a deny in the key policy wins over a grant (KMS Developer Guide, Grants in AWS KMS: grants only allow)', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(deny('kms:Decrypt', '*', { Principal: '*' })), grants: [grant()] }));
    assert.equal(r.decision, 'ExplicitDeny');
  });
  it('a grant allows only its operations', () => {
    const r = simulateAccess(scenario({ grants: [grant({ operations: ['Encrypt'] })] }));
    assert.equal(r.decision, 'ImplicitDeny');
    assert.match(r.trace.grants[0].reason!, /do not include Decrypt/);
  });
  it('EncryptionContextEquals needs the request\'s encryption context to be exactly the constraint, case-sensitive (KMS Developer Guide, Grant constraints)', () => {
    const g = grant({ constraints: { encryptionContextEquals: { team: 'billing' } } });
    assert.equal(simulateAccess(scenario({ grants: [g], request: { encryptionContext: { team: 'billing' } } })).decision, 'Allow');
    assert.equal(simulateAccess(scenario({ grants: [g], request: { encryptionContext: { team: 'billing', extra: 'x' } } })).decision, 'ImplicitDeny');
    assert.equal(simulateAccess(scenario({ grants: [g], request: { encryptionContext: { team: 'Billing' } } })).decision, 'ImplicitDeny');
  });
  it('EncryptionContextSubset needs the request\'s encryption context to include the constraint\'s pairs (KMS Developer Guide, Grant constraints)', () => {
    const g = grant({ constraints: { encryptionContextSubset: { team: 'billing' } } });
    assert.equal(simulateAccess(scenario({ grants: [g], request: { encryptionContext: { team: 'billing', extra: 'x' } } })).decision, 'Allow');
    assert.equal(simulateAccess(scenario({ grants: [g], request: { encryptionContext: { extra: 'x' } } })).decision, 'ImplicitDeny');
  });
  it('constraints do not restrict operations without an encryption context (DescribeKey)', () => {
    const g = grant({ operations: ['DescribeKey'], constraints: { encryptionContextSubset: { team: 'billing' } } });
    assert.equal(simulateAccess(scenario({ grants: [g], request: { action: 'kms:DescribeKey' } })).decision, 'Allow');
  });
  it('a grant to a role applies to its sessions', () => {
    assert.equal(simulateAccess(scenario({ grants: [grant({ granteePrincipal: APP_ROLE })], request: { principal: APP_SESSION } })).decision, 'Allow');
  });
  it('"if grant that is so new that it is not yet known to all of AWS KMS, the request might fail": a grant not yet consistent needs its grant token', () => {
    const g = grant({ grantToken: 'token-1' });
    assert.equal(simulateAccess(scenario({ grants: [g] })).decision, 'ImplicitDeny');
    assert.equal(simulateAccess(scenario({ grants: [g], request: { grantTokens: ['token-1'] } })).decision, 'Allow');
  });
  it('"the grant constraints in child grants must be equally restrictive or more restrictive than those in the parent grant"', () => {
    const g = grant({ operations: ['Decrypt', 'CreateGrant'], constraints: { encryptionContextSubset: { team: 'billing' } } });
    const ask = (constraints?: object) =>
      simulateAccess(scenario({ grants: [g], request: { action: 'kms:CreateGrant', grant: { granteePrincipal: APP_ROLE, operations: ['Decrypt'], constraints } } })).decision;
    assert.equal(ask(), 'ImplicitDeny');
    assert.equal(ask({ encryptionContextSubset: { team: 'finance' } }), 'ImplicitDeny');
    assert.equal(ask({ encryptionContextSubset: { team: 'billing', record: '7' } }), 'Allow');
    assert.equal(ask({ encryptionContextEquals: { team: 'billing' } }), 'Allow');
  });
  it('"The grantee principal can use this permission to create a grant that includes any subset of the operations specified in the parent grant"', () => {
    const g = grant({ operations: ['Decrypt', 'CreateGrant'] });
    const ask = (operations: string[]) => simulateAccess(scenario({ grants: [g], request: { action: 'kms:CreateGrant', grant: { granteePrincipal: APP_ROLE, operations } } })).decision;
    assert.equal(ask(['Decrypt']), 'Allow');
    assert.equal(ask(['Decrypt', 'Encrypt']), 'ImplicitDeny');
  });
});

describe('organization policies', () => {
  it('every SCP level from the root down must allow (AWS Organizations User Guide, SCP evaluation): a level without an allow denies', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [ALLOW_ALL] }, { orgIdentifier: 'ou-dev', policies: [policy(allow('s3:*'))] }] }));
    assert.equal(r.decision, 'ImplicitDeny');
    assert.match(r.errorMessage!, /because no service control policy allows the kms:Decrypt action$/);
    assert.match(r.summary, /ou-dev/);
  });
  it('SCPs apply to the root user of a member account', () => {
    const r = simulateAccess(scenario({ request: { principal: ROOT }, serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [policy(deny('kms:Decrypt'), allow('*'))] }] }));
    assert.equal(r.decision, 'ExplicitDeny');
  });
  it('RCPs do not apply to AWS managed keys (AWS Organizations User Guide, Resource control policies)', () => {
    const rcp = [{ orgIdentifier: 'r-root', policies: [policy(deny('kms:*', '*', { Principal: '*' }))] }];
    assert.equal(simulateAccess(scenario({ keyPolicy: policy(allowAlice()), resourceControlPolicies: rcp })).decision, 'ExplicitDeny');
    assert.equal(simulateAccess(scenario({ keyPolicy: policy(allowAlice()), resourceControlPolicies: rcp, key: { ...KEY, keyManager: 'AWS' } })).decision, 'Allow');
  });
  it('SCPs do not apply to AWS service principals, but RCPs do: "Resource control policies in your organization do not apply to AWS managed keys" is the only exemption', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*' });
    const request = { principal: 'cloudtrail.amazonaws.com', action: 'kms:GenerateDataKey' };
    const scpOnly = simulateAccess(scenario({ keyPolicy, request, serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: [policy(deny('kms:*'))] }] }));
    assert.equal(scpOnly.decision, 'Allow');
    // A data-perimeter RCP (confused-deputy protection) denies a service acting for another account.
    const perimeter = [{ orgIdentifier: 'r-root', policies: [policy(deny('kms:*', '*', { Principal: '*', Condition: { StringNotEqualsIfExists: { 'aws:SourceAccount': ACCOUNT }, Bool: { 'aws:PrincipalIsAWSService': 'true' } } }))] }];
    const confused = simulateAccess(scenario({ keyPolicy, request: { ...request, context: { 'aws:SourceAccount': OTHER_ACCOUNT } }, resourceControlPolicies: perimeter }));
    assert.equal(confused.decision, 'ExplicitDeny');
    const own = simulateAccess(scenario({ keyPolicy, request: { ...request, context: { 'aws:SourceAccount': ACCOUNT } }, resourceControlPolicies: perimeter }));
    assert.equal(own.decision, 'Allow');
    const managed = simulateAccess(scenario({ keyPolicy, key: { ...KEY, keyManager: 'AWS' }, request: { ...request, context: { 'aws:SourceAccount': OTHER_ACCOUNT } }, resourceControlPolicies: perimeter }));
    assert.equal(managed.decision, 'Allow', 'RCPs do not apply to AWS managed keys');
  });
  it('"The kms:RetireGrant permission is not effective in an RCP"', () => {
    const g = grant({ retiringPrincipal: ALICE });
    const r = simulateAccess(scenario({
      request: { action: 'kms:RetireGrant', grantId: g.grantId },
      grants: [g],
      resourceControlPolicies: [{ orgIdentifier: 'r-root', policies: [policy(deny('kms:*', '*', { Principal: '*' }))] }],
    }));
    assert.equal(r.decision, 'Allow');
  });
  it('RCP levels allow by default: RCPFullAWSAccess is attached to every level and cannot be detached (AWS Organizations User Guide, RCPs)', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), resourceControlPolicies: [{ orgIdentifier: 'r-root', policies: [] }] }));
    assert.equal(r.decision, 'Allow');
  });
});

describe('allow paths', () => {
  it('"Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key"', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:*', Resource: '*' }), identityPolicies: [ALLOW_ALL] }));
    assert.equal(r.decision, 'ImplicitDeny');
    assert.equal(r.errorMessage, `User: ${ALICE} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no resource-based policy allows the kms:Decrypt action`);
    // The summary says why the IAM policy that allows it does not count.
    assert.match(r.summary, /an IAM policy allows it, but IAM policies alone are insufficient: the key policy neither names the caller nor lets IAM policies in account 111122223333 control access/);
    const withoutIam = simulateAccess(scenario({ keyPolicy: policy({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:*', Resource: '*' }) }));
    assert.doesNotMatch(withoutIam.summary, /IAM policies alone/);
  });
  it('a key policy statement naming the caller allows without any IAM policy', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice()) }));
    assert.equal(r.decision, 'Allow');
    assert.equal(r.allowedBy, 'key-policy');
  });
  it('the account principal only delegates, IAM must allow (KMS Developer Guide, default key policy: it "does not by itself give any IAM users or roles access")', () => {
    const denied = simulateAccess(scenario());
    assert.equal(denied.decision, 'ImplicitDeny');
    assert.match(denied.errorMessage!, /because no identity-based policy allows the kms:Decrypt action$/);
    const allowed = simulateAccess(scenario({ identityPolicies: [policy(allow('kms:Decrypt', KEY_ARN))] }));
    assert.equal(allowed.decision, 'Allow');
    assert.equal(allowed.allowedBy, 'key-policy-and-iam');
  });
  it('the account root user is allowed by the statement naming its account', () => {
    assert.equal(simulateAccess(scenario({ request: { principal: ROOT } })).decision, 'Allow');
  });
  it('a bare account id in Principal names the account too', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:*', Resource: '*' }), identityPolicies: [ALLOW_ALL] }));
    assert.equal(r.decision, 'Allow');
  });
  it('a role ARN in the key policy names every session of the role', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/service/AppRole' }, Action: 'kms:Decrypt', Resource: '*' });
    assert.equal(simulateAccess(scenario({ keyPolicy, request: { principal: APP_SESSION } })).decision, 'Allow');
  });
  it('"Principal": "*" allows everyone the statement\'s conditions admit', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } });
    assert.equal(simulateAccess(scenario({ keyPolicy })).decision, 'Allow');
  });
  it('a service principal named in the key policy may use the key', () => {
    const keyPolicy = policy({ Effect: 'Allow', Principal: { Service: 'logs.us-west-2.amazonaws.com' }, Action: 'kms:Encrypt*', Resource: '*' });
    assert.equal(simulateAccess(scenario({ keyPolicy, request: { principal: 'logs.us-west-2.amazonaws.com', action: 'kms:Encrypt' } })).decision, 'Allow');
  });
  it('operations without a key (CreateKey) are decided by IAM policies alone, with Resource "*"', () => {
    const r = simulateAccess(scenario({ request: { action: 'kms:CreateKey' }, identityPolicies: [policy(allow('kms:CreateKey'))] }));
    assert.equal(r.decision, 'Allow');
    assert.equal(r.allowedBy, 'iam');
    const scoped = simulateAccess(scenario({ request: { action: 'kms:CreateKey' }, identityPolicies: [policy(allow('kms:CreateKey', 'arn:aws:kms:*:*:key/*'))] }));
    assert.equal(scoped.decision, 'ImplicitDeny');
  });
  it('an action outside KMS is not applicable', () => {
    const r = simulateAccess(scenario({ request: { action: 's3:GetObject' } }));
    assert.equal(r.decision, 'NotApplicable');
    assert.equal(r.error, null);
  });
});

describe('permissions boundaries and session policies', () => {
  const boundaryWithoutKms = policy(allow('s3:*'));
  it('effective permissions are the intersection of identity policies and the boundary (IAM User Guide, Permissions boundaries): delegation needs the boundary to allow', () => {
    const r = simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], permissionBoundary: boundaryWithoutKms }));
    assert.equal(r.decision, 'ImplicitDeny');
    assert.match(r.errorMessage!, /because no permissions boundary allows the kms:Decrypt action$/);
    assert.equal(simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], permissionBoundary: policy(allow('kms:*')) })).decision, 'Allow');
  });
  it('an implicit deny in a boundary does not limit what a resource-based policy grants the user itself (IAM User Guide, Permissions boundaries)', () => {
    assert.equal(simulateAccess(scenario({ keyPolicy: policy(allowAlice()), permissionBoundary: boundaryWithoutKms })).decision, 'Allow');
  });
  it('a key policy naming the role ARN is limited by the session\'s boundary; naming the session ARN is not', () => {
    const byRole = policy({ Effect: 'Allow', Principal: { AWS: APP_ROLE }, Action: 'kms:*', Resource: '*' });
    const bySession = policy({ Effect: 'Allow', Principal: { AWS: APP_SESSION }, Action: 'kms:*', Resource: '*' });
    const request = { principal: APP_SESSION };
    assert.equal(simulateAccess(scenario({ keyPolicy: byRole, permissionBoundary: boundaryWithoutKms, request })).decision, 'ImplicitDeny');
    assert.equal(simulateAccess(scenario({ keyPolicy: bySession, permissionBoundary: boundaryWithoutKms, request })).decision, 'Allow');
  });
  it('a session policy limits what the role\'s identity policies allow', () => {
    const s = (sessionPolicy: object) => simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], sessionPolicy, request: { principal: APP_SESSION } }));
    assert.equal(s(policy(allow('s3:*'))).decision, 'ImplicitDeny');
    assert.match(s(policy(allow('s3:*'))).errorMessage!, /because no session policy allows/);
    assert.equal(s(policy(allow('kms:Decrypt'))).decision, 'Allow');
  });
  it('a boundary does not apply to the account root user, nor a session policy to an IAM user', () => {
    const r = simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], sessionPolicy: policy(allow('s3:*')) }));
    assert.equal(r.decision, 'Allow');
    assert.equal(r.trace.policies.find((p) => p.kind === 'session-policy')?.outcome, 'NotApplicable');
  });
});

describe('cross-account access', () => {
  const keyPolicy = policy(
    { Sid: 'Owner', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
    { Sid: 'OtherAccountUses', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:PutKeyPolicy'], Resource: '*' },
  );
  const identity = policy(allow(['kms:Decrypt', 'kms:DescribeKey', 'kms:PutKeyPolicy'], KEY_ARN));
  const cross = (overrides: Partial<AccessScenario> = {}, action = 'kms:Decrypt') =>
    simulateAccess(scenario({ keyPolicy, identityPolicies: [identity], ...overrides, request: { principal: OTHER_SESSION, action } }));
  it('cross-account use needs the key policy and an IAM policy in the external account (KMS Developer Guide, Allowing users in other accounts to use a KMS key): both sides allow', () => {
    const r = cross();
    assert.equal(r.decision, 'Allow');
    assert.equal(r.request.crossAccount, true);
  });
  it('without an identity policy in the caller\'s account, the key policy alone is not enough', () => {
    const r = cross({ identityPolicies: [] });
    assert.equal(r.decision, 'ImplicitDeny');
    assert.equal(r.errorMessage, `User: ${OTHER_SESSION} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action`);
  });
  it('even a key policy naming the external role needs the role\'s IAM policy', () => {
    const named = policy({ Effect: 'Allow', Principal: { AWS: OTHER_ROLE }, Action: 'kms:Decrypt', Resource: '*' });
    assert.equal(cross({ keyPolicy: named, identityPolicies: [] }).decision, 'ImplicitDeny');
    assert.equal(cross({ keyPolicy: named }).decision, 'Allow');
  });
  it('an IAM policy alone cannot reach a key whose policy does not name the account', () => {
    const r = cross({ keyPolicy: DEFAULT_KEY_POLICY });
    assert.equal(r.decision, 'ImplicitDeny');
    assert.match(r.errorMessage!, /because no resource-based policy allows/);
  });
  it('only cryptographic operations, CreateGrant, DescribeKey, GetKeyRotationStatus, GetPublicKey, ListGrants, RetireGrant and RevokeGrant work across accounts (KMS Developer Guide, Allowing users in other accounts): PutKeyPolicy is refused', () => {
    assert.equal(cross({}, 'kms:DescribeKey').decision, 'Allow');
    const r = cross({}, 'kms:PutKeyPolicy');
    assert.equal(r.decision, 'ImplicitDeny');
    assert.ok(r.trace.steps.some((s) => s.step === 'cross-account' && s.outcome === 'failed'));
  });
  it('a grant to an external principal allows without a key policy statement for it', () => {
    const r = cross({ keyPolicy: DEFAULT_KEY_POLICY, identityPolicies: [], grants: [grant({ granteePrincipal: OTHER_ROLE })] });
    assert.equal(r.decision, 'Allow');
    assert.equal(r.allowedBy, 'grant');
  });
});

describe('RetireGrant', () => {
  const retire = (principal: string, g = grant({ retiringPrincipal: APP_ROLE }), identityPolicies: object[] = []) =>
    simulateAccess(scenario({ keyPolicy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'kms:*', Resource: '*' }), identityPolicies, grants: [g], request: { principal, action: 'kms:RetireGrant', grantId: 'grant-1' } }));
  it('"A grant can be retired by an optional retiring principal specified in the grant"', () => {
    const r = retire(APP_SESSION);
    assert.equal(r.decision, 'Allow');
    assert.equal(r.allowedBy, 'retiring-principal');
  });
  it('"The grantee principal can also retire the grant, but only if ... the grant includes the RetireGrant operation"', () => {
    assert.equal(retire(ALICE).decision, 'ImplicitDeny');
    assert.equal(retire(ALICE, grant({ operations: ['Decrypt', 'RetireGrant'] })).decision, 'Allow');
  });
  it('"the AWS account in which the grant was created can retire the grant"', () => {
    assert.equal(retire(ROOT).decision, 'Allow');
  });
  it('"The kms:RetireGrant permission is not effective in a key policy", but "To deny permission to retire a grant, you can use a Deny" in IAM', () => {
    const r = retire(APP_SESSION, grant({ retiringPrincipal: APP_ROLE }), [policy(deny('kms:RetireGrant'))]);
    assert.equal(r.decision, 'ExplicitDeny');
    assert.equal(r.trace.policies.find((p) => p.kind === 'key-policy')?.outcome, 'NotApplicable');
  });
});

describe('key state after authorization', () => {
  const disabled = { ...KEY, state: 'Disabled' as const };
  it('an authorized Decrypt with a disabled key fails with DisabledException ("authorized, but the key is Disabled")', () => {
    const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), key: disabled }));
    assert.equal(r.decision, 'Allow');
    assert.equal(r.authorized, true);
    assert.equal(r.error, 'DisabledException');
    assert.equal(r.errorMessage, `${KEY_ARN} is disabled.`);
    assert.match(r.summary, /^Authorized .*but the key is Disabled/);
  });
  it('DescribeKey works on a disabled key', () => {
    assert.equal(simulateAccess(scenario({ keyPolicy: policy(allowAlice()), key: disabled, request: { action: 'kms:DescribeKey' } })).error, null);
  });
  it('a key pending deletion or import fails cryptographic operations with KMSInvalidStateException', () => {
    const pending = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), key: { ...KEY, state: 'PendingDeletion' } }));
    assert.equal(pending.error, 'KMSInvalidStateException');
    assert.equal(pending.errorMessage, `${KEY_ARN} is pending deletion.`);
    const importing = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), key: { ...KEY, state: 'PendingImport' }, request: { action: 'kms:Encrypt' } }));
    assert.equal(importing.errorMessage, `${KEY_ARN} is pending import.`);
  });
  it('follows the key-state table row by row (KMS Developer Guide, "Key states of AWS KMS keys")', () => {
    const outcome = (state: 'Disabled' | 'PendingImport' | 'PendingDeletion' | 'Unavailable' | 'Enabled', action: string) => {
      const r = simulateAccess(scenario({ keyPolicy: policy(allowAlice()), key: { ...KEY, state }, request: { action } }));
      return r.error ?? 'ok';
    };
    // [1] "DisabledException: <CMK ARN> is disabled." for CreateGrant and the cryptographic operations.
    assert.equal(outcome('Disabled', 'kms:CreateGrant'), 'DisabledException');
    assert.equal(outcome('Disabled', 'kms:Sign'), 'DisabledException');
    assert.equal(outcome('Disabled', 'kms:EnableKey'), 'ok');
    assert.equal(outcome('Disabled', 'kms:PutKeyPolicy'), 'ok');
    // [5] "KMSInvalidStateException: <CMK ARN> is pending import." also for EnableKey and DisableKey.
    assert.equal(outcome('PendingImport', 'kms:DisableKey'), 'KMSInvalidStateException');
    assert.equal(outcome('PendingImport', 'kms:DescribeKey'), 'ok');
    // [3] pending deletion refuses CreateAlias, TagResource, ScheduleKeyDeletion; PutKeyPolicy and RevokeGrant still work.
    assert.equal(outcome('PendingDeletion', 'kms:CreateAlias'), 'KMSInvalidStateException');
    assert.equal(outcome('PendingDeletion', 'kms:TagResource'), 'KMSInvalidStateException');
    assert.equal(outcome('PendingDeletion', 'kms:ScheduleKeyDeletion'), 'KMSInvalidStateException');
    assert.equal(outcome('PendingDeletion', 'kms:PutKeyPolicy'), 'ok');
    assert.equal(outcome('PendingDeletion', 'kms:RevokeGrant'), 'ok');
    assert.equal(outcome('PendingDeletion', 'kms:CancelKeyDeletion'), 'ok');
    // [4] "KMSInvalidStateException: <CMK ARN> is not pending deletion."
    assert.equal(outcome('Enabled', 'kms:CancelKeyDeletion'), 'KMSInvalidStateException');
    // [11] "KMSInvalidStateException: <CMK ARN> is unavailable." for cryptographic operations; CreateGrant succeeds.
    assert.equal(outcome('Unavailable', 'kms:Decrypt'), 'KMSInvalidStateException');
    assert.equal(outcome('Unavailable', 'kms:CreateGrant'), 'ok');
  });
  it('authorization comes first: an unauthorized caller sees AccessDeniedException, not the key state', () => {
    assert.equal(simulateAccess(scenario({ key: disabled })).error, 'AccessDeniedException');
  });
});

describe('the error message', () => {
  it('names "the resource associated with this ciphertext" when Decrypt found the key in the ciphertext', () => {
    const r = simulateAccess(scenario({ request: { keyFromCiphertext: true } }));
    assert.equal(r.errorMessage, `User: ${ALICE} is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action`);
  });
  it('an operation on no key names Resource "*" whether the deny is explicit or implicit, never a ciphertext', () => {
    const denyCreateKey = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*' }] };
    const explicit = simulateAccess(scenario({ request: { action: 'kms:CreateKey', keyFromCiphertext: false }, identityPolicies: [ALLOW_ALL, denyCreateKey] }));
    assert.equal(explicit.errorMessage, `User: ${ALICE} is not authorized to perform: kms:CreateKey on resource: * with an explicit deny in an identity-based policy`);
    const implicit = simulateAccess(scenario({ request: { action: 'kms:CreateKey' }, identityPolicies: [] }));
    assert.equal(implicit.errorMessage, `User: ${ALICE} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action`);
  });
});

describe('grants: the issuing account', () => {
  it('"As a backup, the AWS account in which the grant was created can retire the grant": IssuingAccount as ListGrants prints it (an ARN) or as an id', () => {
    for (const issuingAccount of [`arn:aws:iam::${ACCOUNT}:root`, ACCOUNT]) {
      const g = { ...grant({ retiringPrincipal: APP_ROLE }), issuingAccount };
      const r = simulateAccess(scenario({ request: { principal: ROOT, action: 'kms:RetireGrant', grantId: g.grantId }, grants: [g] }));
      assert.equal(r.decision, 'Allow', issuingAccount);
    }
    const g = { ...grant({ retiringPrincipal: APP_ROLE }), issuingAccount: `arn:aws:iam::${OTHER_ACCOUNT}:root` };
    assert.equal(simulateAccess(scenario({ request: { principal: ROOT, action: 'kms:RetireGrant', grantId: g.grantId }, grants: [g] })).decision, 'ImplicitDeny');
  });
});

describe('aliases and KeyId', () => {
  it('operations whose KeyId takes "the key ID or key ARN" refuse an alias with NotFoundException, as the engine does', () => {
    const r = simulateAccess(scenario({ identityPolicies: [ALLOW_ALL], request: { action: 'kms:GetKeyRotationStatus', keyIdAsGiven: 'alias/app' } }));
    assert.equal(r.error, 'NotFoundException');
    assert.equal(r.errorMessage, "Invalid keyId 'alias/app'");
    assert.equal(r.decision, 'NotApplicable');
  });
});
