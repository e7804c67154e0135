// IAM alone is insufficient: a role of the template allowed KMS actions on the template's key
// by its IAM policy, while the key policy neither delegates to the account nor names the role.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';

function template(keyStatements: string, attach = 'inline'): string {
  const rolePolicy = `PolicyDocument:
          Version: '2012-10-17'
          Statement:
            - Effect: Allow
              Action: [kms:Decrypt, kms:GenerateDataKey]
              Resource: !GetAtt DataKey.Arn`;
  return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
${attach === 'inline' ? `      Policies:\n        - PolicyName: use-key\n          ${rolePolicy.replace(/\n/g, '\n  ')}` : ''}
${attach === 'separate' ? `  WorkerPolicy:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: use-key\n      Roles: [!Ref WorkerRole]\n      ${rolePolicy.replace(/\n {10}/g, '\n        ')}` : ''}
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Sid: Key administrators
            Effect: Allow
            Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/Admin' }
            Action: kms:*
            Resource: '*'
${keyStatements}`;
}

const ineffective = (text: string) => {
  const analysis = analyzeTemplate(text);
  assert.ok(analysis);
  return validateTemplate(analysis).filter((f) => f.code === 'KMS_IDENTITY_ALLOW_INEFFECTIVE').map((f) => ({ at: text.slice(f.range.start, f.range.end), message: f.message }));
};

describe('template cross-check: IAM policies on the template\'s key', () => {
  it('reports the role\'s Allow on the key when the key policy neither delegates nor names the role (inline and AWS::IAM::Policy)', () => {
    for (const attach of ['inline', 'separate']) {
      const found = ineffective(template('', attach));
      assert.equal(found.length, 1, attach);
      assert.equal(found[0]!.at, '!GetAtt DataKey.Arn');
      assert.match(found[0]!.message, /^This Allow has no effect for WorkerRole on DataKey: its key policy neither allows the account \(arn:aws:iam::\$\{AWS::AccountId\}:root\) nor names this principal/);
    }
  });

  it('reads an IAM policy written as a JSON string (!Sub |) and reports the Allow where it is written', () => {
    const text = template('').replace(/ {6}Policies:\n(?: {8}.*\n)+/, `      Policies:
        - PolicyName: use-key
          PolicyDocument: !Sub |
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "\${DataKey.Arn}"}]}
`);
    assert.ok(text.includes('!Sub |'));
    const found = ineffective(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.at, '"${DataKey.Arn}"');
  });

  it('is silent when the key policy delegates to the account, names the role, or holds an unknown', () => {
    const root = `          - Effect: Allow\n            Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root' }\n            Action: kms:*\n            Resource: '*'\n`;
    const literalRoot = `          - Effect: Allow\n            Principal: { AWS: 'arn:aws:iam::123456789012:root' }\n            Action: kms:*\n            Resource: '*'\n`;
    const namesRole = `          - Effect: Allow\n            Principal: { AWS: !GetAtt WorkerRole.Arn }\n            Action: [kms:Decrypt]\n            Resource: '*'\n`;
    const imported = `          - Effect: Allow\n            Principal: { AWS: !ImportValue shared-consumers }\n            Action: [kms:Decrypt]\n            Resource: '*'\n`;
    for (const statements of [root, literalRoot, namesRole, imported]) assert.deepEqual(ineffective(template(statements)), [], statements);
  });
});
