// CloudFormation accepts a KeyPolicy written as a JSON string: AWS::KMS::Key's syntax reads
// `"KeyPolicy" : Json` (its resource provider's: `Map, String`), and templates write it most often
// as `!Sub |` with the JSON inside, or as what Fn::Join builds. Such a policy is checked by the same
// rules, each finding at the characters the user wrote, through the string's escapes, its block
// indentation and each `${...}` Fn::Sub replaces; its quick fixes are written in the string.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../../server/src/core/analysis/analysisTypes';
import { analyzeTemplate, templateHover, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';

function findings(text: string): Finding[] {
  const analysis = analyzeTemplate(text);
  assert.ok(analysis, 'the text is read as a template');
  return validateTemplate(analysis);
}

function only(text: string, code: string): Finding {
  const found = findings(text).filter((f) => f.code === code);
  assert.equal(found.length, 1, `one ${code} in ${JSON.stringify(findings(text).map((f) => f.code))}`);
  return found[0]!;
}

const written = (text: string, f: Finding) => text.slice(f.range.start, f.range.end);

/** The template after the finding's first fix. */
function fixed(text: string, f: Finding): string {
  const fix = f.fixes?.[0];
  assert.ok(fix, `${f.code} has a fix`);
  return [...fix.edits].sort((a, b) => b.range.start - a.range.start).reduce((t, e) => t.slice(0, e.range.start) + e.newText + t.slice(e.range.end), text);
}

const yamlTemplate = (keyPolicy: string) => `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  AdminRoleArn:
    Type: String
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy: ${keyPolicy}
`;

const SUB_BLOCK = `!Sub |
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Enable IAM User Permissions",
              "Effect": "Allow",
              "Principal": {"AWS": "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"},
              "Action": "kms:*",
              "Resource": "*"
            },
            {
              "Sid": "Use",
              "Effect": "Allow",
              "Principal": {"AWS": "\${AdminRoleArn}"},
              "Action": ["kms:Decrpyt", "kms:Encrypt"],
              "Resource": "*"
            }
          ]
        }`;

describe('a KeyPolicy written as a JSON string', () => {
  it('!Sub | (a literal block): a finding sits on the characters written in the block, and its fix is written there', () => {
    const text = yamlTemplate(SUB_BLOCK);
    const unknown = only(text, 'UNKNOWN_ACTION');
    assert.equal(written(text, unknown), '"kms:Decrpyt"');
    const after = fixed(text, unknown);
    assert.ok(after.includes('"Action": ["kms:Decrypt", "kms:Encrypt"]'));
    assert.deepEqual(findings(after).filter((f) => f.code === 'UNKNOWN_ACTION'), []);
  });

  it('!Sub: ${AWS::AccountId} is the stack\'s account (the root delegation is seen), an unknown ${Param} raises no alarm', () => {
    const text = yamlTemplate(SUB_BLOCK.replace('"kms:Decrpyt"', '"kms:Decrypt"'));
    assert.deepEqual(findings(text).filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
    const hover = templateHover(analyzeTemplate(text)!, text.indexOf('${AWS::AccountId}') + 3);
    assert.ok(hover?.markdown.startsWith('**Resolves to** \\$\\{AWS\\:\\:AccountId\\}'), hover?.markdown);
    const unknown = templateHover(analyzeTemplate(text)!, text.indexOf('${AdminRoleArn}') + 3);
    assert.ok(unknown?.markdown.startsWith('**Unknown until deployment**'), unknown?.markdown);
    assert.equal(text.slice(unknown!.range!.start, unknown!.range!.end), '${AdminRoleArn}');
  });

  it('!Sub | without the root delegation: reported, and the fix adds the statement in the block, naming ${AWS::AccountId}', () => {
    const text = yamlTemplate(`!Sub |
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Admin",
              "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::111122223333:role/Admin"},
              "Action": "kms:*",
              "Resource": "*"
            }
          ]
        }`);
    const missing = only(text, 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    const after = fixed(text, missing);
    assert.match(after, /"AWS": "arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:root"/);
    assert.deepEqual(findings(after).filter((f) => f.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'), []);
  });

  it('a plain literal block (no Sub): the fix may not name the stack\'s account, which only Fn::Sub can write', () => {
    const text = yamlTemplate(`|
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Admin"}, "Action": "kms:*", "Resource": "*"}]}`);
    const missing = only(text, 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.equal(missing.fixes, undefined);
  });

  it('a JSON template\'s escaped string: the finding covers the escaped text, and the fix writes escaped JSON', () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ['kms:Decrpyt'], Resource: '*' }] }, null, 2);
    const text = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: document } } } }, null, 2);
    const unknown = only(text, 'UNKNOWN_ACTION');
    assert.equal(written(text, unknown), '\\"kms:Decrpyt\\"');
    const after = fixed(text, unknown);
    const keyPolicy = (JSON.parse(after) as { Resources: { Key: { Properties: { KeyPolicy: string } } } }).Resources.Key.Properties.KeyPolicy;
    assert.deepEqual((JSON.parse(keyPolicy) as { Statement: { Action: string[] }[] }).Statement[0]!.Action, ['kms:Decrypt']);
  });

  it('a JSON template\'s {"Fn::Sub": string} and a \\u escape: the findings land on the written characters', () => {
    const document = '{"Version": "2012-10-17", "Statement": [{"Sid": "caf\\u00e9", "Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"}, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, "Action": "kms:Decrpyt", "Resource": "*"}]}';
    // The template writes the é of the Sid as the template string's own escape, \u00e9.
    const text = JSON.stringify({ Resources: { Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { 'Fn::Sub': document } } } } }).replace('caf\\\\u00e9', 'caf\\u00e9');
    assert.ok(text.includes('\\"caf\\u00e9\\"'));
    assert.equal(analyzeTemplate(text)!.policies[0]!.model.statements[0]!.sid?.value, 'café');
    const unknown = only(text, 'UNKNOWN_ACTION');
    assert.equal(written(text, unknown), '\\"kms:Decrpyt\\"');
    assert.equal(findings(text).some((f) => f.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'), false, '${AWS::AccountId} is the stack account');
  });

  it('a YAML double-quoted string with escapes and a single-quoted one', () => {
    const double = yamlTemplate(`"{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": {\\"AWS\\": \\"arn:aws:iam::111122223333:root\\"}, \\"Action\\": \\"kms:Decrpyt\\", \\"Resource\\": \\"*\\"}]}"`);
    assert.equal(written(double, only(double, 'UNKNOWN_ACTION')), '\\"kms:Decrpyt\\"');
    assert.ok(fixed(double, only(double, 'UNKNOWN_ACTION')).includes('\\"kms:Decrypt\\"'));
    const single = yamlTemplate(`'{"Version": "2012-10-17", "Statement": [{"Sid": "it''s", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrpyt", "Resource": "*"}]}'`);
    assert.equal(written(single, only(single, 'UNKNOWN_ACTION')), '"kms:Decrpyt"');
  });

  it('Fn::Join building the JSON: pieces land in their strings, a Ref stands at its place', () => {
    const text = yamlTemplate(`!Join
        - ''
        - - '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::'
          - !Ref AWS::AccountId
          - ':root"}, "Action": "kms:*", "Resource": "*"}, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, "Action": "kms:Decrpyt", "Resource": "*"}]}'`);
    const unknown = only(text, 'UNKNOWN_ACTION');
    assert.equal(written(text, unknown), '"kms:Decrpyt"');
    assert.equal(findings(text).some((f) => f.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'), false);
    assert.equal(unknown.fixes, undefined, 'a joined string gets no fix');
  });

  it('a folded block and Windows line ends map line by line', () => {
    const folded = yamlTemplate(`>
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "kms:Decrpyt", "Resource": "*"}]}`);
    assert.equal(written(folded, only(folded, 'UNKNOWN_ACTION')), '"kms:Decrpyt"');
    const crlf = yamlTemplate(SUB_BLOCK).replace(/\n/g, '\r\n');
    assert.equal(written(crlf, only(crlf, 'UNKNOWN_ACTION')), '"kms:Decrpyt"');
  });

  it('a JSON syntax error in the string is reported where it is written', () => {
    const text = yamlTemplate(`|
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow" "Action": "kms:*"}]}`);
    const syntax = findings(text).filter((f) => f.code === 'JSON_SYNTAX');
    assert.ok(syntax.length > 0);
    assert.equal(written(text, syntax[0]!), '"Action"');
  });

  it('a string this front-end cannot map exactly (an explicit indentation indicator) stays unchecked, without error', () => {
    const text = yamlTemplate(`|2
          {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrpyt", "Resource": "*"}]}`);
    assert.deepEqual(analyzeTemplate(text)!.policies, []);
  });
});
