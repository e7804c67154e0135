// A Terraform module as the environment Simulate and Who Can Use answer from: the module's roles
// and users with the policies it attaches to them (role policies, inline_policy, aws_iam_policy
// through attachments or managed_policy_arns, permissions_boundary), its keys with their
// policies, aliases, tags and state, and aws_kms_grant resources as grants. What the module does
// not fix is left out, never guessed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { buildScenarioFromEnvironment } from '../../../server/src/core/environment/scenarioBuilder';
import { templateKeyArn } from '../../../server/src/core/templates/intrinsicResolver';
import { terraformEnvironment } from '../../../server/src/core/templates/terraform/terraformEnvironment';
import { analyzeTerraformModule } from '../../../server/src/core/templates/terraform/terraformLanguageService';
import { readTerraformModule } from '../../../server/src/core/templates/terraform/terraformModule';
import { loadHclParser } from '../../../server/src/node/hclGrammarFiles';

before(() => loadHclParser());

const environmentOf = (text: string) => terraformEnvironment(analyzeTerraformModule(readTerraformModule([{ path: 'main.tf', text }])), { source: 'main.tf' });

const KEY = `data "aws_caller_identity" "current" {}
resource "aws_kms_key" "data" {
  description = "data"
  is_enabled  = IS_ENABLED
  tags        = { team = "billing" }
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Sid       = "Enable IAM User Permissions"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
resource "aws_kms_alias" "data" {
  name          = "alias/data"
  target_key_id = aws_kms_key.data.key_id
}
`;
const ROLE = (name: string, extra = '') => `resource "aws_iam_role" "${name}" {
  name               = "${name}"
  assume_role_policy = "{}"
  tags               = { team = "billing" }
  ${extra}
}
`;
const DECRYPT_POLICY = 'jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })';

function decide(text: string, principal: string, action: string, keyRef = templateKeyArn('data'), encryptionContext?: Record<string, string>) {
  const built = buildScenarioFromEnvironment(environmentOf(text).environment, { principalArn: principal, action, keyRef, encryptionContext });
  assert.ok(built.ok, built.ok ? '' : built.message);
  return simulateAccess(built.scenario);
}

const role = (name: string) => `arn:aws:iam::000000000000:role/${name}`;

