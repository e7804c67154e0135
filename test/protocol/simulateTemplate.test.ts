// `kms-policy simulate --template`: a CloudFormation template alone answers "can this role use
// this key?" and "who can use it?", with keys and roles named by logical ID. IAM policies alone
// are not sufficient: without the key policy's delegation to the account, the role's Allow
// does nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '../..');
const CLI = join(root, 'dist/cli/kms-policy.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'simulate', ...args], { cwd: root, encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'kms-simulate-template-'));

const example = readFileSync(join(root, 'examples/cloudformation/kms-key.yaml'), 'utf8');
const template = example.replace(
  '            Action: sts:AssumeRole\n',
  `            Action: sts:AssumeRole
      Policies:
        - PolicyName: decrypt-data
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: kms:Decrypt
                Resource: !GetAtt DataKey.Arn
`,
);
const stack = join(scratch, 'stack.yaml');
writeFileSync(stack, template);
const undelegated = join(scratch, 'undelegated.yaml');
writeFileSync(undelegated, template.replace(/          - Sid: Enable IAM User Permissions\n(?:            .*\n)+?(?=          - Sid)/, ''));

describe('kms-policy simulate --template', () => {
  it('a role of the template whose inline policy allows kms:Decrypt on the key, the key policy delegating: Allow', () => {
    const result = run('--template', stack, '--principal', 'AppRole', '--action', 'kms:Decrypt', '--key', 'DataKey', '--json');
    assert.equal(result.status, 0, result.stderr);
    const answer = JSON.parse(result.stdout) as { decision: string; allowedBy: string; request: { principal: string } };
    assert.equal(answer.decision, 'Allow');
    assert.equal(answer.allowedBy, 'key-policy-and-iam');
    assert.equal(answer.request.principal, 'arn:aws:iam::000000000000:role/AppRole');
  });

  it('without the delegation the same request is ImplicitDeny (--expect gates it), and the alias names the key too', () => {
    const result = run('--template', undelegated, '--principal', 'arn:aws:iam::000000000000:role/AppRole', '--action', 'kms:Decrypt', '--key', 'alias/app-data', '--expect', 'Allow');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^Decision: ImplicitDeny \(AccessDeniedException\)\n/);
    assert.match(result.stdout, /no key policy statement allows kms:Decrypt for this caller/);
  });

  it('--who-can-use lists the template\'s roles', () => {
    const result = run('--template', stack, '--who-can-use', 'DataKey');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^AppRole arn:aws:iam::000000000000:role\/AppRole$/m);
  });

  it('bad input exits 2 naming what is wrong', () => {
    const notTemplate = join(scratch, 'compose.yaml');
    writeFileSync(notTemplate, 'services:\n  web:\n    image: nginx\n');
    const result = run('--template', notTemplate, '--principal', 'AppRole', '--action', 'kms:Decrypt', '--key', 'DataKey');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /is not a CloudFormation template/);
    const both = run('--template', stack, '--environment', 'x.json', '--who-can-use', 'DataKey');
    assert.equal(both.status, 2);
    assert.match(both.stderr, /give one of a scenario FILE, --environment or --template/);
  });

  describe('a Terraform module (a folder, one of its .tf files, or a plan) is an environment too', () => {
    const module = join(root, 'examples/terraform');
    it('the example module\'s role decrypts through its aws_iam_role_policy, the key policy delegating; named by address', () => {
      const result = run('--template', module, '--principal', 'aws_iam_role.app', '--action', 'kms:Decrypt', '--key', 'aws_kms_key.app_data', '--json');
      assert.equal(result.status, 0, result.stderr);
      const answer = JSON.parse(result.stdout) as { decision: string; allowedBy: string; request: { principal: string } };
      assert.equal(answer.decision, 'Allow');
      assert.equal(answer.allowedBy, 'key-policy-and-iam');
      assert.equal(answer.request.principal, 'arn:aws:iam::000000000000:role/app');
    });

    it('the aws_kms_grant lets the role sign: --who-can-use on a .tf file says "via grant"', () => {
      const result = run('--template', join(module, 'signing.tf'), '--who-can-use', 'aws_kms_key.release_signing');
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^aws_iam_role\.app arn:aws:iam::000000000000:role\/app\n {2}kms:Sign +allowed via grant$/m);
    });

    it('a plan JSON answers in the account the plan shows', () => {
      const result = run('--template', join(root, 'test/fixtures/terraform/plan/plan.json'), '--who-can-use', 'aws_kms_key.app', '--json');
      assert.equal(result.status, 0, result.stderr);
      const table = JSON.parse(result.stdout) as { keyArn: string; rows: { principal: string }[] };
      assert.doesNotMatch(table.keyArn, /:000000000000:/);
      assert.ok(table.rows.some((r) => r.principal.endsWith(':role/app') || r.principal.includes(':role/')), result.stdout);
    });

    it('a module Terraform cannot parse exits 2 naming the file', () => {
      const broken = mkdtempSync(join(tmpdir(), 'kms-simulate-tf-'));
      writeFileSync(join(broken, 'main.tf'), 'resource "aws_kms_key" "k" {\n  policy = jsonencode({\n');
      const result = run('--template', broken, '--who-can-use', 'aws_kms_key.k');
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, /main\.tf cannot be read as Terraform/);
    });
  });
});
