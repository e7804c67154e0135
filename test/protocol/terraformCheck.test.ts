// `kms-policy check` on Terraform: a .tf file checked with the rest of its module, a folder
// standing for its modules, findings located in the .tf file (text, JSON and SARIF), from the
// bundled CLI with the HCL grammar's WebAssembly beside it; a plan JSON with findings in it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const CLI = join(root, 'dist/cli/kms-policy.js');
const scratch = mkdtempSync(join(tmpdir(), 'kms-check-terraform-'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: scratch, encoding: 'utf8' });

cpSync(join(root, 'examples/terraform'), join(scratch, 'good'), { recursive: true });
cpSync(join(root, 'test/fixtures/terraform/missing-root-delegation'), join(scratch, 'bad'), { recursive: true });
cpSync(join(root, 'test/fixtures/terraform/plan/plan.json'), join(scratch, 'plan.json'));
const planText = readFileSync(join(scratch, 'plan.json'), 'utf8');
const badMain = readFileSync(join(scratch, 'bad/main.tf'), 'utf8');
const badPolicies = readFileSync(join(scratch, 'bad/policies.tf'), 'utf8');

function lineColumn(text: string, needle: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe('kms-policy check on Terraform', () => {
  it('the example module checks clean (exit 0): no error or warning, and a note that its grant is the role\'s only way to sign', () => {
    const result = run('good/');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^good\/signing\.tf:25:23: information KMS_GRANT_ONLY_ACCESS: Only aws_kms_grant\.app_signs lets aws_iam_role\.app use aws_kms_key\.release_signing/m);
    assert.match(result.stdout, /2 file\(s\) checked \(2 Terraform files\): 0 error\(s\), 0 warning\(s\), 1 note\(s\)/);
  });

  it('main.tf alone is checked with its module: the IAM Allow that has no effect, at the key reference', () => {
    const result = run('bad/main.tf', '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as { file: string; code: string; line: number; column: number }[];
    const ineffective = findings.filter((f) => f.code === 'KMS_IDENTITY_ALLOW_INEFFECTIVE');
    assert.equal(ineffective.length, 1);
    assert.deepEqual({ line: ineffective[0]!.line, column: ineffective[0]!.column }, lineColumn(badMain, 'aws_kms_key.data.arn'));
    // Only main.tf's findings: the policy document's are policies.tf's, reported when it is named.
    assert.ok(findings.every((f) => f.file === 'bad/main.tf'));
  });

  it('a folder stands for its modules and plans; SARIF locations point into each .tf file', () => {
    const result = run('.', '--format', 'sarif');
    assert.equal(result.status, 1, result.stderr);
    const sarif = JSON.parse(result.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const run0 = sarif.runs[0]!;
    const root = run0.results.find((r) => r.ruleId === 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.ok(root);
    const location = root.locations[0]!.physicalLocation;
    assert.equal(location.artifactLocation.uri, 'bad/policies.tf');
    assert.deepEqual({ line: location.region.startLine, column: location.region.startColumn }, lineColumn(badPolicies, 'statement {'));
    assert.ok(run0.tool.driver.rules.some((r) => r.id === 'TERRAFORM_SYNTAX'));
    // The example module has nothing but the note on its grant.
    assert.deepEqual(run0.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.startsWith('good/')).map((r) => r.ruleId), ['KMS_GRANT_ONLY_ACCESS']);
    // The plan saved as JSON in the folder is checked too.
    assert.ok(run0.results.some((r) => r.ruleId === 'KMS_IDENTITY_ALLOW_INEFFECTIVE' && r.locations[0]!.physicalLocation.artifactLocation.uri === 'plan.json'));
  });

  it('a plan JSON (terraform show -json) is checked: SARIF locations at the characters inside its escaped policy strings', () => {
    const result = run('plan.json', '--format', 'sarif');
    assert.equal(result.status, 1, result.stderr);
    const sarif = JSON.parse(result.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[] }[] }[] };
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId !== 'KMS_ADMIN_CAN_ESCALATE' && r.ruleId !== 'KMS_SINGLE_ADMIN_PRINCIPAL');
    assert.deepEqual(results.map((r) => r.ruleId).sort(), ['KMS_ACTION_NOT_FOR_KEY_SPEC', 'KMS_IDENTITY_ALLOW_INEFFECTIVE', 'KMS_NO_ACCOUNT_ROOT_STATEMENT']);
    const ineffective = results.find((r) => r.ruleId === 'KMS_IDENTITY_ALLOW_INEFFECTIVE')!.locations[0]!.physicalLocation;
    assert.equal(ineffective.artifactLocation.uri, 'plan.json');
    const arn = '\\"arn:aws:kms:eu-west-1:111122223333:key/6f1c9a52-3b7e-4d0a-9c2f-8e5d41b7a903\\"';
    assert.deepEqual({ line: ineffective.region.startLine, column: ineffective.region.startColumn }, lineColumn(planText, arn));
    assert.equal(ineffective.region.endColumn - ineffective.region.startColumn, arn.length);
  });

  it('a plan JSON in text: the grant operation its key cannot do, and the plan counted as a Terraform file', () => {
    const result = run('plan.json');
    assert.equal(result.status, 1, result.stderr);
    const grant = planText.indexOf('"Decrypt"', planText.indexOf('{"address":"aws_kms_grant.release"'));
    assert.match(result.stdout, new RegExp(`^plan\\.json:1:${grant + 1}: warning KMS_ACTION_NOT_FOR_KEY_SPEC: Grant operation Decrypt is not valid for aws_kms_key\\.signing`, 'm'));
    assert.match(result.stdout, /1 file\(s\) checked \(1 Terraform file\): 0 error\(s\), 3 warning\(s\)/);
  });

  it('a .tf file Terraform cannot parse is reported, not a crash', () => {
    writeFileSync(join(scratch, 'broken.tf'), 'resource "aws_kms_key" "k" {\n  policy = \n');
    const result = run('broken.tf');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /broken\.tf:\d+:\d+: error TERRAFORM_SYNTAX/);
  });
});
