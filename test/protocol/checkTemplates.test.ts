// `kms-policy check` on CloudFormation templates and CDK output: findings located in the
// template (text, JSON and SARIF), a folder standing for its templates, YAML that is not a
// template skipped instead of reported as broken JSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const CLI = join(root, 'dist/cli/kms-policy.js');
const scratch = mkdtempSync(join(tmpdir(), 'kms-check-templates-'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: scratch, encoding: 'utf8' });
const example = readFileSync(join(root, 'examples/cloudformation/kms-key.yaml'), 'utf8');

const broken = example.replace('- kms:Decrypt', '- kms:Decrpyt');
writeFileSync(join(scratch, 'broken.yaml'), broken);
writeFileSync(join(scratch, 'good.yaml'), example);
writeFileSync(join(scratch, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
mkdirSync(join(scratch, 'cdk.out'));
const ROOT = { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, Resource: '*' };
const cdkTemplate = (statements: object[]) => JSON.stringify({
  Resources: {
    Key961B73FD: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: statements, Version: '2012-10-17' } } },
    CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:H4s' } },
  },
}, null, 1);
writeFileSync(join(scratch, 'cdk.out', 'AppStack.template.json'), cdkTemplate([ROOT]));
// kms:Sign on a symmetric encryption key allows nothing.
writeFileSync(join(scratch, 'cdk.out', 'BadStack.template.json'), cdkTemplate([ROOT, { ...ROOT, Action: 'kms:Sign' }]));
writeFileSync(join(scratch, 'cdk.out', 'manifest.json'), '{"version": "36.0.0", "artifacts": {}}');
writeFileSync(join(scratch, 'cdk.out', 'tree.json'), '{"version": "tree-0.1", "tree": {}}');

function lineColumn(text: string, needle: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

describe('kms-policy check on CloudFormation templates', () => {
  it('a correct template passes; a broken one fails with the finding at its YAML line and column', () => {
    const good = run('good.yaml');
    assert.equal(good.status, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /^1 file\(s\) checked \(1 CloudFormation template\): 0 error\(s\), 0 warning\(s\), 1 note\(s\)\.$/m);
    const bad = run('broken.yaml', '--format', 'json');
    assert.equal(bad.status, 1, bad.stderr);
    const findings = (JSON.parse(bad.stdout) as { file: string; code: string; severity: string; line: number; column: number }[]).filter((f) => f.severity !== 'information');
    assert.deepEqual(findings.map((f) => [f.file, f.code, f.line, f.column]), [['broken.yaml', 'UNKNOWN_ACTION', lineColumn(broken, 'kms:Decrpyt').line, lineColumn(broken, 'kms:Decrpyt').column]]);
  });

  it('SARIF locations point into the template and name the template rules', () => {
    const result = run('cdk.out/BadStack.template.json', '--format', 'sarif');
    assert.equal(result.status, 1, result.stderr);
    const sarif = JSON.parse(result.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex?: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const [finding] = sarif.runs[0]!.results;
    assert.equal(finding!.ruleId, 'KMS_ACTION_NOT_FOR_KEY_SPEC');
    assert.equal(sarif.runs[0]!.tool.driver.rules[finding!.ruleIndex!]!.id, 'KMS_ACTION_NOT_FOR_KEY_SPEC');
    const badText = readFileSync(join(scratch, 'cdk.out', 'BadStack.template.json'), 'utf8');
    const at = lineColumn(badText, '"kms:Sign"');
    assert.deepEqual(finding!.locations[0]!.physicalLocation, { artifactLocation: { uri: 'cdk.out/BadStack.template.json', uriBaseId: '%SRCROOT%' }, region: { startLine: at.line, startColumn: at.column, endLine: at.line, endColumn: at.column + '"kms:Sign"'.length } });
  });

  it('a cdk.out folder stands for its templates (not its manifest or tree)', () => {
    const result = run('cdk.out', '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stderr, '');
    const findings = JSON.parse(result.stdout) as { file: string; code: string }[];
    assert.deepEqual(findings.map((f) => [f.file, f.code]), [[join('cdk.out', 'BadStack.template.json'), 'KMS_ACTION_NOT_FOR_KEY_SPEC']]);
  });

  it('YAML that is not a template is skipped with a note, not reported as broken JSON', () => {
    const result = run('compose.yaml', 'good.yaml');
    assert.equal(result.status, 0);
    assert.match(result.stderr, /skipped 'compose\.yaml': it is YAML but not a CloudFormation template/);
  });
});
