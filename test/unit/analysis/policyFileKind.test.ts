// What `check` takes a file for: by $schema, then name, then shape; unknown files are skipped with the reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recognizePolicyFile } from '../../../server/src/core/analysis/policyFileKind';

const kind = (path: string, value: unknown) => recognizePolicyFile(path, typeof value === 'string' ? value : JSON.stringify(value)).kind;

describe('recognizePolicyFile', () => {
  it('trusts $schema first, then the names the extension gives each language', () => {
    assert.equal(kind('any.json', { $schema: '../schemas/scenario.schema.json' }), 'scenario');
    assert.equal(kind('any.json', { $schema: 'https://kms-policy-studio.invalid/schemas/environment.schema.json' }), 'environment');
    assert.equal(kind('dir/x.kms-scenario.json', {}), 'scenario');
    assert.equal(kind('kms-environment.json', {}), 'environment');
    assert.equal(kind('app-key-policy.json', { Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }), 'keyPolicy');
    assert.equal(kind('a/identity-policies/x.json', { Statement: [{ Principal: '*' }] }), 'identityPolicy');
    assert.equal(kind('role.iam-policy.json', {}), 'identityPolicy');
  });

  it('otherwise goes by shape: a Principal makes a key policy, none an identity policy', () => {
    assert.equal(kind('p.json', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'kms:*', Resource: '*' }] }), 'keyPolicy');
    assert.equal(kind('p.json', { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' } }), 'identityPolicy');
    assert.equal(kind('p.json', { Version: '2012-10-17' }), 'keyPolicy');
    assert.equal(kind('p.json', { request: {}, keyPolicy: {} }), 'scenario');
    assert.equal(kind('p.json', { accounts: [], keys: [] }), 'environment');
    assert.equal(kind('p.json', ''), 'keyPolicy');
    assert.equal(kind('p.json', '{"Statement": ['), 'keyPolicy');
  });

  it('skips anything else, saying why', () => {
    assert.deepEqual(recognizePolicyFile('tsconfig.json', '{"compilerOptions": {}}'), {
      kind: 'unknown',
      because: 'it is not a key policy, IAM policy, scenario or environment file (no Statement, request or accounts)',
    });
    assert.match(recognizePolicyFile('x.json', '{"$schema": "https://json.schemastore.org/package.json"}').because, /is not a key-policy, scenario or environment schema/);
  });
});
