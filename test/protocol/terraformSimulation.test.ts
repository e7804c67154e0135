// Simulate access and Who Can Use on a Terraform module, over the protocol: each key-policy
// statement has a "Simulate access" lens and each key policy a "Who can use" lens, as on a
// CloudFormation template; the requests those lenses lead to are decided against the environment
// the module makes (its role, the role's policy, the key policy, the aws_kms_grant), and a plan
// JSON (terraform show -json) answers the same way with its own account.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { templateKeyArn } from '../../server/src/core/templates/intrinsicResolver';
import { SimulateRequest, WhoCanUseKeyRequest, type SimulateResult, type WhoCanUseKeyResult } from '../../server/src/protocol';
import { open, startClient, type TestClient } from './lspTestClient';

const MODULE = `data "aws_caller_identity" "current" {}

resource "aws_kms_key" "data" {
  description         = "Application data"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Let the app encrypt"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.app.arn }
        Action    = "kms:Encrypt"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "batch" {
  name               = "batch"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "app_decrypt" {
  role   = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.data.arn }]
  })
}

resource "aws_kms_grant" "batch_decrypts" {
  name              = "batch-decrypts"
  key_id            = aws_kms_key.data.key_id
  grantee_principal = aws_iam_role.batch.arn
  operations        = ["Decrypt"]
  constraints {
    encryption_context_equals = { job = "nightly" }
  }
}
`;
const URI = 'file:///ws/tf/main.tf';
const PLAN_URI = 'file:///ws/tf/plan.json';
const plan = readFileSync(join(import.meta.dirname, '../fixtures/terraform/plan/plan.json'), 'utf8');
const KEY = templateKeyArn('data');
const APP = 'arn:aws:iam::000000000000:role/app';
const BATCH = 'arn:aws:iam::000000000000:role/batch';

interface Lens {
  range: { start: { line: number; character: number } };
  command: { title: string; command: string; arguments: unknown[] };
}

describe('Simulate access and Who Can Use on a Terraform module', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient({ textDocument: { codeLens: {} } });
    open(client, URI, MODULE, 'terraform');
    open(client, PLAN_URI, plan, 'json');
  });
  after(() => client.close());

  const simulate = async (uri: string, principal: string, action: string, resource: string, encryptionContext?: Record<string, string>) =>
    (await client.connection.sendRequest(SimulateRequest.method, {
      policyUri: uri,
      scenario: { request: { principal, action, resource, ...(encryptionContext ? { encryptionContext } : {}) } },
    })) as SimulateResult;

  it('a lens on each statement of the key policy, and one for who can use the key, at the statement in the .tf file', async () => {
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } })) as Lens[];
    assert.deepEqual(lenses.map((l) => l.command.title), [
      '$(organization) Who can use aws_kms_key.data?',
      '$(play) Simulate access (Enable IAM User Permissions)',
      '$(play) Simulate access (Let the app encrypt)',
    ]);
    assert.deepEqual(lenses[0]!.command.arguments, [`${URI}#aws_kms_key.data`]);
    const app = lenses[2]!;
    assert.deepEqual(app.command.arguments, [URI, 1, { resource: KEY, principal: APP, action: 'kms:Encrypt' }]);
    // A statement naming no role of the module: the client offers the module's roles and the statement's actions.
    assert.deepEqual(lenses[1]!.command.arguments, [URI, 0, {
      resource: KEY,
      principalChoices: [{ arn: APP, name: 'aws_iam_role.app' }, { arn: BATCH, name: 'aws_iam_role.batch' }],
      statementActions: [],
    }]);
    // The statement's opening brace, in the jsonencode object.
    assert.equal(app.range.start.line, MODULE.slice(0, MODULE.indexOf('Sid       = "Let the app encrypt"')).split('\n').length - 2);
  });

  it('IAM policies of the module count when the key policy delegates: the role decrypts through its aws_iam_role_policy', async () => {
    const result = await simulate(URI, APP, 'kms:Decrypt', KEY);
    assert.equal(result.decision, 'Allow');
    assert.equal(result.allowedBy, 'key-policy-and-iam');
    // The role policy's statement, linked to where the .tf file writes it.
    const rolePolicy = result.trace.policies.find((p) => p.kind === 'identity-policy' && p.name.startsWith('aws_iam_role_policy.app_decrypt'));
    assert.equal(rolePolicy?.source, URI);
    assert.equal(rolePolicy?.statements[0]?.range?.startLine, MODULE.slice(0, MODULE.indexOf('Statement = [{ Effect = "Allow", Action = "kms:Decrypt"')).split('\n').length);
    const encrypt = await simulate(URI, APP, 'kms:Encrypt', KEY);
    assert.equal(encrypt.allowedBy, 'key-policy');
    // The trace links each key-policy statement to where the .tf file writes it.
    const keyPolicy = encrypt.trace.policies.find((p) => p.kind === 'key-policy');
    assert.equal(keyPolicy?.source, URI);
    const allowing = keyPolicy?.statements.find((s) => s.sid === 'Let the app encrypt');
    assert.equal(allowing?.range?.startLine, MODULE.slice(0, MODULE.indexOf('Sid       = "Let the app encrypt"')).split('\n').length - 1);
  });

  it('an aws_kms_grant is a grant: its grantee decrypts with its encryption context, and only with it', async () => {
    const granted = await simulate(URI, BATCH, 'kms:Decrypt', KEY, { job: 'nightly' });
    assert.equal(granted.decision, 'Allow');
    assert.equal(granted.allowedBy, 'grant');
    assert.equal((await simulate(URI, BATCH, 'kms:Decrypt', KEY, { job: 'daily' })).decision, 'ImplicitDeny');
    assert.equal((await simulate(URI, BATCH, 'kms:Encrypt', KEY, { job: 'nightly' })).decision, 'ImplicitDeny');
  });

  it('Who can use lists the module\'s roles, the grant\'s context as its condition', async () => {
    const table = (await client.connection.sendRequest(WhoCanUseKeyRequest.method, { key: `${URI}#aws_kms_key.data`, actions: ['kms:Decrypt', 'kms:Encrypt'] })) as WhoCanUseKeyResult;
    assert.equal(table.keyArn, KEY);
    const row = (arn: string) => table.rows.find((r) => r.principal === arn);
    assert.deepEqual(row(APP)?.cells.map((c) => c.decision), ['Allow', 'Allow'], table.text);
    assert.deepEqual(row(BATCH)?.cells.map((c) => c.decision), ['Allow', 'ImplicitDeny'], table.text);
    assert.equal(row(BATCH)?.cells[0]?.note, 'only with encryption context job=nightly');
  });

  it('a plan JSON is a module too: its lenses and decisions use the account the plan shows', async () => {
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: PLAN_URI } })) as Lens[];
    const who = lenses.filter((l) => l.command.command === 'kmsPolicyStudio.whoCanUseKey');
    assert.ok(who.length >= 1, JSON.stringify(lenses.map((l) => l.command.title)));
    const reference = who[0]!.command.arguments[0] as string;
    const table = (await client.connection.sendRequest(WhoCanUseKeyRequest.method, { key: reference, actions: ['kms:Decrypt'] })) as WhoCanUseKeyResult;
    assert.ok(table.rows.length > 0, table.text);
    assert.doesNotMatch(table.keyArn, /:000000000000:/, 'a plan shows its own account');
  });
});
