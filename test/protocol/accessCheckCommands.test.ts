// `kms-policy check-no-new-access`, `check-access-not-granted` and `check-no-public-access` as
// users and CI run them: the bundled CLI, its three formats and its exit codes (0 PASS, 1 FAIL,
// 2 bad input).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const CLI = join(root, 'dist/cli/kms-policy.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const scratch = mkdtempSync(join(tmpdir(), 'kms-access-check-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, value: unknown): string => {
  const path = join(scratch, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};

const ROOT = 'arn:aws:iam::111122223333:root';
const rootStatement = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
const appDecrypt = { Sid: 'AppDecrypts', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/App' }, Action: 'kms:Decrypt', Resource: '*' };
const old = write('old.json', { Version: '2012-10-17', Statement: [rootStatement, appDecrypt] });
const reordered = write('reordered.json', { Version: '2012-10-17', Statement: [appDecrypt, rootStatement] });
const partner = write('partner.json', { Version: '2012-10-17', Statement: [rootStatement, appDecrypt, { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt', Resource: '*' }] });

interface CheckJson {
  result: string;
  message: string;
  reasons: { description: string; statementIndex: number | null; witness: { principal: string; action: string; encryptionContext?: Record<string, string> } }[];
  evaluations: number;
}

describe('kms-policy check-no-new-access', () => {
  it('passes a reordered policy with exit 0', () => {
    const result = run('check-no-new-access', '--reference', old, reordered);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^PASS {2}check-no-new-access .*reordered\.json: The new policy grants no access that the reference policy does not\.\n\d+ request\(s\) evaluated\.\n$/);
  });

  it('fails an added account with exit 1 and Access Analyzer-shaped JSON with the witness', () => {
    const result = run('check-no-new-access', '--reference', old, partner, '--format', 'json');
    assert.equal(result.status, 1, result.stderr);
    const json = JSON.parse(result.stdout) as CheckJson;
    assert.equal(json.result, 'FAIL');
    assert.ok(json.message.length > 0);
    assert.ok(json.evaluations > 0);
    assert.deepEqual(Object.keys(json.reasons[0]!).slice(0, 2), ['description', 'statementIndex']);
    assert.ok(json.reasons.every((r) => r.statementIndex === 2 && r.witness.principal.includes(':444455556666:') && r.witness.action === 'kms:Decrypt'));
    assert.ok(json.reasons.some((r) => r.description === 'any principal of account 444455556666 that its IAM policies allow may now kms:Decrypt, any encryption context: statement "Partner" of the new policy allows it, and the reference policy does not.'));
  });

  it('writes SARIF with one result per reason at the allowing statement', () => {
    const result = run('check-no-new-access', '--reference', old, partner, '--format', 'sarif');
    assert.equal(result.status, 1);
    const sarif = JSON.parse(result.stdout);
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
    assert.ok(results.length > 0);
    for (const r of results) {
      assert.equal(r.ruleId, 'KMS_NEW_ACCESS');
      assert.equal(r.locations[0]!.physicalLocation.region.startLine, 22); // the third statement of partner.json opens on line 22
    }
  });

  it('exits 2 on bad input, naming it', () => {
    assert.equal(run('check-no-new-access', partner).status, 2);
    assert.match(run('check-no-new-access', partner).stderr, /--reference OLD/);
    const broken = write('broken.json', '{ "Version": ');
    const result = run('check-no-new-access', '--reference', broken, partner);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /broken\.json is not valid JSON/);
    assert.match(run('check-no-new-access', '--reference', old, partner, '--format', 'xml').stderr, /--format: give text, json or sarif/);
    assert.equal(run('check-no-new-access', '--reference', old, partner, '--environment', join(scratch, 'missing.json')).status, 2);
  });

  it('counts the environment: an SCP that denies the partner makes the change grant nothing new', () => {
    const environment = write('environment.json', {
      partition: 'aws',
      defaultRegion: 'us-east-1',
      accounts: [
        { id: '111122223333' },
        {
          id: '444455556666',
          organizationId: 'o-partnerorg1',
          serviceControlPolicies: [{ orgIdentifier: 'r-partner', policies: [{ name: 'NoDecrypt', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] } }] }],
        },
      ],
      principals: [],
      keys: [],
    });
    const result = run('check-no-new-access', '--reference', old, partner, '--environment', environment);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});

describe('kms-policy check-access-not-granted', () => {
  it('fails when a named principal may perform an action, passes otherwise', () => {
    const granted = run('check-access-not-granted', old, '--actions', 'kms:Decrypt,kms:Encrypt', '--principals', 'arn:aws:iam::111122223333:role/App', '--format', 'json');
    assert.equal(granted.status, 1, granted.stderr);
    const json = JSON.parse(granted.stdout) as CheckJson;
    assert.ok(json.reasons.some((r) => r.witness.action === 'kms:Decrypt' && r.statementIndex === 1));
    const other = run('check-access-not-granted', old, '--actions', 'kms:Decrypt', '--principals', '444455556666');
    assert.equal(other.status, 0, other.stdout);
  });

  it("counts the grants of the environment's key named by --key", () => {
    const environment = write('grant-environment.json', {
      partition: 'aws',
      defaultRegion: 'us-east-1',
      accounts: [{ id: '111122223333' }],
      principals: [],
      keys: [
        { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', account: '111122223333', region: 'us-east-1', aliases: ['alias/app'], grants: [{ granteePrincipal: 'arn:aws:iam::111122223333:role/Batch', operations: ['Encrypt'] }] },
        { keyId: '5678abcd-56ab-78cd-90ef-5678901234cd', account: '111122223333', region: 'us-east-1', aliases: ['alias/other'], grants: [] },
      ],
    });
    // The key policy alone lets no one but App in (no account delegation), so only the grant can.
    const appOnly = write('app-only.json', { Version: '2012-10-17', Statement: [appDecrypt] });
    const args = ['check-access-not-granted', appOnly, '--actions', 'kms:Encrypt', '--principals', 'arn:aws:iam::111122223333:role/Batch', '--environment', environment];
    assert.equal(run(...args, '--key', 'alias/other').status, 0);
    const granted = run(...args, '--key', 'alias/app', '--format', 'json');
    assert.equal(granted.status, 1, granted.stderr);
    const json = JSON.parse(granted.stdout) as CheckJson;
    assert.ok(json.reasons.some((r) => r.statementIndex === null && r.description.endsWith('a grant allows it.')));
    const unknown = run(...args, '--key', 'alias/missing');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--key: alias\/missing is not a key of /);
  });

  it('exits 2 without actions or with an unknown one', () => {
    assert.equal(run('check-access-not-granted', old).status, 2);
    const unknown = run('check-access-not-granted', old, '--actions', 'kms:Decrpyt');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /"kms:Decrpyt" names no KMS action/);
  });
});

describe('kms-policy check-no-public-access', () => {
  it("passes AWS's organization-wide example and fails the open-to-everyone fixture", () => {
    assert.equal(run('check-no-public-access', 'examples/organization-wide-key-policy.json').status, 0);
    const open = run('check-no-public-access', 'test/fixtures/policies/broken-open-to-everyone-key-policy.json', '--format', 'json');
    assert.equal(open.status, 1);
    const json = JSON.parse(open.stdout) as CheckJson;
    // One reason per allowing statement and action, as Access Analyzer reports, each witnessed by an outside caller.
    assert.deepEqual(json.reasons.map((r) => [r.statementIndex, r.witness.action]), [[1, 'kms:Decrypt'], [1, 'kms:DescribeKey'], [2, 'kms:Encrypt']]);
    assert.ok(json.reasons.every((r) => r.witness.principal === 'anonymous' || r.witness.principal.includes(':999999999999:')));
  });

  it('prints its usage with --help', () => {
    const help = run('check-no-public-access', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: kms-policy check-no-public-access FILE/);
  });
});
