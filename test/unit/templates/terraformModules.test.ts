// The Terraform front-end: key policies written as jsonencode, heredoc JSON, JSON strings,
// aws_iam_policy_document data sources and file() of a JSON file, checked by the key-policy rules
// at the exact HCL expression, with the caller's account as the key's own, and unknowns (input
// variables, values known at plan time) never raising an alarm.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../../server/src/core/analysis/analysisTypes';
import { parseHcl } from '../../../server/src/core/templates/terraform/hclParser';
import { analyzeTerraformModule, terraformHover, validateTerraform } from '../../../server/src/core/templates/terraform/terraformLanguageService';
import { HclFileCache, readTerraformModule } from '../../../server/src/core/templates/terraform/terraformModule';
import { loadHclParser } from '../../../server/src/node/hclGrammarFiles';

before(() => loadHclParser());

type Files = Record<string, string>;

function analyze(files: Files) {
  const tf = Object.entries(files).filter(([path]) => path.endsWith('.tf')).map(([path, text]) => ({ path, text }));
  return analyzeTerraformModule(readTerraformModule(tf, (relative) => (files[relative] !== undefined ? { path: relative, text: files[relative]! } : undefined)));
}
function findings(files: Files): { path: string; finding: Finding; at: string }[] {
  const result: { path: string; finding: Finding; at: string }[] = [];
  for (const [path, list] of validateTerraform(analyze(files))) {
    for (const finding of list) result.push({ path, finding, at: files[path]!.slice(finding.range.start, finding.range.end) });
  }
  return result;
}
const loud = (files: Files) => findings(files).filter((f) => f.finding.severity === 'error' || f.finding.severity === 'warning');
const codes = (files: Files) => findings(files).map((f) => f.finding.code);
const one = (files: Files, code: string) => {
  const found = findings(files).filter((f) => f.finding.code === code);
  assert.equal(found.length, 1, `${code} is reported once: ${JSON.stringify(findings(files).map((f) => f.finding.code))}`);
  return found[0]!;
};

