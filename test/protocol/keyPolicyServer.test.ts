// The language server as any LSP client sees it: the bundled server over stdio.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cursorAt, open, startClient, waitFor, type TestClient } from './lspTestClient';

const examples = join(import.meta.dirname, '../../examples');
const badPolicy = readFileSync(join(examples, 'bad-key-policy.json'), 'utf8');
const goodPolicy = readFileSync(join(examples, 'key-policy.json'), 'utf8');

const PULL_CAPABILITIES = {
  textDocument: {
    diagnostic: { dynamicRegistration: false },
    completion: { completionItem: { snippetSupport: true } },
    hover: { contentFormat: ['markdown'] },
  },
  workspace: { configuration: true, diagnostics: { refreshSupport: true } },
};

interface PulledDiagnostic {
  code: string;
  severity: number;
  source: string;
  message: string;
  range: { start: { line: number; character: number } };
  codeDescription?: { href: string };
  data?: { fixes: { title: string }[] };
}

async function pull(client: TestClient, uri: string): Promise<PulledDiagnostic[]> {
  const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { kind: string; items: PulledDiagnostic[] };
  assert.equal(report.kind, 'full');
  return report.items;
}

describe('key-policy language server (pull diagnostics)', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient(PULL_CAPABILITIES, { additionalKeyPolicyGlobs: ['**/policies/kms/*.json'], disabledRules: [] });
  });
  after(() => client.close());

  it('declares the key-policy capabilities', () => {
    const caps = client.initializeResult!.capabilities;
    assert.deepEqual(caps['diagnosticProvider'], { identifier: 'kms-policy', interFileDependencies: true, workspaceDiagnostics: false });
    assert.equal(caps['hoverProvider'], true);
    assert.deepEqual(caps['completionProvider'], { triggerCharacters: ['"', ':'], resolveProvider: false });
    assert.deepEqual(caps['codeActionProvider'], { codeActionKinds: ['quickfix'] });
    assert.equal(caps['documentSymbolProvider'], true);
    assert.equal(caps['foldingRangeProvider'], true);
    assert.equal(caps['documentFormattingProvider'], true);
  });

  it('reports the rules of a bad policy with line, code, doc link and fix', async () => {
    open(client, 'file:///ws/bad-key-policy.json', badPolicy);
    const items = await pull(client, 'file:///ws/bad-key-policy.json');
    const codes = items.map((d) => d.code);
    for (const code of ['KMS_NO_ACCOUNT_ROOT_STATEMENT', 'KMS_RESOURCE_NOT_STAR', 'KMS_WILDCARD_PRINCIPAL', 'UNKNOWN_ACTION']) assert.ok(codes.includes(code), code);
    const unknown = items.find((d) => d.code === 'UNKNOWN_ACTION')!;
    assert.equal(unknown.source, 'kms-policy');
    assert.equal(unknown.severity, 1);
    assert.deepEqual(unknown.range.start, { line: 15, character: 32 });
    assert.equal(unknown.codeDescription?.href, 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html');
    assert.deepEqual(unknown.data?.fixes.map((f) => f.title), ["Change to 'kms:Decrypt'"]);
  });

  it('turns a diagnostic\'s fix into a quick fix', async () => {
    const items = await pull(client, 'file:///ws/bad-key-policy.json');
    const unknown = items.find((d) => d.code === 'UNKNOWN_ACTION')!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///ws/bad-key-policy.json' },
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as { title: string; kind: string; edit: { changes: Record<string, { newText: string }[]> } }[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.kind, 'quickfix');
    assert.deepEqual(actions[0]!.edit.changes['file:///ws/bad-key-policy.json']!.map((e) => e.newText), ['"kms:Decrypt"']);
  });

  it('keeps AWS\'s console default policy free of errors and warnings', async () => {
    open(client, 'file:///ws/key-policy.json', goodPolicy);
    const items = await pull(client, 'file:///ws/key-policy.json');
    assert.deepEqual(items.filter((d) => d.severity <= 2), []);
  });

  it('answers hover with the exact markdown', async () => {
    const fixture = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:r|oot"}, "Action": "kms:*", "Resource": "*"}]}';
    const { text, position } = cursorAt(fixture);
    open(client, 'file:///ws/hover-key-policy.json', text);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///ws/hover-key-policy.json' }, position })) as { contents: { kind: string; value: string } };
    assert.deepEqual(hover.contents, {
      kind: 'markdown',
      value: '**arn\\:aws\\:iam\\:\\:111122223333\\:root**: the AWS account 111122223333\n\nDelegates to IAM policies of this account; grants no one directly. A user or role of 111122223333 gets this access only when its IAM policies allow it too.',
    });
  });

  it('completes actions with a text edit over the string', async () => {
    const { text, position } = cursorAt('{"Statement": [{"Effect": "Allow", "Action": ["kms:Re|"]}]}');
    open(client, 'file:///ws/complete-key-policy.json', text);
    const list = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri: 'file:///ws/complete-key-policy.json' }, position })) as {
      items: { label: string; textEdit: { newText: string; range: { start: { character: number }; end: { character: number } } } }[];
    };
    const item = list.items.find((i) => i.label === 'kms:ReEncryptFrom')!;
    assert.equal(item.textEdit.newText, '"kms:ReEncryptFrom"');
    const start = text.indexOf('"kms:Re"');
    assert.deepEqual([item.textEdit.range.start.character, item.textEdit.range.end.character], [start, start + '"kms:Re"'.length]);
  });

  it('lists statements by Sid as document symbols', async () => {
    const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///ws/key-policy.json' } })) as { name: string; children: { name: string }[] }[];
    assert.deepEqual(symbols[0]!.children.map((c) => c.name), ['Enable IAM User Permissions', 'Allow access for Key Administrators', 'Allow use of the key', 'Allow attachment of persistent resources']);
  });

  it('checks JSON files that match the extra globs, and only those', async () => {
    open(client, 'file:///ws/policies/kms/app.json', badPolicy, 'json');
    open(client, 'file:///ws/other/app.json', badPolicy, 'json');
    open(client, 'file:///ws/decrypt.kms-scenario.json', badPolicy, 'kms-scenario');
    assert.ok((await pull(client, 'file:///ws/policies/kms/app.json')).length > 0);
    assert.deepEqual(await pull(client, 'file:///ws/other/app.json'), []);
    assert.deepEqual(await pull(client, 'file:///ws/decrypt.kms-scenario.json'), []);
  });

  it('hides disabled rules after the settings change', async () => {
    client.settings = { additionalKeyPolicyGlobs: [], disabledRules: ['UNKNOWN_ACTION'] };
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await new Promise((r) => setTimeout(r, 50));
    const codes = (await pull(client, 'file:///ws/bad-key-policy.json')).map((d) => d.code);
    assert.ok(!codes.includes('UNKNOWN_ACTION'));
    assert.ok(codes.includes('KMS_RESOURCE_NOT_STAR'));
    assert.deepEqual(await pull(client, 'file:///ws/policies/kms/app.json'), []);
    client.settings = { additionalKeyPolicyGlobs: ['**/policies/kms/*.json'], disabledRules: [] };
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });

  it('survives empty, 1 MB and binary documents, then keeps answering', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const big = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 6000 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' })) }, null, 2);
    assert.ok(big.length > 1_000_000);
    const docs: [string, string][] = [['file:///ws/empty-key-policy.json', ''], ['file:///ws/big-key-policy.json', big], ['file:///ws/garbage-key-policy.json', garbage]];
    for (const [uri, text] of docs) open(client, uri, text);
    assert.deepEqual((await pull(client, docs[0]![0])).map((d) => d.code), ['JSON_SYNTAX']);
    assert.ok((await pull(client, docs[1]![0])).some((d) => d.code === 'KMS_POLICY_TOO_LARGE'));
    assert.ok((await pull(client, docs[2]![0])).some((d) => d.code === 'JSON_SYNTAX'));
    for (const [uri] of docs) {
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
      await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 1 } });
    }
    assert.ok((await pull(client, 'file:///ws/bad-key-policy.json')).length > 0);
    assert.equal(client.child.exitCode, null);
  });

  it('honours cancellation', async () => {
    const source = new (await import('vscode-jsonrpc/node')).CancellationTokenSource();
    const pending = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: 'file:///ws/bad-key-policy.json' } }, source.token);
    source.cancel();
    const outcome = await pending.then(
      () => 'answered',
      (e: { code?: number }) => e.code,
    );
    assert.ok(outcome === 'answered' || outcome === -32802 || outcome === -32800, String(outcome));
    assert.ok((await pull(client, 'file:///ws/bad-key-policy.json')).length > 0);
  });
});

describe('key-policy language server (push fallback)', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient({ textDocument: {}, workspace: {} });
  });
  after(() => client.close());

  it('publishes diagnostics to a client without pull support, and updates them on change', async () => {
    open(client, 'file:///ws/push-key-policy.json', badPolicy);
    const first = await waitFor(() => client.published.get('file:///ws/push-key-policy.json'));
    assert.ok(first.diagnostics.some((d) => d.code === 'KMS_WILDCARD_PRINCIPAL'));
    client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: 'file:///ws/push-key-policy.json', version: 2 },
      contentChanges: [{ text: goodPolicy }],
    });
    const second = await waitFor(() => {
      const p = client.published.get('file:///ws/push-key-policy.json');
      return p?.version === 2 ? p : undefined;
    });
    assert.deepEqual(second.diagnostics.map((d) => d.code), ['KMS_ADMIN_CAN_ESCALATE']);
  });
});
