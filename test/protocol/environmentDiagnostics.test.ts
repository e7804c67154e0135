// The server reads the workspace's environment file: identity-policy files it names get the
// "that Allow has no effect" warning, and key-policy files it names are checked as that key's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { open, startClient, type TestClient } from './lspTestClient';

const workspace = join(import.meta.dirname, '../fixtures/environments/workspace');
const uriOf = (file: string) => pathToFileURL(join(workspace, file)).href;

async function pull(client: TestClient, uri: string): Promise<{ code: string; message: string }[]> {
  const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code: string; message: string }[] };
  return report.items;
}

describe('key-policy language server with an environment file', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient(
      { textDocument: { diagnostic: {} }, workspace: { configuration: true } },
      { environmentFile: 'kms-environment.json', additionalKeyPolicyGlobs: [], disabledRules: [] },
      [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
      { workspaceTrusted: true },
    );
  });
  after(() => client.close());

  it('warns on an identity policy whose key does not delegate to the account', async () => {
    const file = 'identity-policies/reporting-decrypt.json';
    open(client, uriOf(file), readFileSync(join(workspace, file), 'utf8'), 'json');
    assert.deepEqual((await pull(client, uriOf(file))).map((d) => d.code), ['KMS_IDENTITY_ALLOW_INEFFECTIVE']);
    const fine = 'identity-policies/app-decrypt.json';
    open(client, uriOf(fine), readFileSync(join(workspace, fine), 'utf8'), 'json');
    assert.deepEqual(await pull(client, uriOf(fine)), []);
  });

  it('follows the unsaved text of an open key policy the identity policy depends on', async () => {
    const identity = 'identity-policies/reporting-decrypt.json';
    const keyPolicy = 'reports-key-policy.json';
    const policy = JSON.parse(readFileSync(join(workspace, keyPolicy), 'utf8')) as { Statement: object[] };
    policy.Statement.push({ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' });
    open(client, uriOf(keyPolicy), JSON.stringify(policy, null, 2), 'kms-key-policy');
    assert.deepEqual(await pull(client, uriOf(identity)), []);
    client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(keyPolicy) } });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await pull(client, uriOf(identity))).map((d) => d.code), ['KMS_IDENTITY_ALLOW_INEFFECTIVE']);
  });

  it('checks a key-policy file named by the environment as that key\'s policy, even as plain JSON', async () => {
    const file = 'mrk-primary-key-policy.json';
    open(client, uriOf(file), readFileSync(join(workspace, file), 'utf8'), 'json');
    assert.deepEqual((await pull(client, uriOf(file))).map((d) => d.code), ['KMS_MULTI_REGION_POLICY_NOT_SHARED', 'KMS_UPDATE_PRIMARY_REGION_ONE_SIDED']);
  });
});

describe('key-policy language server in an untrusted workspace', () => {
  let client: TestClient;
  before(async () => {
    // As VS Code starts it in Restricted Mode: the folder has an environment file, but trust is not given.
    client = await startClient(
      { textDocument: { diagnostic: {} }, workspace: { configuration: true } },
      { environmentFile: 'kms-environment.json', additionalKeyPolicyGlobs: [], disabledRules: [] },
      [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
      { workspaceTrusted: false, environmentFile: join(workspace, 'kms-environment.json') },
    );
  });
  after(() => client.close());

  it('reads neither the environment file nor the files it names: no finding depends on them', async () => {
    const identity = 'identity-policies/reporting-decrypt.json';
    open(client, uriOf(identity), readFileSync(join(workspace, identity), 'utf8'), 'json');
    assert.ok(!(await pull(client, uriOf(identity))).some((d) => d.code === 'KMS_IDENTITY_ALLOW_INEFFECTIVE'));
    const keyPolicy = 'mrk-primary-key-policy.json';
    open(client, uriOf(keyPolicy), readFileSync(join(workspace, keyPolicy), 'utf8'), 'kms-key-policy');
    const codes = (await pull(client, uriOf(keyPolicy))).map((d) => d.code);
    assert.ok(!codes.includes('KMS_MULTI_REGION_POLICY_NOT_SHARED') && !codes.includes('KMS_UPDATE_PRIMARY_REGION_ONE_SIDED'), codes.join(', '));
  });

  it('simulates against the default environment, not the workspace\'s', async () => {
    const choices = (await client.connection.sendRequest('kmsPolicyStudio/simulationChoices', {})) as { principals: { arn: string }[]; environmentFile?: string };
    assert.equal(choices.environmentFile, undefined);
    assert.ok(!choices.principals.some((p) => p.arn.endsWith(':role/Reporting')), JSON.stringify(choices.principals));
  });
});
