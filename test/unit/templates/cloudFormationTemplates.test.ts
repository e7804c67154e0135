// The CloudFormation front-end: templates (YAML, JSON, CDK's synthesized JSON) whose keys'
// policies are checked by the key-policy rules at the right places in the template, with
// intrinsics resolved and unknowns never raising an alarm.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { analyzeTemplate, templateHover, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';

const example = readFileSync(join(import.meta.dirname, '../../../examples/cloudformation/kms-key.yaml'), 'utf8');

function findings(text: string) {
  const analysis = analyzeTemplate(text);
  assert.ok(analysis, 'the text is read as a template');
  return validateTemplate(analysis);
}
const codes = (text: string) => findings(text).map((f) => f.code);
const loud = (text: string) => findings(text).filter((f) => f.severity === 'error' || f.severity === 'warning');
/** The text a finding points at. */
const at = (text: string, code: string) => {
  const f = findings(text).find((x) => x.code === code);
  assert.ok(f, `${code} is reported`);
  return text.slice(f.range.start, f.range.end);
};

function yamlKey(policy: string, properties = ''): string {
  const indented = policy.replace(/^/gm, '        ').trimStart();
  return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Key:
    Type: AWS::KMS::Key
    Properties:${properties}
      KeyPolicy:
        ${indented}
`;
}

const ROOT = `- Sid: Enable IAM User Permissions
  Effect: Allow
  Principal:
    AWS: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root
  Action: kms:*
  Resource: '*'`;

describe('CloudFormation templates: key policies checked in place', () => {
  it('the example template (default key policy with !Sub, admin role parameter, app role via !GetAtt) has no error or warning', () => {
    assert.deepEqual(loud(example), []);
  });

  it('a SAM template (SQS and CloudWatch Logs service principals, the function role via !GetAtt, !Sub in conditions) has no error or warning', () => {
    const sam = readFileSync(join(import.meta.dirname, '../../fixtures/templates/sam-queue-logs-key.yaml'), 'utf8');
    assert.deepEqual(loud(sam), []);
    assert.equal(analyzeTemplate(sam)!.policies[0]!.intrinsics.filter((i) => !i.known).length, 0, 'every intrinsic of the policy resolves');
  });

  it('!Sub of AWS::Partition and AWS::AccountId is the account root: no root-delegation or lockout finding', () => {
    const text = yamlKey(`Version: '2012-10-17'\nStatement:\n${ROOT}`);
    assert.deepEqual(loud(text), []);
  });

  it('without the account root, the finding points at the Statement in the YAML and names the stack account', () => {
    const text = yamlKey(`Version: '2012-10-17'
Statement:
  - Effect: Allow
    Principal: { AWS: !GetAtt Role.Arn }
    Action: kms:*
    Resource: '*'`);
    const finding = findings(text).find((f) => f.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.ok(finding);
    assert.equal(text.slice(finding.range.start, finding.range.start + 1), '-');
    assert.match(finding.message, /\$\{AWS::AccountId\}/);
    // The fix appends the statement as a YAML item, with the stack's account as !Sub.
    const edit = finding.fixes?.[0]?.edits[0];
    assert.ok(edit);
    const fixed = text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
    assert.deepEqual(parseDocument(fixed).errors, []);
    assert.match(fixed, /'\*'\n {10}- Sid: Enable IAM User Permissions\n {12}Effect: Allow\n {12}Principal:\n {14}AWS: !Sub arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:root\n {12}Action: kms:\*\n {12}Resource: '\*'\n$/);
    assert.deepEqual(loud(fixed), []);
  });

  it('in a JSON template the root delegation fix writes the stack account as Fn::Sub', () => {
    const text = JSON.stringify({ Resources: { Role: { Type: 'AWS::IAM::Role', Properties: {} }, Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Role', 'Arn'] } }, Action: 'kms:*', Resource: '*' }] } } } } }, null, 2);
    const edit = findings(text).find((f) => f.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT')?.fixes?.[0]?.edits[0];
    assert.ok(edit);
    const fixed = text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
    const statements = (JSON.parse(fixed) as { Resources: { Key: { Properties: { KeyPolicy: { Statement: { Principal: unknown }[] } } } } }).Resources.Key.Properties.KeyPolicy.Statement;
    assert.deepEqual(statements[1]!.Principal, { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } });
    assert.deepEqual(loud(fixed), []);
  });

  it('an unknown action is reported on its YAML scalar, and its fix keeps the template valid YAML', () => {
    const text = yamlKey(`Version: '2012-10-17'\nStatement:\n${ROOT}\n- Effect: Allow\n  Principal: { AWS: !GetAtt Role.Arn }\n  Action: [kms:Decrypt, kms:Encrpyt]\n  Resource: '*'`);
    assert.equal(at(text, 'UNKNOWN_ACTION'), 'kms:Encrpyt');
    const fix = findings(text).find((f) => f.code === 'UNKNOWN_ACTION')?.fixes?.[0];
    assert.ok(fix, 'a did-you-mean fix is offered');
    let fixed = text;
    for (const edit of [...fix.edits].sort((a, b) => b.range.start - a.range.start)) fixed = fixed.slice(0, edit.range.start) + edit.newText + fixed.slice(edit.range.end);
    assert.deepEqual(parseDocument(fixed).errors, []);
    assert.ok(!codes(fixed).includes('UNKNOWN_ACTION'));
  });

  it('!ImportValue and a parameter without default are unknowns: no lockout, no root finding, no invalid principal', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  TrustedAccount: { Type: String }
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !ImportValue shared-key-admin-role-arn
            Action: kms:*
            Resource: '*'
          - Effect: Allow
            Principal:
              AWS: !Sub arn:aws:iam::\${TrustedAccount}:root
            Action: kms:Decrypt
            Resource: '*'
`;
    assert.deepEqual(findings(text), []);
    const analysis = analyzeTemplate(text)!;
    const hover = templateHover(analysis, text.indexOf('!ImportValue') + 3);
    assert.ok(hover);
    assert.match(hover.markdown, /^\*\*Unknown until deployment\*\*/);
    assert.match(hover.markdown, /exported by another stack/);
  });

  it('an SSM parameter\'s Default is its name, not its value: an unknown, never checked as an account', () => {
    const text = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  AdminAccount: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /org/security-account-id }
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
${ROOT.replace(/^/gm, '          ')}
          - Effect: Allow
            Principal: { AWS: !Sub 'arn:aws:iam::\${AdminAccount}:root' }
            Action: kms:Decrypt
            Resource: '*'
`;
    assert.deepEqual(findings(text), []);
  });

  it('hover on !Sub says what it resolves to, in the template\'s own words, and keeps the principal help', () => {
    const text = yamlKey(`Version: '2012-10-17'\nStatement:\n${ROOT}`);
    const hover = templateHover(analyzeTemplate(text)!, text.indexOf('!Sub') + 10);
    assert.ok(hover);
    assert.equal(text.slice(hover.range.start, hover.range.end), '!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root');
    assert.match(hover.markdown, /^\*\*Resolves to\*\* arn\\:aws\\:iam\\:\\:\\\$\\\{AWS\\:\\:AccountId\\\}\\:root/);
    assert.match(hover.markdown, /- AWS\\:\\:AccountId is the account the stack is deployed in/);
    assert.match(hover.markdown, /the AWS account \\\$\\\{AWS\\:\\:AccountId\\\}/);
  });

  it('hover on a key\'s logical ID says its spec, rotation and the aliases of the template that point at it', () => {
    const hover = templateHover(analyzeTemplate(example)!, example.indexOf('  DataKey:') + 4);
    assert.ok(hover);
    assert.equal(example.slice(hover.range.start, hover.range.end), 'DataKey');
    assert.equal(hover.markdown, [
      '**AWS\\:\\:KMS\\:\\:Key DataKey**',
      '',
      '- KeySpec\\: SYMMETRIC\\_DEFAULT',
      '- KeyUsage\\: ENCRYPT\\_DECRYPT',
      '- Automatic rotation\\: true',
      '- Multi\\-Region\\: no',
      '- Aliases in this template\\: alias\\/app\\-data',
    ].join('\n'));
  });

  it('kms:Sign on a symmetric encryption key and kms:Decrypt on a signing key allow nothing', () => {
    const policy = (action: string) => `Version: '2012-10-17'\nStatement:\n${ROOT}\n- Effect: Allow\n  Principal: { AWS: !GetAtt Role.Arn }\n  Action: [${action}]\n  Resource: '*'`;
    assert.equal(at(yamlKey(policy('kms:Sign'), '\n      EnableKeyRotation: true'), 'KMS_ACTION_NOT_FOR_KEY_SPEC'), 'kms:Sign');
    const signing = yamlKey(policy('kms:Sign, kms:Decrypt'), '\n      KeySpec: ECC_NIST_P256\n      KeyUsage: SIGN_VERIFY');
    assert.equal(at(signing, 'KMS_ACTION_NOT_FOR_KEY_SPEC'), 'kms:Decrypt');
    assert.equal(findings(signing).filter((f) => f.code === 'KMS_ACTION_NOT_FOR_KEY_SPEC').length, 1);
    // Wildcards are how "everything this key does" is written: not reported.
    assert.ok(!codes(yamlKey(policy('kms:*'))).includes('KMS_ACTION_NOT_FOR_KEY_SPEC'));
  });

  it('EnableKeyRotation on an HMAC key fails the stack; a symmetric key without it is told (information)', () => {
    const policy = `Version: '2012-10-17'\nStatement:\n${ROOT}`;
    assert.equal(at(yamlKey(policy, '\n      KeySpec: HMAC_256\n      KeyUsage: GENERATE_VERIFY_MAC\n      EnableKeyRotation: true'), 'KMS_ROTATION_NOT_SUPPORTED'), 'true');
    const plain = findings(yamlKey(policy)).find((f) => f.code === 'KMS_ROTATION_DISABLED');
    assert.equal(plain?.severity, 'information');
  });

  it('kms:ReplicateKey without a Region limit is reported on a multi-Region key only', () => {
    const policy = `Version: '2012-10-17'\nStatement:\n${ROOT}\n- Effect: Allow\n  Principal: { AWS: !GetAtt Role.Arn }\n  Action: kms:ReplicateKey\n  Resource: '*'`;
    assert.ok(!codes(yamlKey(policy, '\n      EnableKeyRotation: true')).includes('KMS_REPLICATE_WITHOUT_REGION_LIMIT'));
    assert.equal(at(yamlKey(policy, '\n      EnableKeyRotation: true\n      MultiRegion: true'), 'KMS_REPLICATE_WITHOUT_REGION_LIMIT'), 'kms:ReplicateKey');
  });

  it('an alias name under alias/aws/ fails the stack', () => {
    const text = `${yamlKey(`Version: '2012-10-17'\nStatement:\n${ROOT}`, '\n      EnableKeyRotation: true')}  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/aws/mine
      TargetKeyId: !Ref Key
`;
    assert.equal(at(text, 'KMS_ALIAS_NAME_INVALID'), 'alias/aws/mine');
  });

  it('CDK synthesized JSON (Fn::Join of Partition and AccountId, CDKMetadata) has no error or warning, and findings point into the JSON', () => {
    const cdk = JSON.stringify({
      Resources: {
        AppKeyB3A4C5D6: {
          Type: 'AWS::KMS::Key',
          Properties: {
            EnableKeyRotation: true,
            KeyPolicy: {
              Statement: [
                {
                  Action: 'kms:*',
                  Effect: 'Allow',
                  Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
                  Resource: '*',
                },
                { Action: ['kms:Decrypt', 'kms:Decyrpt'], Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['AppRole1234', 'Arn'] } }, Resource: '*' },
              ],
              Version: '2012-10-17',
            },
          },
          UpdateReplacePolicy: 'Retain',
          DeletionPolicy: 'Retain',
          Metadata: { 'aws:cdk:path': 'AppStack/AppKey/Resource' },
        },
        AppRole1234: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
        CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:abc' } },
      },
      Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } },
    }, null, 1);
    assert.deepEqual(codes(cdk), ['UNKNOWN_ACTION']);
    assert.equal(at(cdk, 'UNKNOWN_ACTION'), '"kms:Decyrpt"');
    assert.equal(analyzeTemplate(cdk)!.template.resources.has('CDKMetadata'), false);
  });

  it('a JSON template keeps JSON fixes that touch no intrinsic: Add Version makes valid JSON', () => {
    const text = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Key": {
      "Type": "AWS::KMS::Key",
      "Properties": {
        "EnableKeyRotation": true,
        "KeyPolicy": {
          "Statement": [
            { "Effect": "Allow", "Principal": { "AWS": { "Fn::Sub": "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root" } }, "Action": "kms:*", "Resource": "*" }
          ]
        }
      }
    }
  }
}`;
    const missing = findings(text).find((f) => f.code === 'MISSING_VERSION');
    const edit = missing?.fixes?.[0]?.edits[0];
    assert.ok(edit);
    const fixed = text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
    assert.doesNotThrow(() => JSON.parse(fixed));
    assert.deepEqual(loud(fixed), []);
  });

  it('characters outside Latin-1 count in policy values only, not in YAML comments', () => {
    const text = yamlKey(`# Owner: J\u00f6rg \u2014 platform team \u2713\nVersion: '2012-10-17'\nStatement:\n${ROOT}\n- Sid: Read \u2014 app\n  Effect: Allow\n  Principal: { AWS: !GetAtt Role.Arn }\n  Action: kms:Decrypt\n  Resource: '*'`, '\n      EnableKeyRotation: true');
    const found = findings(text).filter((f) => f.code === 'KMS_INVALID_CHARACTER');
    assert.deepEqual(found.map((f) => text.slice(f.range.start, f.range.end)), ['\u2014']);
    assert.ok(found[0]!.range.start > text.indexOf('Sid:'));
  });

  it('YAML and JSON that are not templates are left alone', () => {
    assert.equal(analyzeTemplate('services:\n  web:\n    image: nginx\n'), undefined);
    assert.equal(analyzeTemplate('{"name": "x", "version": "1.0.0"}'), undefined);
    assert.equal(analyzeTemplate('Resources:\n  - a\n'), undefined);
  });
});
