// "Key policies are not a shared property of multi-Region keys. AWS KMS does not copy or
// synchronize key policies among related multi-Region keys" (AWS KMS Developer Guide, "Control
// access to multi-Region keys"): a replica whose policy grants other than its primary's is
// reported, in words, at the replica's KeyPolicy (a Terraform aws_kms_replica_key's policy); a
// rewrite that grants the same is not.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeTemplate, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';
import { analyzeTerraformModule, validateTerraform } from '../../../server/src/core/templates/terraform/terraformLanguageService';
import { readTerraformModule } from '../../../server/src/core/templates/terraform/terraformModule';
import { loadHclParser } from '../../../server/src/node/hclGrammarFiles';

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

describe('Terraform: an aws_kms_replica_key\'s policy against its primary\'s', () => {
  before(() => loadHclParser());
  const ROOT_TF = '{ Sid = "Enable IAM policies", Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }, Action = "kms:*", Resource = "*" }';
  const APP_TF = '{ Sid = "App decrypts", Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/App" }, Action = "kms:Decrypt", Resource = "*" }';
  const policy = (statements: string | undefined) => (statements === undefined ? '' : `policy = jsonencode({ Version = "2012-10-17", Statement = [${statements}] })`);
  const module = (primary: string | undefined, replica: string | undefined) => `data "aws_caller_identity" "current" {}
resource "aws_kms_key" "primary" {
  multi_region        = true
  enable_key_rotation = true
  ${policy(primary)}
}
resource "aws_kms_replica_key" "replica" {
  provider        = aws.west
  primary_key_arn = aws_kms_key.primary.arn
  ${policy(replica)}
}
`;
  const tfDiffers = (text: string) =>
    (validateTerraform(analyzeTerraformModule(readTerraformModule([{ path: 'main.tf', text }]))).get('main.tf') ?? [])
      .filter((f) => f.code === 'KMS_REPLICA_POLICY_DIFFERS')
      .map((f) => ({ at: text.slice(f.range.start, f.range.end), message: f.message }));

  it('a replica that leaves out the primary\'s App statement is reported at its jsonencode, in the module\'s words', () => {
    const text = module(`${ROOT_TF}, ${APP_TF}`, ROOT_TF);
    const found = tfDiffers(text);
    assert.equal(found.length, 1);
    assert.match(found[0]!.at, /^\{ Version = "2012-10-17"/);
    assert.match(found[0]!.message, /does not grant what its primary aws_kms_key\.primary's does/);
    assert.match(found[0]!.message, /^- arn:aws:iam::\$\{data\.aws_caller_identity\.current\.account_id\}:role\/App .*may no longer kms:Decrypt/m);
  });

  it('"If you do not specify a key policy, AWS KMS attaches the default key policy": a replica without one is compared with that', () => {
    assert.equal(tfDiffers(module(`${ROOT_TF}, ${APP_TF}`, undefined)).length, 1);
    assert.deepEqual(tfDiffers(module(ROOT_TF, undefined)), [], 'the primary\'s policy is the default one: the same access');
  });

  it('the same statements reordered, or an unknown in either policy, is no finding', () => {
    assert.deepEqual(tfDiffers(module(`${ROOT_TF}, ${APP_TF}`, `${APP_TF}, ${ROOT_TF}`)), []);
    assert.deepEqual(tfDiffers(module(`${ROOT_TF}, ${APP_TF.replace('role/App', 'role/${var.app}')}`, ROOT_TF)), []);
  });
});
