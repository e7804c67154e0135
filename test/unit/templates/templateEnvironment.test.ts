// Simulate and Who Can Use from a template alone: its roles with the policies it attaches, its
// keys with their policies and aliases, in the stack's account. "IAM policies alone are not
// sufficient to allow access to a KMS key": the key policy must delegate to the account (AWS KMS
// Developer Guide, "Key policies in AWS KMS"), and the template's roles are who can use the key.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { buildScenarioFromEnvironment } from '../../../server/src/core/environment/scenarioBuilder';
import { whoCanUseKey } from '../../../server/src/core/environment/whoCanUseKey';
import { templateEnvironment, templateEnvironmentKeyArn } from '../../../server/src/core/templates/templateEnvironment';
import { analyzeTemplate } from '../../../server/src/core/templates/templateLanguageService';
import { templateKeyArn } from '../../../server/src/core/templates/intrinsicResolver';

const DELEGATION = `          - Sid: Enable IAM User Permissions
            Effect: Allow
            Principal:
              AWS: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root
            Action: kms:*
            Resource: '*'
`;

function stack(keyStatements: string): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: use-data-key
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: kms:Decrypt
                Resource: !GetAtt DataKey.Arn
  ReportRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reports
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns: [!Ref ReadKeyPolicy]
  ReadKeyPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: [kms:Decrypt, kms:DescribeKey]
            Resource: '*'
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
${keyStatements}          - Sid: Admins
            Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:role/Admin }
            Action: kms:*
            Resource: '*'
  DataKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/app-data
      TargetKeyId: !Ref DataKey
`;
}

function environmentOf(text: string) {
  const analysis = analyzeTemplate(text)!;
  return templateEnvironment(analysis.template, analysis.policies, { source: 'stack.yaml' });
}

function decide(text: string, principalId: string, action: string) {
  const env = environmentOf(text);
  const built = buildScenarioFromEnvironment(env.environment, { principalArn: env.principals.get(principalId)!.arn, action, keyRef: templateEnvironmentKeyArn(env, 'DataKey')! });
  assert.ok(built.ok, 'the key is found');
  return simulateAccess(built.scenario);
}

describe('a template as an environment', () => {
  it('the template\'s roles, their inline and managed policies, the key with its policy and alias, in the stack\'s account', () => {
    const { environment, principals, keys } = environmentOf(stack(DELEGATION));
    assert.deepEqual(environment.accounts.map((a) => a.id), ['000000000000']);
    assert.deepEqual([...principals.values()].map((p) => [p.name, p.arn, p.identityPolicySources?.map((s) => s.name)]), [
      ['AppRole', 'arn:aws:iam::000000000000:role/AppRole', ['use-data-key (inline policy of AppRole in stack.yaml)']],
      ['ReportRole', 'arn:aws:iam::000000000000:role/reports', ['ReadKeyPolicy (managed policy ReadKeyPolicy in stack.yaml)']],
    ]);
    const key = keys.get('DataKey')!;
    assert.deepEqual(key.aliases, ['alias/app-data']);
    assert.equal(templateEnvironmentKeyArn(environmentOf(stack(DELEGATION)), 'DataKey'), templateKeyArn('DataKey'));
    assert.match(templateKeyArn('DataKey'), /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(templateKeyArn('DataKey'), templateKeyArn('OtherKey'));
    assert.deepEqual((key.keyPolicy as { Statement: { Principal: unknown }[] }).Statement[0]!.Principal, { AWS: 'arn:aws:iam::000000000000:root' });
  });

  it('a role whose inline policy allows kms:Decrypt on the key, and a key policy that delegates to the account: Allow', () => {
    const result = decide(stack(DELEGATION), 'AppRole', 'kms:Decrypt');
    assert.equal(result.decision, 'Allow');
    assert.equal(result.allowedBy, 'key-policy-and-iam');
    assert.ok(result.trace.policies.some((p) => p.name.includes('use-data-key (inline policy of AppRole in stack.yaml)') && p.outcome === 'Allow'));
  });

  it('IAM policies alone are not sufficient: without the delegation, the same role is ImplicitDeny, decided by the key policy', () => {
    const result = decide(stack(''), 'AppRole', 'kms:Decrypt');
    assert.equal(result.decision, 'ImplicitDeny');
    assert.equal(result.error, 'AccessDeniedException');
    assert.match(result.summary, /no key policy statement allows kms:Decrypt for this caller; an IAM policy allows it, but IAM policies alone are insufficient/);
    // The identity policy did allow: it is the key policy that refuses.
    assert.ok(result.trace.policies.some((p) => p.kind === 'identity-policy' && p.outcome === 'Allow'), JSON.stringify(result.trace.policies.map((p) => [p.kind, p.outcome])));
  });

  it('Who Can Use lists the template\'s roles, each with what its policies allow on the key', () => {
    const env = environmentOf(stack(DELEGATION));
    const table = whoCanUseKey(env.environment, 'alias/app-data', { actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey'] })!;
    assert.ok(table, 'the key is found by its alias');
    const row = (name: string) => table.rows.find((r) => r.name === name)!;
    assert.deepEqual(table.rows.filter((r) => !r.external).map((r) => r.name), ['AppRole', 'ReportRole']);
    assert.deepEqual(row('AppRole').cells.map((c) => c.decision), ['Allow', 'ImplicitDeny', 'ImplicitDeny']);
    assert.deepEqual(row('ReportRole').cells.map((c) => c.decision), ['Allow', 'ImplicitDeny', 'Allow']);
    assert.ok(table.rows.some((r) => r.external && r.principal === 'arn:aws:iam::111122223333:role/Admin'), 'a principal the key policy names from outside the template');
  });

  it('a policy written as a JSON string (!Sub |) and an AWS::IAM::Policy attached through Roles are part of the environment', () => {
    const text = `Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  WorkerPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: worker-kms
      Roles: [!Ref Worker]
      PolicyDocument: !Sub |
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "\${Key.Arn}"}]}
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: !Sub |
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"}]}
`;
    const env = environmentOf(text);
    const built = buildScenarioFromEnvironment(env.environment, { principalArn: env.principals.get('Worker')!.arn, action: 'kms:Encrypt', keyRef: templateEnvironmentKeyArn(env, 'Key')! });
    assert.ok(built.ok);
    assert.equal(simulateAccess(built.scenario).decision, 'Allow');
  });
});
