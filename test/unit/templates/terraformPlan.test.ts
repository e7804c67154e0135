// Terraform's plan JSON (terraform show -json): the planned keys, policies, grants, aliases and IAM
// resources of every module checked by the rules of .tf files, each finding at the exact characters
// of the plan file, through the escapes of the JSON string a policy is held in. The fixture is a
// plan Terraform 1.11.4 made (test/fixtures/terraform/plan/main.tf says how).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../../server/src/core/analysis/analysisTypes';
import { escapeMarkdown } from '../../../server/src/core/markdown/markdownText';
import { analyzeTerraformModule, terraformHover, validateTerraform } from '../../../server/src/core/templates/terraform/terraformLanguageService';
import { readTerraformPlan } from '../../../server/src/core/templates/terraform/terraformPlan';

const PLAN = readFileSync(join(import.meta.dirname, '../../fixtures/terraform/plan/plan.json'), 'utf8');

function findings(text: string, options: { disabledRules?: string[] } = {}): { finding: Finding; at: string }[] {
  const module = readTerraformPlan('plan.json', text);
  assert.ok(module, 'the text is read as a plan');
  return (validateTerraform(analyzeTerraformModule(module), options).get('plan.json') ?? []).map((finding) => ({ finding, at: text.slice(finding.range.start, finding.range.end) }));
}
const loud = (text: string) => findings(text).filter((f) => f.finding.severity === 'error' || f.finding.severity === 'warning');
/** The planned_values entry of a resource: where its values are written. */
function plannedRange(text: string, address: string): { start: number; end: number } {
  const start = text.indexOf(`{"address":"${address}"`);
  assert.ok(start >= 0, address);
  const next = text.indexOf('{"address":', start + 1);
  return { start, end: next < 0 ? text.length : next };
}
const within = (f: Finding, range: { start: number; end: number }) => range.start <= f.range.start && f.range.end <= range.end;

/** A plan as Terraform writes it, with one aws_kms_key whose policy string is `policy` as written in the plan file. */
function minimalPlan(policy: string, values = '"customer_master_key_spec":"SYMMETRIC_DEFAULT","key_usage":"ENCRYPT_DECRYPT","enable_key_rotation":true', afterUnknown = '{"arn":true,"id":true,"key_id":true}'): string {
  return `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"resources":[{"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{${values},"policy":"${policy}"},"sensitive_values":{}}]}},"resource_changes":[{"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["create"],"before":null,"after":{},"after_unknown":${afterUnknown}}}],"configuration":{"root_module":{"resources":[]}}}`;
}
const ROOT = String.raw`{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}`;

describe('Terraform plan JSON: recognised by its shape', () => {
  it('a plan (format_version, terraform_version, planned_values.root_module) is read; a key policy or a CloudFormation template is not', () => {
    assert.ok(readTerraformPlan('plan.json', PLAN));
    assert.equal(readTerraformPlan('key-policy.json', '{"Version":"2012-10-17","Statement":[]}'), undefined);
    assert.equal(readTerraformPlan('template.json', '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"Key":{"Type":"AWS::KMS::Key"}}}'), undefined);
    // The words alone are not the shape.
    assert.equal(readTerraformPlan('notes.json', '{"text":"planned_values and terraform_version"}'), undefined);
  });

  it('every planned KMS and IAM resource of the root and child modules is read, with the account the plan shows', () => {
    const module = readTerraformPlan('plan.json', PLAN)!;
    assert.deepEqual([...module.resources.keys()].sort(), [
      'aws_iam_role.app', 'aws_kms_alias.app', 'aws_kms_grant.release', 'aws_kms_key.app', 'aws_kms_key.signing',
      'module.data.aws_iam_role.reader', 'module.data.aws_iam_role_policy.reader', 'module.data.aws_kms_key.reports',
    ]);
    assert.equal(module.plan?.account, '111122223333');
  });

  it('a value "known after apply" (after_unknown) is an unknown, not the provider\'s default', () => {
    const module = readTerraformPlan('plan.json', PLAN)!;
    assert.equal(module.resources.get('aws_kms_key.app')!.block.body.attributes.get('multi_region')?.value.kind, 'other');
    // Had it been read as unset, a key spec the plan does not know would be taken as SYMMETRIC_DEFAULT.
    const unknownSpec = minimalPlan(ROOT, '"key_usage":"ENCRYPT_DECRYPT","enable_key_rotation":false', '{"arn":true,"customer_master_key_spec":true}');
    assert.ok(!findings(unknownSpec).some((f) => f.finding.code === 'KMS_ROTATION_DISABLED'));
    assert.ok(findings(minimalPlan(ROOT, '"customer_master_key_spec":"SYMMETRIC_DEFAULT","key_usage":"ENCRYPT_DECRYPT","enable_key_rotation":false')).some((f) => f.finding.code === 'KMS_ROTATION_DISABLED' && f.at === 'false'));
  });
});

