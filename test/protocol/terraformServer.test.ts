// Terraform over the protocol: a .tf document (language terraform) gets its module's findings at
// positions in the HCL, quick fixes that stay HCL, hovers that say what an interpolation resolves
// to; a policy document in a sibling file on disk is read with the module in a trusted workspace;
// a Terraform plan JSON opened as json is recognised by its shape.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { escapeMarkdown } from '../../server/src/core/markdown/markdownText';
import { open, startClient, type TestClient } from './lspTestClient';

const CAPABILITIES = {
  textDocument: { diagnostic: { dynamicRegistration: false }, hover: { contentFormat: ['markdown'] } },
  workspace: { configuration: true },
};

interface PulledDiagnostic {
  code: string;
  severity: number;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  data?: { fixes: { title: string; edits: { newText: string }[] }[] };
}

async function pull(client: TestClient, uri: string): Promise<PulledDiagnostic[]> {
  return ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: PulledDiagnostic[] }).items;
}

function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

const fixtures = join(import.meta.dirname, '../fixtures/terraform/missing-root-delegation');
const module = mkdtempSync(join(tmpdir(), 'kms-terraform-lsp-'));
writeFileSync(join(module, 'main.tf'), readFileSync(join(fixtures, 'main.tf'), 'utf8'));
writeFileSync(join(module, 'policies.tf'), readFileSync(join(fixtures, 'policies.tf'), 'utf8'));
const mainText = readFileSync(join(module, 'main.tf'), 'utf8');
const mainUri = pathToFileURL(join(module, 'main.tf')).href;
const planText = readFileSync(join(import.meta.dirname, '../fixtures/terraform/plan/plan.json'), 'utf8');

const KEY = `data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_kms_key" "main" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Admins"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/Admin" }
        Action    = ["kms:*", "kms:Decrpyt"]
        Resource  = "*"
      }
    ]
  })
}
`;

describe('Terraform in the language server', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient(CAPABILITIES, { disabledRules: [] }, null, { workspaceTrusted: true });
  });
  after(() => client.close());

  it('findings point at the HCL expressions; the quick fixes are HCL', async () => {
    open(client, 'file:///ws/kms.tf', KEY, 'terraform');
    const items = await pull(client, 'file:///ws/kms.tf');
    const unknown = items.find((d) => d.code === 'UNKNOWN_ACTION');
    assert.ok(unknown);
    assert.deepEqual(unknown.range.start, positionOf(KEY, '"kms:Decrpyt"'));
    assert.deepEqual(unknown.data?.fixes.map((f) => f.edits.map((e) => e.newText)), [['"kms:Decrypt"']]);
    const noRoot = items.find((d) => d.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.ok(noRoot);
    assert.match(noRoot.message, /\$\{data\.aws_caller_identity\.current\.account_id\}/);
    assert.match(noRoot.data!.fixes[0]!.edits[0]!.newText, /"arn:\$\{data\.aws_partition\.current\.partition\}:iam::\$\{data\.aws_caller_identity\.current\.account_id\}:root"/);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///ws/kms.tf' },
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as { title: string }[];
    assert.deepEqual(actions.map((a) => a.title), ["Change to 'kms:Decrypt'"]);
  });

  it('hover on the caller\'s account says it is the key\'s own account', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///ws/kms.tf' },
      position: positionOf(KEY, 'aws_caller_identity.current.account_id}:role'),
    })) as { contents: { value: string } } | null;
    assert.ok(hover);
    assert.equal(hover.contents.value.split('\n')[0], `**Resolves to** ${escapeMarkdown('arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/Admin')}`);
  });

  it('a .tf file under another language id is checked with its sibling policy document from disk', async () => {
    open(client, mainUri, mainText, 'plaintext');
    const items = await pull(client, mainUri);
    const ineffective = items.find((d) => d.code === 'KMS_IDENTITY_ALLOW_INEFFECTIVE');
    assert.ok(ineffective, JSON.stringify(items.map((d) => d.code)));
    assert.deepEqual(ineffective.range.start, positionOf(mainText, 'aws_kms_key.data.arn'));
    // The policy document's own findings belong to policies.tf, not to main.tf.
    assert.ok(!items.some((d) => d.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'));
  });

  it('a plan JSON (language json) is recognised by its shape: findings inside its escaped policy strings, no quick fix', async () => {
    open(client, 'file:///ws/plan.json', planText, 'json');
    const items = (await pull(client, 'file:///ws/plan.json')).filter((d) => d.severity <= 2);
    assert.deepEqual(items.map((d) => d.code).sort(), ['KMS_ACTION_NOT_FOR_KEY_SPEC', 'KMS_IDENTITY_ALLOW_INEFFECTIVE', 'KMS_NO_ACCOUNT_ROOT_STATEMENT']);
    const arn = '\\"arn:aws:kms:eu-west-1:111122223333:key/6f1c9a52-3b7e-4d0a-9c2f-8e5d41b7a903\\"';
    const ineffective = items.find((d) => d.code === 'KMS_IDENTITY_ALLOW_INEFFECTIVE')!;
    assert.deepEqual(ineffective.range, { start: positionOf(planText, arn), end: { line: 0, character: positionOf(planText, arn).character + arn.length } });
    assert.ok(items.every((d) => !d.data?.fixes?.length));
    // Any other JSON document stays the JSON extension's.
    open(client, 'file:///ws/settings.json', '{"planned_values": {}, "editor.tabSize": 2}', 'json');
    assert.deepEqual(await pull(client, 'file:///ws/settings.json'), []);
  });
});
