// No template text, however broken or odd, makes the front-end throw: every prefix of a real
// template, YAML's corners (anchors, aliases, flow style, documents, tags CloudFormation does
// not know) and intrinsics where a policy has its elements.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTemplate, templateHover, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';

const example = readFileSync(join(import.meta.dirname, '../../../examples/cloudformation/kms-key.yaml'), 'utf8');

function exercise(text: string): void {
  const analysis = analyzeTemplate(text);
  if (!analysis) return;
  const findings = validateTemplate(analysis);
  for (const f of findings) assert.ok(f.range.start >= 0 && f.range.end <= text.length && f.range.start <= f.range.end, `${f.code} within the text`);
  for (let offset = 0; offset < text.length; offset += 97) templateHover(analysis, offset);
}

describe('template front-end robustness', () => {
  it('answers every prefix of a real template without throwing', () => {
    for (let end = 0; end <= example.length; end += 13) exercise(example.slice(0, end));
  });

  it('answers YAML corners and intrinsics in odd places', () => {
    const odd = [
      'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: &p\n        Statement: []\n  K2:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: *p\n',
      'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: !If [IsProd, {Statement: []}, !Ref AWS::NoValue]\n',
      'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Statement:\n          - !If [IsProd, {Effect: Allow}, !Ref AWS::NoValue]\n          - Effect: !Ref AWS::NoValue\n            Principal: !Unknown x\n            Action: !Split [",", "kms:Decrypt,kms:Encrypt"]\n            Condition: !ImportValue c\n',
      '{"Resources": {"K": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": [{"Principal": {"AWS": {"Fn::Sub": ["arn:aws:iam::${A}:root", {"A": {"Fn::Sub": "${AWS::AccountId}"}}]}}}]}}}}}',
      '{"Resources": {"K": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": "{\\"Statement\\": []}"}}}}',
      '---\nAWSTemplateFormatVersion: 2010-09-09\nResources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Effect: Allow, Principal: "*", Action: "kms:*", Resource: "*"}]}}}}\n---\nsecond: document\n',
      'Resources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Statement:\n          Effect: Allow\n          Principal: {AWS: !GetAtt [Missing, Arn]}\n          Action: [kms:*]\n          Resource: "*"\n',
    ];
    for (const text of odd) exercise(text);
  });

  it('a KeyPolicy written as a JSON string (!Sub |) with the root delegation is checked and raises nothing', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy: !Sub |
        {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"}]
        }
`;
    assert.equal(analyzeTemplate(text)!.policies.length, 1, 'the policy in the string is read');
    assert.deepEqual(validateTemplate(analyzeTemplate(text)!), []);
    // Typed a character at a time, in YAML and as a JSON template's escaped string.
    for (let end = 0; end <= text.length; end += 3) exercise(text.slice(0, end));
    const json = JSON.stringify({ Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: text.slice(text.indexOf('{')) } } } });
    for (let end = 0; end <= json.length; end += 3) exercise(json.slice(0, end));
  });

  it('an Fn::If in the Statement list and an unknown principal raise no alarm', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, '111122223333']
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - !If
            - IsProd
            - Effect: Allow
              Principal: { AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root' }
              Action: kms:*
              Resource: '*'
            - !Ref AWS::NoValue
          - Effect: Allow
            Principal: { AWS: !ImportValue admin-role-arn }
            Action: kms:*
            Resource: '*'
`;
    assert.deepEqual(validateTemplate(analyzeTemplate(text)!), []);
  });
});
