// The worked examples of the AWS KMS Developer Guide, reproduced with their own policies:
// "Troubleshooting key access" (Example 1: Alice denied in her own account; Example 2: Bob's
// Engineering role uses a key in another account) and "Determining access to AWS KMS keys"
// ("Examining the key policy" statements 1-4 and "Examining grants").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import type { AccessScenario, ScenarioKey } from '../../../server/src/core/access/scenario';

const ACCOUNT_1 = '111122223333';
const ACCOUNT_2 = '444455556666';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function key(account: string): ScenarioKey {
  return { arn: `arn:aws:kms:us-west-2:${account}:key/${KEY_ID}`, account, region: 'us-west-2', state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' };
}

describe('Troubleshooting key access, Example 1: "User is denied access to a KMS key in their AWS account"', () => {
  // "The KMS key that Alice wants to use has the default key policy."
  const keyPolicy = {
    Version: '2012-10-17',
    Id: 'key-test-1',
    Statement: [{ Sid: 'Delegate to IAM policies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }],
  };
  const alice = 'arn:aws:iam::111122223333:user/alice';
  const base: AccessScenario = { request: { principal: alice, action: 'kms:Decrypt', resource: key(ACCOUNT_1).arn }, key: key(ACCOUNT_1), keyPolicy, identityPolicies: [], grants: [] };

  it('"no key policy, IAM policy, or grant gives Alice permission to use the KMS key. Therefore, Alice is denied permission"', () => {
    const r = simulateAccess(base);
    assert.equal(r.decision, 'ImplicitDeny');
    assert.equal(r.error, 'AccessDeniedException');
    // "This key policy satisfies the 'Does the key policy ALLOW the callers account to use IAM policies ...?' condition"
    const statement = r.trace.policies.find((p) => p.kind === 'key-policy')!.statements[0];
    assert.equal(statement.matched, true);
    assert.equal(statement.principalMatch, 'account');
    // ... and the flowchart stops at "Does an IAM policy allow the caller to perform this action?"
    assert.match(r.summary, /no identity-based policy allows kms:Decrypt/);
  });

  it('an IAM policy for Alice would answer the flowchart\'s question with yes', () => {
    const r = simulateAccess({ ...base, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key(ACCOUNT_1).arn }] }] });
    assert.equal(r.decision, 'Allow');
    assert.equal(r.allowedBy, 'key-policy-and-iam');
  });
});

describe('Troubleshooting key access, Example 2: "User assumes role with permission to use a KMS key in a different AWS account"', () => {
  const keyPolicy = {
    Id: 'key-policy-acct-2',
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Permission to use IAM policies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'Allow account 1 to use this KMS key',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        Resource: '*',
      },
    ],
  };
  // "this inline policy is embedded in the Engineering role"
  const engineeringPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        Resource: ['arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      },
    ],
  };
  // "Bob, a user in account 1, has permission to assume the Engineering role."
  const bobAsEngineering = 'arn:aws:sts::111122223333:assumed-role/Engineering/bob';
  const base: AccessScenario = {
    request: { principal: bobAsEngineering, action: 'kms:Decrypt', resource: key(ACCOUNT_2).arn },
    key: key(ACCOUNT_2),
    keyPolicy,
    identityPolicies: [engineeringPolicy],
  };

  it('Bob, through the Engineering role, may decrypt with the key in account 2', () => {
    const r = simulateAccess(base);
    assert.equal(r.decision, 'Allow');
    assert.equal(r.request.crossAccount, true);
    const deciding = r.trace.policies.find((p) => p.kind === 'key-policy')!.statements.filter((s) => s.deciding).map((s) => s.sid);
    assert.deepEqual(deciding, ['Allow account 1 to use this KMS key']);
  });

  it('"no one in account 1 can use the KMS key in account 2 until account 1 defines IAM policies that give the principals access"', () => {
    const r = simulateAccess({ ...base, identityPolicies: [] });
    assert.equal(r.decision, 'ImplicitDeny');
    assert.match(r.errorMessage!, /because no identity-based policy allows the kms:Decrypt action$/);
  });

  it('"account 1 can only give its principals permission to perform the actions that the key policy gave to the account"', () => {
    const broad = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
    const r = simulateAccess({ ...base, identityPolicies: [broad], request: { ...base.request, action: 'kms:GenerateDataKeyPair' } });
    assert.equal(r.decision, 'ImplicitDeny');
    assert.match(r.errorMessage!, /because no resource-based policy allows/);
  });
});

