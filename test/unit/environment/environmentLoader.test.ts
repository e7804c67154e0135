// The environment file: syntax, schema and reference errors name the JSON path (and file);
// referenced policy files are read through the reader; the example environment loads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EnvironmentError, loadEnvironment, parseEnvironment } from '../../../server/src/core/environment/environmentLoader';
import { DEFAULT_ACCOUNT_ID, defaultEnvironment } from '../../../server/src/core/environment/environmentModel';

const examples = join(import.meta.dirname, '../../../examples');
const KEY_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] }, null, 2);

function reader(files: Record<string, string>) {
  return (ref: string): string => {
    if (!(ref in files)) throw new Error(`ENOENT: no such file, open '${ref}'`);
    return files[ref];
  };
}

const messages = (text: string, files: Record<string, string> = {}) => parseEnvironment(text, { readFile: reader(files) }).issues.map((i) => i.message);

describe('environment loader', () => {
  it('loads the example environment with its key policy file', () => {
    const environment = loadEnvironment(readFileSync(join(examples, 'kms-environment.json'), 'utf8'), {
      source: 'kms-environment.json',
      readFile: (ref) => readFileSync(join(examples, ref), 'utf8'),
    });
    assert.deepEqual(environment.accounts.map((a) => a.id), ['111122223333', '444455556666']);
    const key = environment.keys[0];
    assert.equal(key.keyId, '1234abcd-12ab-34cd-56ef-1234567890ab');
    assert.deepEqual(key.aliases, ['alias/demo-app']);
    assert.equal(key.keyPolicySource?.path, 'key-policy.json');
    assert.equal(key.grants.length, 1);
    const root = environment.principals.find((p) => p.arn === 'arn:aws:iam::111122223333:root');
    assert.deepEqual(root?.accessKeys, [{ accessKeyId: 'test', secretAccessKey: 'test', sessionToken: undefined }]);
    // The partner account's root exists though the file does not list it.
    assert.ok(environment.principals.some((p) => p.arn === 'arn:aws:iam::444455556666:root'));
    assert.equal(environment.accounts[0].serviceControlPolicies.length, 2);
  });

  it('the default environment is account 111122223333 whose root has test/test', () => {
    const environment = defaultEnvironment();
    assert.equal(environment.accounts[0].id, DEFAULT_ACCOUNT_ID);
    assert.deepEqual(environment.principals[0].accessKeys, [{ accessKeyId: 'test', secretAccessKey: 'test' }]);
  });

  it('reads identity policies and boundaries from files, keeping names and text for the trace', () => {
    const text = JSON.stringify({
      accounts: [{ id: '111122223333' }],
      principals: [{ arn: 'arn:aws:iam::111122223333:role/App', identityPolicies: [{ policyFile: 'policies/app.json', name: 'AppPolicy' }], permissionBoundary: { policyFile: 'policies/boundary.json' } }],
    });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' } });
    const { environment, issues } = parseEnvironment(text, { readFile: reader({ 'policies/app.json': policy, 'policies/boundary.json': policy }) });
    assert.deepEqual(issues, []);
    const app = environment!.principals[0];
    assert.equal(app.identityPolicySources?.[0].name, 'AppPolicy');
    assert.equal(app.identityPolicySources?.[0].text, policy);
    assert.equal(app.permissionBoundarySource?.path, 'policies/boundary.json');
  });

  it('names the JSON path and the file of a missing or broken policy file', () => {
    const text = JSON.stringify({ accounts: [{ id: '111122223333' }], keys: [{ account: '111122223333', keyPolicyFile: 'missing.json' }, { account: '111122223333', keyPolicyFile: 'broken.json' }] });
    const { issues } = parseEnvironment(text, { readFile: reader({ 'broken.json': '{ "Statement": [ }' }) });
    assert.equal(issues.length, 2);
    assert.match(issues[0].message, /^keys\[0\]\.keyPolicyFile: cannot read "missing.json": ENOENT/);
    assert.equal(issues[0].file, 'missing.json');
    assert.match(issues[1].message, /^keys\[1\]\.keyPolicyFile: "broken.json" is not a valid policy document: value expected at line 1, column 18$/);
  });

  it('reports schema errors with the JSON path and a readable message', () => {
    assert.deepEqual(messages(JSON.stringify({ accounts: [{ id: '1234' }] })), ['accounts[0].id: must be a 12-digit account id such as "111122223333"']);
    assert.deepEqual(messages(JSON.stringify({ accounts: [{ id: '111122223333' }], principals: [{ arn: 'alice' }] })), [
      'principals[0].arn: must be an account root, user, role, assumed-role session or federated user ARN, e.g. "arn:aws:iam::111122223333:role/AppRole"',
    ]);
    assert.deepEqual(messages(JSON.stringify({ accounts: [{ id: '111122223333' }], keys: [{ account: '111122223333', aliases: ['demo'] }] })), ['keys[0].aliases[0]: must be an alias name such as "alias/demo-app"']);
    assert.deepEqual(messages(JSON.stringify({ acounts: [] })), ['accounts: is required', 'acounts: is not a known property']);
  });

  it('checks declared CloudHSM clusters and passes them on to the engine', () => {
    assert.deepEqual(messages(JSON.stringify({ accounts: [{ id: '111122223333' }], cloudHsmClusters: [{ clusterId: 'my-cluster' }] })), [
      'cloudHsmClusters[0].clusterId: must be a cluster id such as "cluster-abcdefghijk"',
    ]);
    const environment = loadEnvironment(JSON.stringify({ accounts: [{ id: '111122223333' }], cloudHsmClusters: [{ clusterId: 'cluster-abcdefghijk', availabilityZones: ['us-east-1a', 'us-east-1b'] }], customKeyStores: [{ name: 'store', clusterId: 'cluster-abcdefghijk' }] }));
    assert.equal(environment.cloudHsmClusters?.length, 1);
    assert.equal(environment.customKeyStores?.length, 1);
  });

  it('reports references to undeclared accounts, duplicate aliases and shared access keys', () => {
    const text = JSON.stringify({
      accounts: [{ id: '111122223333' }],
      principals: [
        { arn: 'arn:aws:iam::999999999999:user/ghost' },
        { arn: 'arn:aws:iam::111122223333:user/a', accessKeys: [{ accessKeyId: 'AK1', secretAccessKey: 's' }] },
        { arn: 'arn:aws:iam::111122223333:user/b', accessKeys: [{ accessKeyId: 'AK1', secretAccessKey: 's' }] },
      ],
      keys: [
        { account: '111122223333', aliases: ['alias/x'], keyPolicy: { Statement: [] } },
        { account: '111122223333', aliases: ['alias/x'], keyPolicy: { Statement: [] }, keyPolicyFile: 'p.json' },
      ],
    });
    const found = messages(text, { 'p.json': KEY_POLICY });
    assert.ok(found.includes('principals[0].arn: account 999999999999 is not declared in "accounts"'), found.join('\n'));
    assert.ok(found.some((m) => /^principals\[2\]\.accessKeys\[0\]\.accessKeyId: "AK1" already belongs to arn:aws:iam::111122223333:user\/a$/.test(m)), found.join('\n'));
    assert.ok(found.some((m) => /^keys\[1\]\.aliases\[0\]: alias\/x already names /.test(m)), found.join('\n'));
    assert.ok(found.includes('keys[1]: give either "keyPolicy" or "keyPolicyFile", not both'), found.join('\n'));
  });

  it('reports JSON syntax errors with line and column, and an empty file', () => {
    assert.deepEqual(messages('{\n  "accounts": [\n'), ['JSON syntax: close bracket expected at line 3, column 1', 'JSON syntax: close brace expected at line 3, column 1']);
    assert.match(messages('')[0], /the environment file is empty/);
  });

  it('generates the same key ids and grant ids every time', () => {
    const text = JSON.stringify({ accounts: [{ id: '111122223333' }], keys: [{ account: '111122223333', grants: [{ granteePrincipal: 'arn:aws:iam::111122223333:user/a', operations: ['Decrypt'] }] }, { account: '111122223333', multiRegion: true }] });
    const a = loadEnvironment(text);
    const b = loadEnvironment(text);
    assert.equal(a.keys[0].keyId, b.keys[0].keyId);
    assert.match(a.keys[0].keyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(a.keys[1].keyId!, /^mrk-[0-9a-f]{32}$/);
    assert.equal(a.keys[0].grants[0].grantId, b.keys[0].grants[0].grantId);
    assert.equal(a.keys[0].state, 'Enabled');
    assert.equal(a.defaultRegion, 'us-east-1');
  });

  it('loadEnvironment throws an EnvironmentError listing every problem', () => {
    assert.throws(() => loadEnvironment('{"accounts": []}', { source: 'env.json' }), (error: unknown) => {
      assert.ok(error instanceof EnvironmentError);
      assert.match(error.message, /^env\.json: 1 problem\(s\):\n {2}accounts: must NOT have fewer than 1 items$/);
      return true;
    });
  });
});
