// `kms-policy check` as users and CI run it: the bundled CLI, its outputs and exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const CLI = join(root, 'dist/cli/kms-policy.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const scratch = mkdtempSync(join(tmpdir(), 'kms-check-'));

describe('kms-policy check', () => {
  it('prints one JSON array of located findings and exits 1 on errors', () => {
    const result = run('examples/bad-key-policy.json', '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as { file: string; code: string; severity: string; message: string; line: number; column: number }[];
    const unknown = findings.find((f) => f.code === 'UNKNOWN_ACTION')!;
    assert.deepEqual(
      { file: unknown.file, severity: unknown.severity, line: unknown.line, column: unknown.column },
      { file: 'examples/bad-key-policy.json', severity: 'error', line: 16, column: 33 },
    );
    for (const code of ['KMS_NO_ACCOUNT_ROOT_STATEMENT', 'KMS_RESOURCE_NOT_STAR', 'KMS_WILDCARD_PRINCIPAL']) assert.ok(findings.some((f) => f.code === code), code);
    for (const f of findings) assert.deepEqual(Object.keys(f).slice(0, 6), ['file', 'code', 'severity', 'message', 'line', 'column']);
  });

  it('prints text for people by default and exits 0 on a clean policy', () => {
    const result = run('test/fixtures/policies/default-key-policy.json');
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '1 file(s) checked: no problems.\n');
    const bad = run('examples/bad-key-policy.json');
    assert.match(bad.stdout, /^examples\/bad-key-policy\.json:16:33: error UNKNOWN_ACTION: 'kms:Decrpyt' matches no KMS action/m);
  });

  it('exits 0 when only information is found', () => {
    const result = run('examples/key-policy.json', '--format=json');
    assert.equal(result.status, 0);
    assert.deepEqual((JSON.parse(result.stdout) as { severity: string }[]).map((f) => f.severity), ['information']);
  });

  it('writes SARIF 2.1.0 with rules and regions', () => {
    const result = run('examples/bad-key-policy.json', '--format', 'sarif');
    assert.equal(result.status, 1);
    const sarif = JSON.parse(result.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, 'kms-policy');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(run0.tool.driver.version, version);
    assert.equal(spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).stdout, `${version}\n`);
    for (const r of run0.tool.driver.rules as { id: string; shortDescription: { text: string }; helpUri: string }[]) {
      assert.ok(r.shortDescription.text && /^https:\/\//.test(r.helpUri), r.id);
    }
    // Every code a result can carry has its rule, the scenario and environment ones too.
    for (const code of ['SCENARIO_SCHEMA', 'ENVIRONMENT_INVALID', 'KMS_IDENTITY_ALLOW_INEFFECTIVE']) assert.ok(run0.tool.driver.rules.some((r: { id: string }) => r.id === code), code);
    const rule = run0.tool.driver.rules.find((r: { id: string }) => r.id === 'KMS_RESOURCE_NOT_STAR');
    assert.equal(rule.defaultConfiguration.level, 'error');
    assert.match(rule.helpUri, /^https:\/\/docs\.aws\.amazon\.com\//);
    const result0 = run0.results.find((r: { ruleId: string }) => r.ruleId === 'UNKNOWN_ACTION');
    assert.equal(run0.tool.driver.rules[result0.ruleIndex].id, 'UNKNOWN_ACTION');
    assert.deepEqual(result0.locations[0].physicalLocation.artifactLocation, { uri: 'examples/bad-key-policy.json', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(result0.locations[0].physicalLocation.region, { startLine: 16, startColumn: 33, endLine: 16, endColumn: 46 });
  });

  it('skips disabled rules', () => {
    const result = run('examples/bad-key-policy.json', '--format', 'json', '--disable', 'UNKNOWN_ACTION,KMS_WILDCARD_PRINCIPAL');
    const codes = (JSON.parse(result.stdout) as { code: string }[]).map((f) => f.code);
    assert.ok(!codes.includes('UNKNOWN_ACTION') && !codes.includes('KMS_WILDCARD_PRINCIPAL'));
  });

  it('exits 2 for bad usage, naming the problem', () => {
    const unknownFlag = run('--frmat', 'json', 'examples/key-policy.json');
    assert.equal(unknownFlag.status, 2);
    assert.match(unknownFlag.stderr, /unknown option '--frmat'/);
    const badFormat = run('--format', 'xml', 'examples/key-policy.json');
    assert.equal(badFormat.status, 2);
    assert.match(badFormat.stderr, /unknown format 'xml'/);
    const none = run();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no files given/);
    const missing = run('examples/key-policy.json', 'nope/missing-key-policy.json');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read 'nope\/missing-key-policy\.json': no such file/);
  });

  it('checks identity and key-policy files against an environment', () => {
    const dir = 'test/fixtures/environments/workspace';
    const result = run('--environment', `${dir}/kms-environment.json`, `${dir}/identity-policies/reporting-decrypt.json`, `${dir}/identity-policies/app-decrypt.json`, `${dir}/mrk-primary-key-policy.json`, '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as { file: string; code: string; line: number }[];
    assert.deepEqual(
      findings.map((f) => [f.file.slice(dir.length + 1), f.code, f.line]),
      [
        ['identity-policies/reporting-decrypt.json', 'KMS_IDENTITY_ALLOW_INEFFECTIVE', 8],
        ['mrk-primary-key-policy.json', 'KMS_MULTI_REGION_POLICY_NOT_SHARED', 3],
        ['mrk-primary-key-policy.json', 'KMS_UPDATE_PRIMARY_REGION_ONE_SIDED', 3],
      ],
    );
    const broken = join(scratch, 'broken-environment.json');
    writeFileSync(broken, '{"accounts": [{"id": "12"}]}');
    const bad = run('--environment', broken, 'examples/key-policy.json');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /environment '.*broken-environment\.json' has problems:/);
  });

  it('checks each file of the README\'s `check examples/*.json` as what it is: no finding on scenarios or the environment', () => {
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).map((f) => `examples/${f}`);
    const all = run(...examples, 'examples/identity-policies/reporting-kms.json', '--format', 'json');
    const findings = JSON.parse(all.stdout) as { file: string; code: string; severity: string }[];
    const blocking = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual([...new Set(blocking.map((f) => f.file))].sort(), ['examples/bad-key-policy.json', 'examples/locked-down-key-policy.json']);
    assert.ok(blocking.some((f) => f.file === 'examples/bad-key-policy.json' && f.code === 'UNKNOWN_ACTION'));
    assert.equal(all.status, 1);
    assert.equal(all.stderr, '');
    const fine = examples.filter((f) => !/(bad|locked-down)-key-policy/.test(f));
    const clean = run(...fine, 'examples/identity-policies/reporting-kms.json');
    assert.equal(clean.status, 0, clean.stdout);
    assert.match(clean.stdout, /^7 file\(s\) checked \(3 key policies, 1 IAM policy, 2 scenarios, 1 environment\): 0 error\(s\), 0 warning\(s\), \d+ note\(s\)\.\n$/m);
  });

  it('checks a scenario and an environment with the parsers simulate and the engine use', () => {
    const scenario = JSON.parse(readFileSync(join(root, 'examples/decrypt-as-app.kms-scenario.json'), 'utf8'));
    scenario.request.action = 'Decrypt';
    const badScenario = join(scratch, 'typo.kms-scenario.json');
    writeFileSync(badScenario, JSON.stringify(scenario, null, 2));
    const badEnvironment = join(scratch, 'kms-environment.json');
    writeFileSync(badEnvironment, JSON.stringify({ accounts: [{ id: '111122223333' }], keys: [{ account: '111122223333', keyPolicyFile: 'missing-key-policy.json' }] }, null, 2));
    const result = run(badScenario, badEnvironment, '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as { file: string; code: string; message: string; line: number }[];
    const scenarioFinding = findings.find((f) => f.file === badScenario)!;
    assert.equal(scenarioFinding.code, 'SCENARIO_SCHEMA');
    assert.match(scenarioFinding.message, /^request\.action: must be a string like "kms:Decrypt"/);
    assert.ok(scenarioFinding.line > 1);
    const environmentFindings = findings.filter((f) => f.file === badEnvironment);
    assert.ok(environmentFindings.length > 0);
    assert.ok(environmentFindings.every((f) => f.code === 'ENVIRONMENT_INVALID'), JSON.stringify(environmentFindings));
    assert.ok(environmentFindings.some((f) => /missing-key-policy\.json/.test(f.message)), JSON.stringify(environmentFindings));
  });

  it('checks an IAM identity policy only with the rules that apply to one', () => {
    const identity = join(scratch, 'app.iam-policy.json');
    writeFileSync(
      identity,
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrpyt', 's3:GetObject'], Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }] }, null, 2),
    );
    const shaped = join(scratch, 'policy.json');
    writeFileSync(shaped, JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' } }));
    const result = run(identity, shaped, '--format', 'json');
    const findings = JSON.parse(result.stdout) as { file: string; code: string; message: string }[];
    assert.deepEqual(findings.map((f) => [f.file === identity ? 'named' : 'shaped', f.code]), [['named', 'UNKNOWN_ACTION']]);
    assert.match(findings[0]!.message, /'kms:Decrpyt' matches no KMS action/);
    assert.equal(result.status, 1);
  });

  it('skips a JSON file that is no policy, scenario or environment, saying why on stderr', () => {
    const other = join(scratch, 'tsconfig.json');
    writeFileSync(other, JSON.stringify({ compilerOptions: { strict: true } }));
    const result = run(other, 'examples/key-policy.json', '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { file: string }[]).map((f) => f.file), ['examples/key-policy.json']);
    assert.match(result.stderr, /^kms-policy check: skipped '.*tsconfig\.json': it is not a key policy, IAM policy, scenario or environment file/);
    assert.match(run(other).stdout, /^1 file\(s\) checked \(1 skipped\): no problems\.\n$/);
  });

  it('reports empty, 1 MB and binary files without crashing', () => {
    const empty = join(scratch, 'empty.json');
    const big = join(scratch, 'big.json');
    const binary = join(scratch, 'binary.json');
    writeFileSync(empty, '');
    writeFileSync(big, JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(1_100_000), Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' }] }));
    writeFileSync(binary, Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 2654435761) % 256)));
    const result = run(empty, big, binary, '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    const findings = JSON.parse(result.stdout) as { file: string; code: string }[];
    assert.deepEqual(findings.filter((f) => f.file === empty).map((f) => f.code), ['JSON_SYNTAX']);
    assert.deepEqual(findings.filter((f) => f.file === big).map((f) => f.code), ['KMS_POLICY_TOO_LARGE']);
    const binaryCodes = new Set(findings.filter((f) => f.file === binary).map((f) => f.code));
    assert.ok(binaryCodes.has('JSON_SYNTAX') && binaryCodes.has('KMS_INVALID_CHARACTER'));
  });
});