describe('Terraform plan JSON: findings at their characters in the plan', () => {
  it('the plan Terraform made: exactly the grant, the missing delegation and the IAM Allow it makes ineffective', () => {
    assert.deepEqual(loud(PLAN).map((f) => f.finding.code).sort(), ['KMS_ACTION_NOT_FOR_KEY_SPEC', 'KMS_IDENTITY_ALLOW_INEFFECTIVE', 'KMS_NO_ACCOUNT_ROOT_STATEMENT']);
  });

  it('the default key policy naming the account 111122223333 has no error or warning', () => {
    const app = plannedRange(PLAN, 'aws_kms_key.app');
    assert.deepEqual(loud(PLAN).filter((f) => within(f.finding, app)), []);
    const signing = plannedRange(PLAN, 'aws_kms_key.signing');
    assert.deepEqual(loud(PLAN).filter((f) => within(f.finding, signing)), []);
  });

  it('"IAM policies alone are not sufficient": the updated key policy no longer delegates while a role is allowed kms:Decrypt on the key', () => {
    const reports = plannedRange(PLAN, 'module.data.aws_kms_key.reports');
    const noRoot = loud(PLAN).find((f) => f.finding.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT')!;
    assert.ok(within(noRoot.finding, reports));
    // The Statement array inside the escaped policy string.
    assert.equal(noRoot.finding.range.start, PLAN.indexOf('\\"Statement\\":[', reports.start) + '\\"Statement\\":'.length);
    assert.match(noRoot.finding.message, /111122223333/);
    const ineffective = loud(PLAN).find((f) => f.finding.code === 'KMS_IDENTITY_ALLOW_INEFFECTIVE')!;
    assert.ok(within(ineffective.finding, plannedRange(PLAN, 'module.data.aws_iam_role_policy.reader')));
    assert.equal(ineffective.at, '\\"arn:aws:kms:eu-west-1:111122223333:key/6f1c9a52-3b7e-4d0a-9c2f-8e5d41b7a903\\"');
    assert.match(ineffective.finding.message, /module\.data\.aws_iam_role\.reader on module\.data\.aws_kms_key\.reports/);
    assert.match(ineffective.finding.message, /arn:aws:iam::111122223333:root/);
  });

  it('"The operations in a grant must be appropriate for the key": Decrypt on the ECC_NIST_P256 signing key, linked through the configuration while its key_id is known after apply', () => {
    const grant = loud(PLAN).find((f) => f.finding.code === 'KMS_ACTION_NOT_FOR_KEY_SPEC')!;
    assert.equal(grant.at, '"Decrypt"');
    assert.ok(within(grant.finding, plannedRange(PLAN, 'aws_kms_grant.release')));
    assert.match(grant.finding.message, /aws_kms_key\.signing, a key with key usage SIGN_VERIFY and key spec ECC_NIST_P256/);
  });

  it('a finding inside the policy string spans the escaped text: \\" of the plan', () => {
    const misspelt = PLAN.replace('\\"kms:GenerateDataKey*\\"', '\\"kms:GenerateDataKye*\\"');
    const unknown = findings(misspelt).find((f) => f.finding.code === 'UNKNOWN_ACTION');
    assert.ok(unknown, JSON.stringify(findings(misspelt).map((f) => f.finding.code)));
    assert.equal(unknown.at, '\\"kms:GenerateDataKye*\\"');
    // A plan gets no quick fix: it is Terraform's output, the .tf file is where to change it.
    assert.equal(unknown.finding.fixes, undefined);
  });

  it('escapes of every kind map back: \\u0022 quotes, \\n line breaks, \\\\u0026 inside a value', () => {
    const policy = String.raw`{\n  \u0022Version\u0022: \u00222012-10-17\u0022,\n  \u0022Statement\u0022: [${ROOT},\n    {\u0022Effect\u0022: \u0022Allow\u0022, \u0022Principal\u0022: {\u0022AWS\u0022: \u0022*\u0022}, \u0022Action\u0022: \u0022kms:Decrpyt\u0022, \u0022Resource\u0022: \u0022*\u0022, \u0022Condition\u0022: {\u0022StringEquals\u0022: {\u0022kms:EncryptionContext:team\u0022: \u0022R\\u0026D\u0022}}}]\n}`;
    const text = minimalPlan(policy);
    const all = findings(text);
    assert.equal(all.find((f) => f.finding.code === 'UNKNOWN_ACTION')?.at, String.raw`\u0022kms:Decrpyt\u0022`);
    assert.equal(all.find((f) => f.finding.code === 'KMS_WILDCARD_PRINCIPAL')?.at, String.raw`\u0022*\u0022`);
    const module = readTerraformPlan('plan.json', text)!;
    const model = analyzeTerraformModule(module).policies[0]!.policy.model;
    const condition = model.statements[1]!.condition?.[0];
    assert.ok(condition, 'the Condition is read');
    const value = condition.values[0]!;
    assert.equal(value.value, 'R&D');
    assert.equal(text.slice(value.range.start, value.range.end), String.raw`\u0022R\\u0026D\u0022`);
  });

  it('a policy string that is not JSON: the syntax problem is located in the plan, nothing crashes', () => {
    const text = minimalPlan(String.raw`{\"Version\":\"2012-10-17\",\"Statement\":[${ROOT},]}`);
    const syntax = findings(text).find((f) => f.finding.code === 'JSON_SYNTAX');
    assert.ok(syntax, JSON.stringify(findings(text).map((f) => f.finding.code)));
    assert.equal(syntax.at, ']');
  });

  it('hover on a key\'s address says what the plan fixes about it, and what it leaves known after apply', () => {
    const analysis = analyzeTerraformModule(readTerraformPlan('plan.json', PLAN)!);
    const at = PLAN.indexOf('"address":"aws_kms_key.app"') + '"address":"'.length;
    const hover = terraformHover(analysis, 'plan.json', at);
    assert.equal(hover?.markdown, [
      `**${escapeMarkdown('aws_kms_key aws_kms_key.app')}**`,
      '',
      ...['Key spec: SYMMETRIC_DEFAULT', 'Key usage: ENCRYPT_DECRYPT', 'Automatic rotation: true', 'Multi-Region: known after apply', 'Aliases in this module: alias/app-data', 'Grants in this module: none'].map((line) => `- ${escapeMarkdown(line)}`),
    ].join('\n'));
  });
});

describe('Terraform plan JSON: bad input', () => {
  it('a truncated plan, resources of the wrong shape, a policy that is not a string: read as far as it goes, never a crash', () => {
    const truncated = PLAN.slice(0, Math.floor(PLAN.length / 3));
    const module = readTerraformPlan('plan.json', truncated);
    assert.ok(module);
    const byPath = validateTerraform(analyzeTerraformModule(module));
    assert.ok((byPath.get('plan.json') ?? []).some((f) => f.code === 'TERRAFORM_SYNTAX'));
    const odd = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"resources":[7,{"address":"aws_kms_key.a"},{"address":"aws_kms_key.b","type":"aws_kms_key","name":"b","values":{"policy":42,"enable_key_rotation":"yes"}},{"address":"aws_kms_grant.g","type":"aws_kms_grant","name":"g","values":{"key_id":null,"operations":"Decrypt"}}],"child_modules":{"no":"array"}}},"resource_changes":{"not":"an array"},"configuration":[]}`;
    const oddModule = readTerraformPlan('plan.json', odd);
    assert.ok(oddModule);
    assert.deepEqual([...oddModule.resources.keys()], ['aws_kms_key.b', 'aws_kms_grant.g']);
    assert.doesNotThrow(() => validateTerraform(analyzeTerraformModule(oddModule)));
  });

  it('modules nested past any real plan are read to a limit, not to the end of the stack', () => {
    let nested = '{"resources":[]}';
    for (let i = 0; i < 5_000; i++) nested = `{"address":"module.m${i}","resources":[],"child_modules":[${nested}]}`;
    const text = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":${nested}}}`;
    const module = readTerraformPlan('plan.json', text);
    assert.ok(module);
    const problems = validateTerraform(analyzeTerraformModule(module)).get('plan.json') ?? [];
    assert.deepEqual(problems.map((f) => f.code), ['TERRAFORM_SYNTAX']);
    assert.match(problems[0]!.message, /Nested more than 1000 levels deep/);
    // Anything else that deep is not taken for a plan.
    assert.equal(readTerraformPlan('other.json', `{"planned_values":${'['.repeat(2_000)}${']'.repeat(2_000)},"terraform_version":"1"}`), undefined);
  });
});
