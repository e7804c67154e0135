// Every rule code: policies that must trigger it, and policies that must not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../../server/src/core/analysis/allRules';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';
import { allow, role, withoutRoot, withRoot, ROOT_STATEMENT } from './policyBuilders';

const service = createKeyPolicyLanguageService();
const codesOf = (text: string) => service.doValidation(service.parse(text)).map((f) => f.code);

interface RuleCase {
  readonly triggers: readonly string[];
  readonly clean: readonly string[];
}

const stmt = (extra: object) => ({ Effect: 'Allow', Principal: role('App'), Action: 'kms:Decrypt', Resource: '*', ...extra });
const without = (key: string) => {
  const s: Record<string, unknown> = { ...stmt({}) };
  delete s[key];
  return s;
};
const defaultPolicy = withRoot();
const admin = (name: string) => allow(role(name), ['kms:PutKeyPolicy', 'kms:DescribeKey']);
const bigSid = (n: number) => withRoot({ ...stmt({}), Sid: 'x'.repeat(n) });

const CASES: Readonly<Record<string, RuleCase>> = {
  JSON_SYNTAX: { triggers: ['{"Version": "2012-10-17", "Statement": [}', '', '[1, 2]'], clean: [defaultPolicy] },
  MISSING_VERSION: { triggers: [JSON.stringify({ Statement: [ROOT_STATEMENT] })], clean: [defaultPolicy] },
  INVALID_VERSION: {
    triggers: [JSON.stringify({ Version: '2012-10-18', Statement: [ROOT_STATEMENT] }), JSON.stringify({ Version: 2012, Statement: [ROOT_STATEMENT] })],
    clean: [defaultPolicy, JSON.stringify({ Version: '2008-10-17', Statement: [ROOT_STATEMENT] })],
  },
  MISSING_STATEMENT: { triggers: ['{"Version": "2012-10-17"}', '{"Version": "2012-10-17", "Statement": []}'], clean: [defaultPolicy] },
  MISSING_EFFECT: { triggers: [withRoot(without('Effect')), withRoot(stmt({ Effect: 'allow' }))], clean: [withRoot(stmt({ Effect: 'Deny' }))] },
  MISSING_ACTION: { triggers: [withRoot(without('Action'))], clean: [withRoot(stmt({})), withRoot({ ...without('Action'), NotAction: 'kms:Decrypt' })] },
  MISSING_PRINCIPAL: { triggers: [withRoot(without('Principal'))], clean: [withRoot(stmt({}))] },
  MISSING_RESOURCE: { triggers: [withRoot(without('Resource'))], clean: [withRoot(stmt({}))] },
  DUPLICATE_SID: {
    triggers: [withRoot(stmt({ Sid: 'Enable IAM User Permissions' }))],
    clean: [withRoot(stmt({ Sid: 'Allow use of the key' }), stmt({ Sid: 'Allow use of the key by auditors' }))],
  },
  UNKNOWN_ELEMENT: {
    triggers: [withRoot(stmt({ Conditions: {} })), JSON.stringify({ Version: '2012-10-17', Statements: [], Statement: [ROOT_STATEMENT] })],
    clean: [withRoot(stmt({ Sid: 'Spaces are fine in key policies', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))],
  },
  INVALID_ELEMENT_VALUE: {
    triggers: [withRoot(stmt({ Action: 5 })), withRoot(stmt({ Condition: { StringEquals: { 'kms:CallerAccount': { nested: true } } } }))],
    clean: [withRoot(stmt({ Action: ['kms:Decrypt', 'kms:Encrypt'] }))],
  },
  KMS_POLICY_TOO_LARGE: { triggers: [bigSid(33_000)], clean: [bigSid(32_000)] },
  KMS_INVALID_CHARACTER: {
    triggers: [withRoot(stmt({ Sid: 'Allow \u201capp\u201d' })), withRoot(stmt({ Sid: 'Keys \u{1F511}' }))],
    clean: [withRoot(stmt({ Sid: 'Cl\u00e9 de l\u2019app'.replace('\u2019', "'") }))],
  },
  UNKNOWN_ACTION: {
    triggers: [withRoot(stmt({ Action: 'kms:Decrpyt' })), withRoot(stmt({ Action: 's3:GetObject' })), withRoot(stmt({ Action: 'Decrypt' })), withRoot(stmt({ Action: 'kms:Foo*' }))],
    clean: [withRoot(stmt({ Action: ['kms:decrypt', 'kms:Get*', 'kms:ReEncrypt*'] }))],
  },
  UNKNOWN_CONDITION_KEY: {
    triggers: [withRoot(stmt({ Condition: { StringEquals: { 'kms:CallerAcount': '111122223333' } } })), withRoot(stmt({ Condition: { StringEquals: { 's3:prefix': 'home/' } } }))],
    clean: [withRoot(stmt({ Condition: { StringEquals: { 'kms:EncryptionContext:Department': 'IT', 'aws:PrincipalTag/team': 'blue', 'KMS:CALLERACCOUNT': '111122223333' } } }))],
  },
  CONDITION_KEY_NOT_FOR_ACTION: {
    triggers: [withRoot(stmt({ Action: 'kms:DescribeKey', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x' } } }))],
    clean: [
      withRoot(stmt({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'x' } } })),
      withRoot(stmt({ Action: 'kms:DescribeKey', Condition: { StringEqualsIfExists: { 'kms:EncryptionContext:app': 'x' } } })),
      // kms:KeyOrigin applies to "CreateKey, KMS key resource operations"; AWS's example uses it with GenerateDataKey.
      withRoot(stmt({ Action: 'kms:GenerateDataKey', Condition: { StringEquals: { 'kms:KeyOrigin': 'AWS_KMS', 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:MultiRegion': 'false' } } })),
    ],
  },
  INVALID_CONDITION_OPERATOR: {
    triggers: [withRoot(stmt({ Condition: { StringEqual: { 'kms:CallerAccount': '111122223333' } } })), withRoot(stmt({ Condition: { 'ForSomeValues:StringEquals': { 'kms:EncryptionContextKeys': 'a' } } }))],
    clean: [withRoot(stmt({ Condition: { StringEqualsIgnoreCase: { 'kms:CallerAccount': '111122223333' }, 'ForAnyValue:StringLike': { 'kms:EncryptionContextKeys': 'a*' } } }))],
  },
  CONDITION_VALUE_TYPE_MISMATCH: {
    triggers: [
      withRoot(stmt({ Condition: { NumericLessThan: { 'kms:CallerAccount': '5' } } })),
      withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'yes' } } })),
      withRoot(stmt({ Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } })),
      withRoot(stmt({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.300/8' } } })),
    ],
    clean: [
      withRoot(stmt({ Action: 'kms:ScheduleKeyDeletion', Condition: { NumericLessThanEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': '30' } } })),
      withRoot(stmt({ Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] }, DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } })),
      withRoot(stmt({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } } })),
    ],
  },
  MISSING_SET_OPERATOR: {
    triggers: [withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { StringEquals: { 'kms:GrantOperations': ['Decrypt'] } } }))],
    clean: [withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } }))],
  },
  NULL_WITH_IF_EXISTS: {
    triggers: [withRoot(stmt({ Condition: { NullIfExists: { 'kms:EncryptionContextKeys': 'false' } } }))],
    clean: [withRoot(stmt({ Condition: { Null: { 'kms:EncryptionContextKeys': 'false' } } }))],
  },
  KMS_INVALID_PRINCIPAL: {
    triggers: [
      withRoot(stmt({ Principal: { AWS: 'arn:aws:iam::111122223333:group/Admins' } })),
      withRoot(stmt({ Principal: { AWS: 'arn:aws:iam::*:root' } })),
      withRoot(stmt({ Principal: { AWS: 'arn:aws:iam::111122223333:role/*' } })),
      withRoot(stmt({ Principal: { AWS: 'arn:aws:iam::ACCOUNT_ID:root' } })),
      withRoot(stmt({ Principal: { AWS: '12345' } })),
      withRoot(stmt({ Principal: { AWS: 'AIDACKCEVSQ6C2EXAMPLE' } })),
      withRoot(stmt({ Principal: { Service: 'sns' } })),
      withRoot(stmt({ Principal: { Aws: 'arn:aws:iam::111122223333:role/App' } })),
      withRoot(stmt({ Principal: 'arn:aws:iam::111122223333:role/App' })),
    ],
    clean: [
      withRoot(stmt({ Principal: { AWS: ['arn:aws:iam::111122223333:role/service-role/App', '444455556666', 'arn:aws:sts::111122223333:assumed-role/App/session-1'] } })),
      withRoot(stmt({ Principal: { Service: ['logs.us-east-1.amazonaws.com', 'cloudtrail.amazonaws.com'] } })),
    ],
  },
  KMS_NOT_PRINCIPAL_WITH_ALLOW: {
    triggers: [withRoot({ Effect: 'Allow', NotPrincipal: role('App'), Action: 'kms:Decrypt', Resource: '*' })],
    clean: [withRoot({ Effect: 'Deny', NotPrincipal: role('App'), Action: 'kms:Decrypt', Resource: '*' })],
  },
  KMS_NO_ACCOUNT_ROOT_STATEMENT: {
    triggers: [withoutRoot(admin('Admin'), admin('Admin2')), withoutRoot(allow({ AWS: '*' }, 'kms:*', { StringEquals: { 'kms:CallerAccount': '111122223333' } }))],
    clean: [defaultPolicy, withoutRoot(allow({ AWS: '111122223333' }, 'kms:*'))],
  },
  KMS_LOCKOUT_RISK: {
    triggers: [
      withoutRoot(allow({ Service: 'logs.amazonaws.com' }, 'kms:Decrypt')),
      withRoot({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*' }),
    ],
    clean: [defaultPolicy, withRoot({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } } })],
  },
  KMS_SINGLE_ADMIN_PRINCIPAL: {
    triggers: [withoutRoot(admin('OnlyAdmin'))],
    clean: [withoutRoot(admin('Admin1'), admin('Admin2')), withRoot(admin('Admin'))],
  },
  KMS_RESOURCE_NOT_STAR: {
    triggers: [withRoot(stmt({ Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' })), withRoot({ ...without('Resource'), NotResource: 'arn:aws:kms:*:*:key/*' })],
    clean: [withRoot(stmt({ Resource: ['*'] }))],
  },
  KMS_WILDCARD_PRINCIPAL: {
    triggers: [
      withRoot(stmt({ Principal: '*' })),
      withRoot(stmt({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })),
      withRoot(stmt({ Principal: { AWS: '*' }, Condition: { StringNotEquals: { 'kms:CallerAccount': '444455556666' } } })),
      withRoot(stmt({ Principal: { AWS: '*' }, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } } })),
    ],
    clean: [
      withRoot(stmt({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } })),
      withRoot(stmt({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5', 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } })),
      withRoot(stmt({ Principal: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/App*' } } })),
      withRoot({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ],
  },
  KMS_IAM_ONLY_ACTION_IN_KEY_POLICY: {
    triggers: [withRoot(stmt({ Action: ['kms:CreateKey'] })), withRoot(stmt({ Action: ['kms:ListAliases', 'kms:GenerateRandom'] }))],
    clean: [withRoot(stmt({ Action: ['kms:List*', 'kms:ListGrants'] }))],
  },
  KMS_CROSS_ACCOUNT_INEFFECTIVE_ACTION: {
    triggers: [withRoot(stmt({ Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'] }))],
    clean: [
      withRoot(stmt({ Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'] })),
      withRoot(stmt({ Action: 'kms:ScheduleKeyDeletion' })),
      // kms:ValidTo "is a timestamp in Unix time"; AWS's own example compares it with NumericLessThanEquals.
      withRoot(stmt({ Action: 'kms:ImportKeyMaterial', Condition: { NumericLessThanEquals: { 'kms:ValidTo': '1712174400' } } })),
    ],
  },
  KMS_CREATEGRANT_UNRESTRICTED: {
    triggers: [withRoot(stmt({ Action: 'kms:CreateGrant' })), withRoot(stmt({ Action: ['kms:Create*', 'kms:Describe*'] }))],
    clean: [
      withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } })),
      withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } })),
      withRoot(stmt({ Action: ['kms:Create*', 'kms:Put*'] })),
      // AWS lists kms:RetiringPrincipal and kms:GrantConstraintType among the keys that limit grant creation.
      withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { StringEquals: { 'kms:RetiringPrincipal': 'arn:aws:iam::111122223333:role/Retirer' } } })),
      withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { StringEquals: { 'kms:GrantConstraintType': 'EncryptionContextEquals' } } })),
    ],
  },
  KMS_INVALID_GRANT_OPERATION: {
    triggers: [withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'ScheduleKeyDeletion'] } } })), withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': 'Decrpyt' } } }))],
    clean: [withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'GenerateDataKey'] }, 'ForAnyValue:StringLike': { 'kms:GrantOperations': 'GenerateDataKey*' } } }))],
  },
  KMS_REPLICATE_WITHOUT_REGION_LIMIT: {
    triggers: [withRoot(stmt({ Action: 'kms:ReplicateKey' })), withRoot(stmt({ Action: 'kms:Replicate*' }))],
    clean: [
      withRoot(stmt({ Action: 'kms:ReplicateKey', Condition: { StringEquals: { 'kms:ReplicaRegion': ['us-west-2', 'eu-west-1'] } } })),
      defaultPolicy,
      // AWS's default key policy for multi-Region keys gives key administrators kms:ReplicateKey.
      withRoot(stmt({ Action: ['kms:Create*', 'kms:Describe*', 'kms:Put*', 'kms:ReplicateKey', 'kms:UpdatePrimaryRegion'] })),
    ],
  },
  KMS_INVALID_REGION: {
    triggers: [
      withRoot(stmt({ Action: 'kms:ReplicateKey', Condition: { StringEquals: { 'kms:ReplicaRegion': 'us-est-1' } } })),
      withRoot(stmt({ Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-7.amazonaws.com' } } })),
      withRoot(stmt({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:eu-wst-1:111122223333:*' } } })),
    ],
    clean: [withRoot(stmt({ Action: 'kms:ReplicateKey', Condition: { StringEquals: { 'kms:ReplicaRegion': 'us-west-2' }, StringLike: { 'kms:ViaService': 'ec2.*.amazonaws.com' } } }))],
  },
  KMS_VIA_SERVICE_FORMAT: {
    triggers: [withRoot(stmt({ Condition: { StringEquals: { 'kms:ViaService': 'ec2.amazonaws.com' } } })), withRoot(stmt({ Condition: { StringEquals: { 'kms:ViaService': 'ec2.*.amazonaws.com' } } })), withRoot(stmt({ Condition: { StringLike: { 'kms:ViaService': 'arn:aws:ec2:*' } } }))],
    clean: [withRoot(stmt({ Condition: { StringEquals: { 'kms:ViaService': ['ec2.us-east-1.amazonaws.com', 'rds.cn-north-1.amazonaws.com.cn'] }, StringLike: { 'kms:ViaService': ['ec2.*.amazonaws.com', '*.amazonaws.com', 'rds.*'] } } }))],
  },
  KMS_BYPASS_LOCKOUT_CONDITION_MISUSE: {
    triggers: [withRoot(stmt({ Action: 'kms:PutKeyPolicy', Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } } })), withRoot({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { StringEquals: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } } })],
    clean: [withRoot({ Effect: 'Deny', Principal: '*', Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } } })],
  },
  SET_OPERATOR_ON_SINGLE_VALUED_KEY: {
    triggers: [
      withRoot(stmt({ Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:team': 'billing' } } })),
      withRoot(stmt({ Condition: { 'ForAnyValue:StringEquals': { 'kms:CallerAccount': '111122223333' } } })),
    ],
    clean: [withRoot(stmt({ Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing' }, 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['team'] } } }))],
  },
  ACCOUNT_VALUE_NOT_ACCOUNT_ID: {
    triggers: [
      withRoot(stmt({ Condition: { StringEquals: { 'kms:CallerAccount': 'arn:aws:iam::111122223333:root' } } })),
      withRoot(stmt({ Condition: { StringEquals: { 'aws:SourceAccount': '11112222333' } } })),
      withRoot(stmt({ Condition: { StringEquals: { 'aws:PrincipalAccount': 'prod' } } })),
    ],
    clean: [withRoot(stmt({ Condition: { StringEquals: { 'kms:CallerAccount': ['111122223333', '444455556666'], 'aws:SourceAccount': '${aws:PrincipalAccount}' }, StringLike: { 'aws:ResourceAccount': '1111*' } } }))],
  },
  SERVICE_PRINCIPAL_WITHOUT_SOURCE: {
    triggers: [withRoot(stmt({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*' }))],
    clean: [
      withRoot(stmt({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } })),
      withRoot(stmt({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Condition: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*' } } })),
      withRoot(stmt({ Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: 'kms:Encrypt*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:*' } } })),
    ],
  },
  DUPLICATE_JSON_KEY: {
    triggers: [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root", "AWS": "arn:aws:iam::111122223333:role/App"}, "Action": "kms:*", "Resource": "*"}]}',
      '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}',
    ],
    clean: [defaultPolicy],
  },
  KMS_ADMIN_CAN_ESCALATE: {
    triggers: [withRoot(stmt({ Action: 'kms:PutKeyPolicy' })), withRoot(stmt({ Action: 'kms:TagResource' }))],
    clean: [withRoot(stmt({ Action: ['kms:Decrypt', 'kms:Encrypt'] })), defaultPolicy, withRoot(stmt({ Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }))],
  },
};

describe('rule cases', () => {
  it('covers every rule code', () => {
    assert.deepEqual(Object.keys(CASES).sort(), ALL_RULES.map((r) => r.code).sort());
  });
  for (const [code, { triggers, clean }] of Object.entries(CASES)) {
    describe(code, () => {
      triggers.forEach((text, i) => {
        it(`is reported for trigger ${i + 1}`, () => assert.ok(codesOf(text).includes(code), `${code} missing from ${JSON.stringify(codesOf(text))} for\n${text.slice(0, 600)}`));
      });
      clean.forEach((text, i) => {
        it(`is not reported for clean policy ${i + 1}`, () => assert.ok(!codesOf(text).includes(code), `${code} reported for\n${text.slice(0, 600)}`));
      });
    });
  }
});
