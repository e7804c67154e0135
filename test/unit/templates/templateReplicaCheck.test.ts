// "Key policies are not a shared property of multi-Region keys. AWS KMS does not copy or
// synchronize key policies among related multi-Region keys" (AWS KMS Developer Guide, "Control
// access to multi-Region keys"): a replica whose policy grants other than its primary's is
// reported, in words, at the replica's KeyPolicy; a rewrite that grants the same is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTemplate, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';

const ROOT = `          - Sid: Enable IAM policies
            Effect: Allow
            Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root' }
            Action: kms:*
            Resource: '*'`;
const APP = `          - Sid: App decrypts
            Effect: Allow
            Principal: { AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/App' }
            Action: kms:Decrypt
            Resource: '*'`;

function stack(primaryStatements: string, replicaStatements: string, primaryArn = '!GetAtt PrimaryKey.Arn'): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Team: { Type: String }
Resources:
  PrimaryKey:
    Type: AWS::KMS::Key
    Properties:
      MultiRegion: true
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
${primaryStatements}
  ReplicaKey:
    Type: AWS::KMS::ReplicaKey
    Properties:
      PrimaryKeyArn: ${primaryArn}
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
${replicaStatements}
`;
}

const differs = (text: string) => {
  const analysis = analyzeTemplate(text);
  assert.ok(analysis);
  return validateTemplate(analysis).filter((f) => f.code === 'KMS_REPLICA_POLICY_DIFFERS').map((f) => ({ at: text.slice(f.range.start, f.range.end), message: f.message, severity: f.severity }));
};

describe('a replica key policy against its primary\'s', () => {
  it('a replica that leaves out a principal the primary allows is reported at its KeyPolicy, naming what differs', () => {
    const text = stack(`${ROOT}\n${APP}`, ROOT);
    const found = differs(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'warning');
    assert.match(found[0]!.at, /^Version: '2012-10-17'/);
    assert.match(found[0]!.message, /does not grant what its primary PrimaryKey's does, and KMS never copies or synchronizes key policies/);
    assert.match(found[0]!.message, /^- arn:aws:iam::\$\{AWS::AccountId\}:role\/App .*may no longer kms:Decrypt/m);
  });

  it('the same access written otherwise (statements reordered, Fn::GetAtt in its long form) is no finding', () => {
    assert.deepEqual(differs(stack(`${ROOT}\n${APP}`, `${APP}\n${ROOT}`)), []);
    assert.deepEqual(differs(stack(`${ROOT}\n${APP}`, `${APP}\n${ROOT}`, "{ 'Fn::GetAtt': [PrimaryKey, Arn] }")), []);
  });

  it('an unknown (a parameter) in either policy, or a primary outside the template, is never compared', () => {
    const withParameter = APP.replace('role/App', 'role/${Team}');
    assert.deepEqual(differs(stack(`${ROOT}\n${withParameter}`, ROOT)), []);
    assert.deepEqual(differs(stack(`${ROOT}\n${APP}`, ROOT, "'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab'")), []);
  });
});
