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
});