describe('Terraform module as an environment', () => {
  it('the key: its ARN is the one the module\'s policies name it by, with its aliases, tags and description', () => {
    const env = environmentOf(KEY.replace('IS_ENABLED', 'true'));
    const key = env.keys.get('aws_kms_key.data')!;
    assert.equal(`arn:aws:kms:${key.region}:${key.account}:key/${key.keyId}`, templateKeyArn('data'));
    assert.deepEqual(key.aliases, ['alias/data']);
    assert.deepEqual(key.tags, { team: 'billing' });
    assert.equal(key.state, 'Enabled');
    assert.match(JSON.stringify(key.keyPolicy), /"Sid":"Enable IAM User Permissions"/);
    // The alias names the key (decide asserts the key is found); no role of the module is allowed.
    assert.equal(decide(KEY.replace('IS_ENABLED', 'true'), role('app'), 'kms:Decrypt', 'alias/data').error, 'AccessDeniedException');
  });

  it('is_enabled = false: the key is Disabled, and KMS refuses its use (DisabledException)', () => {
    const text = KEY.replace('IS_ENABLED', 'false') + ROLE('app') + `resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.name\n  policy = ${DECRYPT_POLICY}\n}\n`;
    const result = decide(text, role('app'), 'kms:Decrypt');
    assert.equal(result.error, 'DisabledException');
  });

  it('each way Terraform attaches an identity policy gives the role its Allow: role policy, inline_policy, attachment, managed_policy_arns', () => {
    const base = KEY.replace('IS_ENABLED', 'true');
    const managed = `resource "aws_iam_policy" "decrypt" {\n  policy = ${DECRYPT_POLICY}\n}\n`;
    const ways: Record<string, string> = {
      'aws_iam_role_policy': ROLE('app') + `resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.id\n  policy = ${DECRYPT_POLICY}\n}\n`,
      'inline_policy': ROLE('app', `inline_policy {\n    name = "d"\n    policy = ${DECRYPT_POLICY}\n  }`),
      'aws_iam_role_policy_attachment': ROLE('app') + managed + 'resource "aws_iam_role_policy_attachment" "a" {\n  role = aws_iam_role.app.name\n  policy_arn = aws_iam_policy.decrypt.arn\n}\n',
      'managed_policy_arns': ROLE('app', 'managed_policy_arns = [aws_iam_policy.decrypt.arn]') + managed,
    };
    for (const [way, module] of Object.entries(ways)) {
      const result = decide(base + module, role('app'), 'kms:Decrypt');
      assert.equal(result.decision, 'Allow', way);
      assert.equal(result.allowedBy, 'key-policy-and-iam', way);
    }
    assert.equal(decide(base + ROLE('app'), role('app'), 'kms:Decrypt').decision, 'ImplicitDeny', 'no policy attached: nothing allows it');
  });

  it('"The permissions boundary ... does not grant permissions": a boundary of the module without kms:Decrypt denies what the role\'s policy allows', () => {
    const module = KEY.replace('IS_ENABLED', 'true') +
      ROLE('app', 'permissions_boundary = aws_iam_policy.boundary.arn') +
      `resource "aws_iam_policy" "boundary" {\n  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:Encrypt", Resource = "*" }] })\n}\n` +
      `resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.id\n  policy = ${DECRYPT_POLICY}\n}\n`;
    const env = environmentOf(module);
    assert.ok(env.principals.get('aws_iam_role.app')?.permissionBoundary, 'the boundary is the role\'s');
    assert.equal(decide(module, role('app'), 'kms:Decrypt').decision, 'ImplicitDeny');
  });

  it('role tags are principal tags: a key policy condition on aws:PrincipalTag/team matches', () => {
    const module = KEY.replace('IS_ENABLED', 'true').replace('Action    = "kms:*"', 'Action    = "kms:*"\n      Condition = { StringEquals = { "aws:PrincipalTag/team" = "billing" } }') +
      ROLE('app') + `resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.id\n  policy = ${DECRYPT_POLICY}\n}\n`;
    assert.deepEqual(environmentOf(module).principals.get('aws_iam_role.app')?.tags, { team: 'billing' });
    assert.equal(decide(module, role('app'), 'kms:Decrypt').decision, 'Allow');
    assert.equal(decide(module.replace('tags               = { team = "billing" }', 'tags = { team = "web" }'), role('app'), 'kms:Decrypt').decision, 'ImplicitDeny');
  });

  it('aws_kms_grant: grantee, operations, retiring principal and constraints; a computed grantee is left out', () => {
    const module = KEY.replace('IS_ENABLED', 'true') + ROLE('batch') + `
resource "aws_kms_grant" "g" {
  name               = "nightly"
  key_id             = aws_kms_key.data.id
  grantee_principal  = aws_iam_role.batch.arn
  retiring_principal = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/admin"
  operations         = ["Decrypt", "GenerateDataKey"]
  constraints {
    encryption_context_subset = { job = "nightly" }
  }
}
resource "aws_kms_grant" "computed" {
  key_id            = aws_kms_key.data.id
  grantee_principal = var.grantee
  operations        = ["Decrypt"]
}
`;
    const grants = environmentOf(module).keys.get('aws_kms_key.data')!.grants;
    assert.deepEqual(grants, [{
      grantId: 'aws_kms_grant.g',
      name: 'nightly',
      granteePrincipal: role('batch'),
      retiringPrincipal: role('admin'),
      operations: ['Decrypt', 'GenerateDataKey'],
      constraints: { encryptionContextSubset: { job: 'nightly' } },
    }]);
    assert.equal(decide(module, role('batch'), 'kms:Decrypt', templateKeyArn('data'), { job: 'nightly', run: '7' }).allowedBy, 'grant');
    assert.equal(decide(module, role('batch'), 'kms:Decrypt', templateKeyArn('data'), { run: '7' }).decision, 'ImplicitDeny');
  });

  it('a key without a policy gets the default key policy: the account\'s IAM policies decide', () => {
    const module = 'resource "aws_kms_key" "data" {}\n' + ROLE('app') + `resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.app.id\n  policy = ${DECRYPT_POLICY}\n}\n`;
    assert.equal(environmentOf(module).keys.get('aws_kms_key.data')!.keyPolicy, undefined);
    assert.equal(decide(module, role('app'), 'kms:Decrypt').allowedBy, 'key-policy-and-iam');
  });
});