const fixtureModule = (name: string): Files => {
  const dir = join(import.meta.dirname, '../../fixtures/terraform', name);
  return Object.fromEntries(readdirSync(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
};

const ROOT = '"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"';
const DATA = 'data "aws_caller_identity" "current" {}\ndata "aws_partition" "current" {}\n';

function jsonencodeKey(statements: string, args = 'enable_key_rotation = true'): string {
  return `${DATA}
resource "aws_kms_key" "main" {
  ${args}
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = ${ROOT} }
        Action    = "kms:*"
        Resource  = "*"
      },${statements}
    ]
  })
}
`;
}

describe('Terraform: HCL parsing with exact ranges', () => {
  it('blocks, labels and attributes keep their offsets; escapes and $${ are decoded', () => {
    const text = 'resource "aws_kms_key" "k" {\n  description = "a \\"b\\" $${c}"\n}\n';
    const file = parseHcl(text);
    assert.deepEqual(file.syntaxProblems, []);
    const block = file.body.blocks[0]!;
    assert.deepEqual(block.labels.map((l) => l.value), ['aws_kms_key', 'k']);
    const value = block.body.attributes.get('description')!.value;
    assert.equal(text.slice(value.range.start, value.range.end), '"a \\"b\\" $${c}"');
    assert.ok(value.kind === 'string' && value.parts[0]!.kind === 'literal');
    assert.equal(value.kind === 'string' && value.parts[0]!.kind === 'literal' ? value.parts[0]!.text : '', 'a "b" ${c}');
  });

  it('a file Terraform cannot parse gets TERRAFORM_SYNTAX, and the rest of the module is still checked', () => {
    const text = `${jsonencodeKey('')}\nresource "aws_kms_alias" "a" {\n  name = \n}\n`;
    assert.ok(codes({ 'main.tf': text }).includes('TERRAFORM_SYNTAX'));
  });
});

describe('Terraform: key policies checked in place', () => {
  it('the default key policy written with ${data.aws_caller_identity.current.account_id} has no error or warning', () => {
    assert.deepEqual(loud(fixtureModule('default-key')), []);
  });

  it('the example module (jsonencode, policy document data source, grant, alias, role policy) has no error or warning', () => {
    const dir = join(import.meta.dirname, '../../../examples/terraform');
    const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.tf')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    assert.deepEqual(loud(files), []);
  });

  it('jsonencode: "kms:Encrpt" matches no KMS action, reported at the HCL string', () => {
    const text = jsonencodeKey(`
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/App" }
        Action    = ["kms:Encrpt"]
        Resource  = "*"
      }`);
    const f = one({ 'main.tf': text }, 'UNKNOWN_ACTION');
    assert.equal(f.at, '"kms:Encrpt"');
    // The rule's fix replaces a whole JSON string: valid HCL too.
    const edit = f.finding.fixes?.[0]?.edits[0];
    assert.ok(edit);
    assert.equal(edit.newText, '"kms:Encrypt"');
  });

  it('jsonencode without the account root: "IAM policies ... have no effect" at the Statement, with an HCL fix naming the caller\'s account', () => {
    const text = `${DATA}
resource "aws_kms_key" "main" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/Admin" }
        Action    = "kms:*"
        Resource  = "*"
      }
    ]
  })
}
`;
    const f = one({ 'main.tf': text }, 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.match(f.finding.message, /\$\{data\.aws_caller_identity\.current\.account_id\}/);
    const edit = f.finding.fixes?.[0]?.edits[0];
    assert.ok(edit);
    const fixed = text.slice(0, edit.range.start) + edit.newText + text.slice(edit.range.end);
    assert.match(fixed, /"arn:\$\{data\.aws_partition\.current\.partition\}:iam::\$\{data\.aws_caller_identity\.current\.account_id\}:root"/);
    // The fixed module parses and has no root-delegation finding left.
    assert.deepEqual(parseHcl(fixed).syntaxProblems, []);
    assert.ok(!codes({ 'main.tf': fixed }).includes('KMS_NO_ACCOUNT_ROOT_STATEMENT'));
  });

  it('heredoc JSON (<<-EOF): a wildcard principal is reported at its exact text in the heredoc', () => {
    const text = `${DATA}
resource "aws_kms_key" "main" {
  enable_key_rotation = true
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ${ROOT}}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
      ]
    }
  EOF
}
`;
    const f = one({ 'main.tf': text }, 'KMS_WILDCARD_PRINCIPAL');
    assert.equal(f.at, '"*"');
    assert.equal(text.slice(text.lastIndexOf('"Principal": "*"') + 13, text.lastIndexOf('"Principal": "*"') + 16), '"*"');
    assert.equal(f.finding.range.start, text.lastIndexOf('"Principal": "*"') + 13);
  });

  it('a JSON string policy: findings map back through the escapes to the escaped text', () => {
    const text = `${DATA}
resource "aws_kms_key" "main" {
  enable_key_rotation = true
  policy = "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": {\\"AWS\\": \\"arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root\\"}, \\"Action\\": [\\"kms:*\\", \\"kms:Encrpt\\"], \\"Resource\\": \\"*\\"}]}"
}
`;
    const f = one({ 'main.tf': text }, 'UNKNOWN_ACTION');
    assert.equal(f.at, '\\"kms:Encrpt\\"');
    assert.equal(f.finding.fixes, undefined, 'an edit inside a quoted string would need escaping: no fix');
  });

  it('data "aws_iam_policy_document" in another file: findings land in that file, at its blocks', () => {
    const files = fixtureModule('missing-root-delegation');
    const f = one(files, 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.equal(f.path, 'policies.tf');
    assert.equal(f.finding.range.start, files['policies.tf']!.indexOf('statement {'), 'at the first statement block');
  });

  it('file("${path.module}/key-policy.json"): the JSON file is checked, its findings located in it', () => {
    const files: Files = {
      'main.tf': `resource "aws_kms_key" "main" {\n  enable_key_rotation = true\n  policy = file("\${path.module}/key-policy.json")\n}\n`,
      'key-policy.json': '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["kms:*", "kms:Encrpt"], "Resource": "*"}]\n}\n',
    };
    const f = one(files, 'UNKNOWN_ACTION');
    assert.equal(f.path, 'key-policy.json');
    assert.equal(f.at, '"kms:Encrpt"');
  });

  it('templatefile(): variables passed as the caller account resolve; others are unknown', () => {
    const files: Files = {
      'main.tf': `${DATA}resource "aws_kms_key" "main" {\n  enable_key_rotation = true\n  policy = templatefile("\${path.module}/policy.json.tpl", { account_id = data.aws_caller_identity.current.account_id })\n}\n`,
      'policy.json.tpl': '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${account_id}:root"}, "Action": "kms:*", "Resource": "*"}]}',
    };
    assert.deepEqual(loud(files), []);
  });

  it('an input variable is an unknown: a principal from var.* raises no alarm, and hover says it is unknown', () => {
    const text = jsonencodeKey(`
      {
        Effect    = "Allow"
        Principal = { AWS = var.reader_arn }
        Action    = "kms:Decrypt"
        Resource  = "*"
      }`);
    const files = { 'main.tf': `variable "reader_arn" {\n  type = string\n}\n${text}` };
    assert.deepEqual(loud(files), []);
    const offset = files['main.tf'].indexOf('var.reader_arn') + 2;
    const hover = terraformHover(analyze(files), 'main.tf', offset);
    assert.ok(hover);
    assert.match(hover.markdown, /Unknown until plan/);
    assert.match(hover.markdown, /input variable/);
  });

  it('hover on the caller account interpolation says what it resolves to', () => {
    const text = jsonencodeKey('');
    const offset = text.indexOf('aws_caller_identity.current.account_id}');
    const hover = terraformHover(analyze({ 'main.tf': text }), 'main.tf', offset);
    assert.ok(hover);
    assert.match(hover.markdown, /Resolves to/);
    assert.match(hover.markdown, /account Terraform runs in/);
  });
});

describe('Terraform: key arguments, aliases and grants', () => {
  it('"Automatic key rotation is supported only on symmetric encryption KMS keys": enable_key_rotation on an RSA key is an error at the argument', () => {
    const text = jsonencodeKey('', 'customer_master_key_spec = "RSA_2048"\n  key_usage = "SIGN_VERIFY"\n  enable_key_rotation = true');
    const f = one({ 'main.tf': text }, 'KMS_ROTATION_NOT_SUPPORTED');
    assert.equal(f.at, 'true');
  });

  it('"The key usage of a KMS key determines the cryptographic operations the key supports": kms:Encrypt on a SIGN_VERIFY key', () => {
    const text = jsonencodeKey(`
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:role/Signer" }
        Action    = ["kms:Sign", "kms:Encrypt"]
        Resource  = "*"
      }`, 'customer_master_key_spec = "ECC_NIST_P256"\n  key_usage = "SIGN_VERIFY"');
    assert.equal(one({ 'main.tf': text }, 'KMS_ACTION_NOT_FOR_KEY_SPEC').at, '"kms:Encrypt"');
  });

  it('a key without enable_key_rotation is noted at its name', () => {
    const text = jsonencodeKey('', 'description = "x"');
    assert.equal(one({ 'main.tf': text }, 'KMS_ROTATION_DISABLED').at, '"main"');
  });

  it('"The alias name cannot begin with alias/aws/": aws_kms_alias name', () => {
    const text = `${jsonencodeKey('')}\nresource "aws_kms_alias" "a" {\n  name          = "alias/aws/app"\n  target_key_id = aws_kms_key.main.key_id\n}\n`;
    assert.equal(one({ 'main.tf': text }, 'KMS_ALIAS_NAME_INVALID').at, '"alias/aws/app"');
  });

  it('"The operations in a grant must be appropriate for the key": aws_kms_grant of Decrypt on a signing key, and an operation that is no grant operation', () => {
    const text = `${jsonencodeKey('', 'customer_master_key_spec = "ECC_NIST_P256"\n  key_usage = "SIGN_VERIFY"')}
resource "aws_kms_grant" "g" {
  name              = "signer"
  key_id            = aws_kms_key.main.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/Signer"
  operations        = ["Sign", "Decrypt", "Frobnicate"]
  constraints {
    encryption_context_equals = { team = "a" }
  }
}
`;
    assert.equal(one({ 'main.tf': text }, 'KMS_ACTION_NOT_FOR_KEY_SPEC').at, '"Decrypt"');
    assert.equal(one({ 'main.tf': text }, 'KMS_INVALID_GRANT_OPERATION').at, '"Frobnicate"');
  });

  it('a grant on a symmetric key with its operations is fine', () => {
    const text = `${jsonencodeKey('')}
resource "aws_kms_grant" "g" {
  key_id            = aws_kms_key.main.key_id
  grantee_principal = "arn:aws:iam::111122223333:role/App"
  operations        = ["Encrypt", "Decrypt", "GenerateDataKey"]
}
`;
    assert.deepEqual(loud({ 'main.tf': text }), []);
  });

  it('"To specify the grantee principal, use the Amazon Resource Name (ARN) of an AWS principal": a role name is an error at the string', () => {
    const grant = (grantee: string, retiring = '') => `${jsonencodeKey('')}
resource "aws_kms_grant" "g" {
  key_id            = aws_kms_key.main.key_id
  grantee_principal = ${grantee}
  ${retiring}
  operations        = ["Decrypt"]
}
`;
    const found = one({ 'main.tf': grant('"app-role"') }, 'KMS_GRANT_PRINCIPAL_INVALID');
    assert.equal(found.at, '"app-role"');
    assert.equal(found.finding.severity, 'error');
    assert.match(found.finding.message, /^'app-role' is not a principal KMS accepts as grantee_principal: use the ARN of an AWS account, IAM user, IAM role/);
    assert.equal(one({ 'main.tf': grant('"arn:aws:iam::111122223333:role/App"', 'retiring_principal = "admin"') }, 'KMS_GRANT_PRINCIPAL_INVALID').at, '"admin"');
    // An ARN, a service principal, a reference or a variable: nothing to say.
    for (const ok of ['"arn:aws:iam::111122223333:role/App"', '"logs.us-east-1.amazonaws.com"', 'aws_iam_role.app.arn', 'var.grantee']) {
      assert.deepEqual(codes({ 'main.tf': grant(ok) }).filter((c) => c === 'KMS_GRANT_PRINCIPAL_INVALID'), [], ok);
    }
  });
});

describe('Terraform: IAM policies of the module against its keys', () => {
  it('"IAM policies alone are not sufficient": a role allowed kms:Decrypt in IAM on a key whose policy neither delegates nor names it', () => {
    const f = one(fixtureModule('missing-root-delegation'), 'KMS_IDENTITY_ALLOW_INEFFECTIVE');
    assert.equal(f.path, 'main.tf');
    assert.equal(f.at, 'aws_kms_key.data.arn');
    assert.match(f.finding.message, /aws_iam_role\.worker on aws_kms_key\.data/);
  });

  it('with the root delegation in the key policy, the same IAM Allow works: nothing is reported', () => {
    const files = fixtureModule('missing-root-delegation');
    files['policies.tf'] = files['policies.tf']!.replace('data "aws_iam_policy_document" "data_key" {', `data "aws_iam_policy_document" "data_key" {
  statement {
    sid       = "Enable IAM User Permissions"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [${ROOT}]
    }
  }`);
    files['main.tf'] = `data "aws_partition" "current" {}\n${files['main.tf']}`;
    assert.deepEqual(codes(files).filter((c) => c === 'KMS_IDENTITY_ALLOW_INEFFECTIVE' || c === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'), []);
  });

  it('a key policy with an unknown principal may be the delegation: no IAM finding', () => {
    const files = fixtureModule('missing-root-delegation');
    files['policies.tf'] = files['policies.tf']!.replace('"arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/KeyAdmin"', 'var.admin_arn');
    assert.deepEqual(codes(files).filter((c) => c === 'KMS_IDENTITY_ALLOW_INEFFECTIVE' || c === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'), []);
  });
});

describe('Terraform: parsed files kept while their text is unchanged', () => {
  it('an unchanged file is not parsed again; an edited one is, and the module\'s findings follow the edit', () => {
    const files = fixtureModule('missing-root-delegation');
    const sources = () => Object.entries(files).map(([path, text]) => ({ path, text }));
    const cache = new HclFileCache();
    const first = readTerraformModule(sources(), undefined, cache);
    const again = readTerraformModule(sources(), undefined, cache);
    assert.equal(again.files[0]!.hcl, first.files[0]!.hcl);
    assert.equal(again.files[1]!.hcl, first.files[1]!.hcl);
    const delegates = (module: ReturnType<typeof readTerraformModule>) => ![...validateTerraform(analyzeTerraformModule(module)).values()].flat().some((f) => f.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.equal(delegates(again), false);
    // The policy document gets the root statement: policies.tf is parsed again, main.tf is not.
    files['policies.tf'] = files['policies.tf']!.replace('  statement {', `  statement {\n    sid       = "Enable IAM User Permissions"\n    actions   = ["kms:*"]\n    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = ["arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root"]\n    }\n  }\n  statement {`);
    const edited = readTerraformModule(sources(), undefined, cache);
    const main = edited.files.findIndex((f) => f.path === 'main.tf');
    const policies = edited.files.findIndex((f) => f.path === 'policies.tf');
    assert.equal(edited.files[main]!.hcl, first.files[main]!.hcl);
    assert.notEqual(edited.files[policies]!.hcl, first.files[policies]!.hcl);
    assert.equal(delegates(edited), true);
  });
});