describe('Determining access: "Examining the key policy"', () => {
  const policyOf = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
  const statement1 = { Sid: 'Enable IAM policies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
  const statement2 = {
    Sid: 'Allow access for Key Administrators',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111122223333:user/KMSKeyAdmin' },
    Action: ['kms:Describe*', 'kms:Put*', 'kms:Create*', 'kms:Update*', 'kms:Enable*', 'kms:Revoke*', 'kms:List*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
    Resource: '*',
  };
  const statement3 = { Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/EncryptionApp' }, Action: ['kms:DescribeKey', 'kms:GenerateDataKey*', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:Decrypt'], Resource: '*' };
  const statement4 = {
    Sid: 'Allow attachment of persistent resources',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111122223333:role/EncryptionApp' },
    Action: ['kms:ListGrants', 'kms:CreateGrant', 'kms:RevokeGrant'],
    Resource: '*',
    Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
  };
  const keyPolicy = policyOf(statement1, statement2, statement3, statement4);
  const run = (principal: string, action: string, extra: Partial<AccessScenario['request']> = {}, identityPolicies: object[] = []) =>
    simulateAccess({ request: { principal, action, resource: key(ACCOUNT_1).arn, ...extra }, key: key(ACCOUNT_1), keyPolicy, identityPolicies });
  const app = 'arn:aws:sts::111122223333:assumed-role/EncryptionApp/app-1';
  const admin = 'arn:aws:iam::111122223333:user/KMSKeyAdmin';

  it('statement 1: "IAM users and roles in the account might have access to the KMS key even if they are not explicitly listed"', () => {
    const other = 'arn:aws:iam::111122223333:user/auditor';
    assert.equal(run(other, 'kms:DescribeKey').decision, 'ImplicitDeny');
    assert.equal(run(other, 'kms:DescribeKey', {}, [policyOf({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' })]).decision, 'Allow');
  });
  it('statement 2: "This user is allowed to perform the actions listed in the policy statement, which are the administrative actions"', () => {
    assert.equal(run(admin, 'kms:ScheduleKeyDeletion').decision, 'Allow');
    assert.equal(run(admin, 'kms:PutKeyPolicy').decision, 'Allow');
    assert.equal(run(admin, 'kms:Decrypt').decision, 'ImplicitDeny');
  });
  it('statement 3: "Principals that can assume this role are allowed to perform ... the cryptographic actions"', () => {
    for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom']) {
      assert.equal(run(app, action).decision, 'Allow', action);
    }
    assert.equal(run(app, 'kms:ScheduleKeyDeletion').decision, 'ImplicitDeny');
  });
  it('statement 4: "the delegation is allowed only when the delegate is an AWS service that integrates with AWS KMS"', () => {
    assert.equal(run(app, 'kms:CreateGrant', { context: { 'kms:GrantIsForAWSResource': true } }).decision, 'Allow');
    const direct = run(app, 'kms:CreateGrant');
    assert.equal(direct.decision, 'ImplicitDeny');
    const reason = direct.trace.policies[0].statements[3].reason!;
    assert.equal(reason.element, 'condition');
    assert.equal(reason.key, 'kms:GrantIsForAWSResource');
  });
});

describe('Determining access: "Examining grants"', () => {
  const k = key(ACCOUNT_1);
  it('the EBS grant lets the EC2 infrastructure role decrypt for its volume only', () => {
    const grantee = 'arn:aws:sts::111122223333:assumed-role/aws:ec2-infrastructure/i-5d476fab';
    const grants = [
      {
        grantId: 'dc716f53c93acacf291b1540de3e5a232b76256c83b2ecb22cdefa26576a2d3e',
        keyArn: k.arn,
        granteePrincipal: grantee,
        retiringPrincipal: 'arn:aws:iam::123456789012:root',
        operations: ['Decrypt'],
        constraints: { encryptionContextSubset: { 'aws:ebs:id': 'vol-5cccfb4e' } },
        issuingAccount: ACCOUNT_1,
      },
    ];
    const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] };
    const decrypt = (volume: string) =>
      simulateAccess({ request: { principal: grantee, action: 'kms:Decrypt', resource: k.arn, encryptionContext: { 'aws:ebs:id': volume } }, key: k, keyPolicy, grants });
    assert.equal(decrypt('vol-5cccfb4e').decision, 'Allow');
    assert.equal(decrypt('vol-5cccfb4e').allowedBy, 'grant');
    assert.equal(decrypt('vol-00000000').decision, 'ImplicitDeny');
  });
  it('a grant whose grantee is another account lets that account\'s IAM policies pass the permission on', () => {
    const grants = [{ grantId: 'f271e8328717f8bde5d03f4981f06a6b3fc18bcae2da12ac38bd9186e7925d11', keyArn: k.arn, granteePrincipal: 'arn:aws:iam::444455556666:root', operations: ['Encrypt'], constraints: null, issuingAccount: ACCOUNT_1 }];
    const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] };
    const caller = 'arn:aws:iam::444455556666:user/writer';
    const encrypt = (identityPolicies: object[]) => simulateAccess({ request: { principal: caller, action: 'kms:Encrypt', resource: k.arn }, key: k, keyPolicy, grants, identityPolicies });
    assert.equal(encrypt([]).decision, 'ImplicitDeny');
    assert.equal(encrypt([{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: k.arn }] }]).decision, 'Allow');
  });
});
