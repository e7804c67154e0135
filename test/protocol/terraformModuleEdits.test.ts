// A Terraform module is read as a whole, so an edit to one of its files changes what its other
// files say: an open file's findings follow an edit to another open file of its folder, and a
// change on disk to a file that is not open (a checkout, another editor) once the client's file
// watcher reports it.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { open, startClient, type TestClient } from './lspTestClient';

const CAPABILITIES = { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } };

async function codes(client: TestClient, uri: string): Promise<string[]> {
  const items = ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code: string }[] }).items;
  return items.map((d) => d.code);
}

/** Lets the role of main.tf sign with the signing key in IAM: with the delegation, the grant is no longer its only access. */
const SIGNS_IN_IAM = `
data "aws_iam_policy_document" "app_signs" {
  statement {
    actions   = ["kms:Sign", "kms:Verify", "kms:GetPublicKey"]
    resources = [aws_kms_key.release_signing.arn]
  }
}

resource "aws_iam_role_policy" "app_signs" {
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app_signs.json
}
`;

describe('Terraform: a module\'s files read together stay together', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kms-terraform-edits-'));
  cpSync(join(import.meta.dirname, '../../examples/terraform'), folder, { recursive: true });
  const mainUri = pathToFileURL(join(folder, 'main.tf')).href;
  const signingUri = pathToFileURL(join(folder, 'signing.tf')).href;
  const mainText = readFileSync(join(folder, 'main.tf'), 'utf8');
  let client: TestClient;
  before(async () => {
    client = await startClient(CAPABILITIES, { disabledRules: [] }, null, { workspaceTrusted: true });
    open(client, mainUri, mainText, 'terraform');
    open(client, signingUri, readFileSync(join(folder, 'signing.tf'), 'utf8'), 'terraform');
  });
  after(() => client.close());

  it('an edit to main.tf changes what signing.tf says: the grant is no longer the role\'s only access', async () => {
    assert.deepEqual(await codes(client, signingUri), ['KMS_GRANT_ONLY_ACCESS']);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ text: mainText + SIGNS_IN_IAM }],
    });
    assert.deepEqual(await codes(client, signingUri), []);
    // And back.
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 3 }, contentChanges: [{ text: mainText }] });
    assert.deepEqual(await codes(client, signingUri), ['KMS_GRANT_ONLY_ACCESS']);
  });

  it('a file of the module changed on disk while not open counts once the watcher reports it', async () => {
    const iamUri = pathToFileURL(join(folder, 'iam.tf')).href;
    writeFileSync(join(folder, 'iam.tf'), SIGNS_IN_IAM);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: iamUri, type: 1 }] });
    assert.deepEqual(await codes(client, signingUri), []);
  });
});
