// Completion draws on the workspace's environment file: principal completion offers its accounts
// and principals, and kms:ViaService puts the key's Region first. An untrusted workspace's
// environment stays unread.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { open, startClient } from './lspTestClient';

const workspace = join(import.meta.dirname, '../fixtures/environments/workspace');
const uri = pathToFileURL(join(workspace, 'scratch.key-policy.json')).href;
const text = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ""}}]}';
const cursor = { line: 0, character: text.indexOf('""') + 1 };

interface Item {
  label: string;
  detail?: string;
  sortText?: string;
}

async function principals(trusted: boolean): Promise<[string, string | undefined][]> {
  const client = await startClient(
    { textDocument: { completion: { completionItem: { snippetSupport: true } } }, workspace: { configuration: true } },
    { environmentFile: 'kms-environment.json', additionalKeyPolicyGlobs: [], disabledRules: [] },
    [{ uri: pathToFileURL(workspace).href, name: 'workspace' }],
    { workspaceTrusted: trusted },
  );
  try {
    open(client, uri, text, 'kms-key-policy');
    const list = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: cursor })) as { items: Item[] };
    return list.items.sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => [i.label, i.detail]);
  } finally {
    await client.close();
  }
}

describe('completion with an environment file', () => {
  it('offers the environment\u2019s accounts and principals as principals', async () => {
    assert.deepEqual(await principals(true), [
      ['arn:aws:iam::ACCOUNT:root', 'An account: delegates to its IAM policies'],
      ['arn:aws:iam::111122223333:root', 'Account workloads (111122223333) of the environment: delegates to its IAM policies'],
      ['arn:aws:iam::111122223333:role/App', 'Principal of the environment'],
      ['arn:aws:iam::111122223333:role/Reporting', 'Principal of the environment'],
      ['*', 'Everyone (restrict with conditions)'],
    ]);
  });

  it('offers none of them in an untrusted workspace', async () => {
    assert.deepEqual(await principals(false), [
      ['arn:aws:iam::ACCOUNT:root', 'An account: delegates to its IAM policies'],
      ['*', 'Everyone (restrict with conditions)'],
    ]);
  });
});
