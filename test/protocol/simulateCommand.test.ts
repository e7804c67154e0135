// `kms-policy simulate` as users and CI run it: the bundled CLI, its JSON and readable outputs,
// and its exit codes (0 for any decision, 2 for bad input naming the field).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const CLI = join(root, 'dist/cli/kms-policy.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'simulate', ...args], { cwd: root, encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'kms-simulate-'));

describe('kms-policy simulate', () => {
  it('--json prints one object with decision, error, errorMessage and trace, and exits 0 on a denial', () => {
    const result = run('examples/alice-decrypt-denied.kms-scenario.json', '--json');
    assert.equal(result.status, 0, result.stderr);
    const answer = JSON.parse(result.stdout) as { decision: string; error: string; errorMessage: string; trace: { steps: unknown[]; policies: { statements: { reason?: { element: string } }[] }[]; grants: { reason: string }[] } };
    assert.equal(answer.decision, 'ImplicitDeny');
    assert.equal(answer.error, 'AccessDeniedException');
    assert.equal(
      answer.errorMessage,
      'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action',
    );
    assert.ok(answer.trace.steps.length > 0);
    assert.match(answer.trace.grants[0].reason, /EncryptionContextSubset/);
  });

  it('explains for people by default, marking the deciding statement with its line', () => {
    const result = run('examples/decrypt-as-app.kms-scenario.json');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Decision: Allow\n/);
    assert.match(result.stdout, /\n {4}>> Allow "AppRoleUsesKeyForItsTeam" \(line \d+\): matches - deciding\n/);
  });

  it('exits 2 with a message naming the field for a bad scenario', () => {
    const scenario = JSON.parse(readFileSync(join(root, 'examples/decrypt-as-app.kms-scenario.json'), 'utf8'));
    scenario.request.action = 'Decrypt';
    const file = join(scratch, 'bad.kms-scenario.json');
    writeFileSync(file, JSON.stringify(scenario));
    const result = run(file, '--json');
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /is not a valid scenario:\n {2}request\.action: must be a string like "kms:Decrypt"\n/);
  });

  it('exits 2 for a missing file or an unknown option', () => {
    assert.equal(run('nope.kms-scenario.json').status, 2);
    assert.match(run('nope.kms-scenario.json').stderr, /cannot read nope\.kms-scenario\.json: no such file/);
    assert.match(run('--frobnicate').stderr, /unknown option '--frobnicate'/);
  });

  it('simulates against an environment file: a grant with its encryption context lets alice decrypt', () => {
    const base = ['--environment', 'examples/kms-environment.json', '--principal', 'arn:aws:iam::111122223333:user/alice', '--action', 'kms:Decrypt', '--key', 'alias/demo-app', '--json'];
    const withContext = JSON.parse(run(...base, '--encryption-context', 'team=billing').stdout) as { decision: string; allowedBy: string };
    assert.deepEqual([withContext.decision, withContext.allowedBy], ['Allow', 'grant']);
    const without = JSON.parse(run(...base).stdout) as { decision: string };
    assert.equal(without.decision, 'ImplicitDeny');
  });

  it('--who-can-use lists each principal of the environment with the path that allows each action', () => {
    const text = run('--environment', 'examples/kms-environment.json', '--who-can-use', 'alias/demo-app');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Who can use arn:aws:kms:us-east-1:111122223333:key\/1234abcd-12ab-34cd-56ef-1234567890ab\n/);
    assert.match(text.stdout, /alice arn:aws:iam::111122223333:user\/alice\n {2}kms:Decrypt +allowed via grant \(only with encryption context team=billing\)\n/);
    const json = JSON.parse(run('--environment', 'examples/kms-environment.json', '--who-can-use', 'alias/demo-app', '--json').stdout) as { rows: { principal: string }[] };
    assert.ok(json.rows.some((r) => r.principal === 'arn:aws:iam::444455556666:role/PartnerReader'));
    const missing = run('--environment', 'examples/kms-environment.json', '--who-can-use', 'alias/nope');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--who-can-use: alias\/nope is not a key of examples\/kms-environment.json/);
  });

  it('a key that does not resolve is an answer (NotFoundException), not an input error', () => {
    const result = run('--environment', 'examples/kms-environment.json', '--principal', 'arn:aws:iam::444455556666:role/PartnerReader', '--action', 'kms:Decrypt', '--key', 'alias/demo-app', '--json');
    assert.equal(result.status, 0, result.stderr);
    const answer = JSON.parse(result.stdout) as { decision: string; error: string; errorMessage: string };
    assert.deepEqual(answer.error, 'NotFoundException');
    assert.equal(answer.errorMessage, 'Alias arn:aws:kms:us-east-1:444455556666:alias/demo-app is not found.');
  });

  it('--expect gates a pipeline: exit 0 when the decision matches, 1 when it differs, 2 for a value that is no decision', () => {
    const denied = 'examples/alice-decrypt-denied.kms-scenario.json';
    const match = run(denied, '--expect', 'ImplicitDeny', '--json');
    assert.equal(match.status, 0, match.stderr);
    assert.equal((JSON.parse(match.stdout) as { decision: string }).decision, 'ImplicitDeny');
    const differs = run(denied, '--expect', 'Allow');
    assert.equal(differs.status, 1);
    assert.match(differs.stdout, /^Decision: ImplicitDeny \(AccessDeniedException\)\n/);
    assert.equal(differs.stderr, 'kms-policy simulate: expected Allow, but the decision is ImplicitDeny\n');
    const viaEnvironment = run('--environment', 'examples/kms-environment.json', '--principal', 'arn:aws:iam::111122223333:user/alice', '--action', 'kms:Decrypt', '--key', 'alias/demo-app', '--encryption-context', 'team=billing', '--expect', 'Allow');
    assert.equal(viaEnvironment.status, 0, viaEnvironment.stderr);
    const bad = run(denied, '--expect', 'Deny');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--expect: "Deny" is not a decision; give Allow, ExplicitDeny or ImplicitDeny/);
    assert.equal(run(denied, '--expect').status, 2);
  });

  it('a folder of scenarios: one line per scenario with PASS or FAIL, a summary, and the exit code of the worst', () => {
    const folder = join(scratch, 'scenarios');
    mkdirSync(folder);
    copyFileSync(join(root, 'examples/alice-decrypt-denied.kms-scenario.json'), join(folder, 'alice-decrypt-denied.kms-scenario.json'));
    copyFileSync(join(root, 'examples/decrypt-as-app.kms-scenario.json'), join(folder, 'decrypt-as-app.kms-scenario.json'));
    writeFileSync(join(folder, 'notes.json'), '{}');
    const alice = join(folder, 'alice-decrypt-denied.kms-scenario.json');
    const app = join(folder, 'decrypt-as-app.kms-scenario.json');
    const width = Math.max(alice.length, app.length);
    const result = run(folder, '--expect', 'Allow');
    assert.equal(result.status, 1, result.stderr);
    assert.equal(
      result.stdout,
      `${alice.padEnd(width)}  ImplicitDeny  expected Allow         FAIL\n${app.padEnd(width)}  Allow         expected Allow         PASS\n2 scenario(s): 1 passed, 1 failed\n`,
    );
    const plain = run(folder);
    assert.equal(plain.status, 0);
    assert.equal(plain.stdout, `${alice.padEnd(width)}  ImplicitDeny\n${app.padEnd(width)}  Allow\n2 scenario(s): 2 simulated\n`);
    const json = JSON.parse(run(folder, '--expect', 'ImplicitDeny', '--json').stdout) as { file: string; decision: string; pass: boolean }[];
    assert.deepEqual(json.map((o) => [o.decision, o.pass]), [['ImplicitDeny', true], ['Allow', false]]);
    writeFileSync(join(folder, 'broken.kms-scenario.json'), '{"request": {}}');
    const broken = run(folder, '--expect', 'Allow');
    assert.equal(broken.status, 2);
    assert.match(broken.stdout, /broken\.kms-scenario\.json +INVALID +\S/);
    assert.match(broken.stdout, /\n3 scenario\(s\): 1 passed, 1 failed, 1 invalid\n$/);
    const empty = join(scratch, 'empty-folder');
    mkdirSync(empty);
    assert.equal(run(empty).status, 2);
    assert.match(run(empty).stderr, /has no \*\.kms-scenario\.json files/);
  });
});
