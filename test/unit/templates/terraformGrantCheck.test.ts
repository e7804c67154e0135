// "You can use the key policy alone to control access, which means the full scope of access to
// the KMS key is defined in a single document (the key policy)" and "Grants are an alternative to
// the key policy": an aws_kms_grant that is the only thing letting its grantee use the key is
// said (information), at its grantee_principal, only when the module shows everything that
// could allow the grantee.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../../server/src/core/analysis/analysisTypes';
import { analyzeTerraformModule, validateTerraform } from '../../../server/src/core/templates/terraform/terraformLanguageService';
import { readTerraformModule } from '../../../server/src/core/templates/terraform/terraformModule';
import { loadHclParser } from '../../../server/src/node/hclGrammarFiles';

before(() => loadHclParser());

const CODE = 'KMS_GRANT_ONLY_ACCESS';

function grantFindings(text: string, disabledRules: string[] = []): { finding: Finding; at: string }[] {
  const findings = validateTerraform(analyzeTerraformModule(readTerraformModule([{ path: 'main.tf', text }])), { disabledRules }).get('main.tf') ?? [];
  return findings.filter((f) => f.code === CODE).map((finding) => ({ finding, at: text.slice(finding.range.start, finding.range.end) }));
}

const module = (statements: string, extra = '') => `data "aws_caller_identity" "current" {}
resource "aws_kms_key" "data" {
  enable_key_rotation = true
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [
      {
        Sid       = "Key administrators"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:role/admin" }
        Action    = ["kms:Describe*", "kms:Put*", "kms:Create*", "kms:Enable*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource  = "*"
      },
      ${statements}
    ]
  })
}
resource "aws_iam_role" "batch" {
  name               = "batch"
  assume_role_policy = "{}"
}
resource "aws_kms_grant" "batch" {
  name              = "batch-decrypts"
  key_id            = aws_kms_key.data.key_id
  grantee_principal = aws_iam_role.batch.arn
  operations        = ["Decrypt", "GenerateDataKey"]
}
${extra}`;

const ROOT = `{
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::\${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },`;
const BATCH_POLICY = `resource "aws_iam_role_policy" "batch" {
  role   = aws_iam_role.batch.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })
}`;

describe('KMS_GRANT_ONLY_ACCESS: a grant that is the only access its grantee has', () => {
  it('a key policy that names only the administrators: the grant is the batch role\'s only access, said at grantee_principal', () => {
    const found = grantFindings(module(''));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.at, 'aws_iam_role.batch.arn');
    assert.equal(found[0]!.finding.severity, 'information');
    assert.match(found[0]!.finding.message, /^Only aws_kms_grant\.batch lets aws_iam_role\.batch use aws_kms_key\.data: neither its key policy nor the module's IAM policies allow aws_iam_role\.batch kms:Decrypt, kms:GenerateDataKey\./);
  });

  it('the key policy names the grantee for one of the operations: not the only access', () => {
    const named = `{
        Sid       = "Batch decrypts"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.batch.arn }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },`;
    assert.deepEqual(grantFindings(module(named)), []);
  });

  it('an IAM policy of the module allows it, the key policy delegating to the account: not the only access', () => {
    assert.deepEqual(grantFindings(module(ROOT, BATCH_POLICY)), []);
  });

  it('"IAM policies alone are not sufficient": the same IAM policy without the delegation leaves the grant the only access', () => {
    assert.equal(grantFindings(module('', BATCH_POLICY)).length, 1);
  });

  it('a key-policy Allow that needs an encryption context still counts as access', () => {
    const withContext = `{
        Sid       = "Batch decrypts its jobs"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.batch.arn }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "kms:EncryptionContext:job" = "nightly" } }
      },`;
    assert.deepEqual(grantFindings(module(withContext)), []);
  });

  it('said only when the module shows everything: an AWS managed policy attached to the grantee, or an unknown in the key policy, silence it', () => {
    const managed = 'resource "aws_iam_role_policy_attachment" "ro" {\n  role       = aws_iam_role.batch.name\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n';
    assert.deepEqual(grantFindings(module('', managed)), []);
    const unknown = `{
        Sid       = "Readers"
        Effect    = "Allow"
        Principal = { AWS = var.readers }
        Action    = "kms:Decrypt"
        Resource  = "*"
      },`;
    assert.deepEqual(grantFindings(module(unknown)), []);
    const outside = module('').replace('grantee_principal = aws_iam_role.batch.arn', 'grantee_principal = "arn:aws:iam::111122223333:role/partner"');
    assert.deepEqual(grantFindings(outside), [], 'a grantee the module does not declare: its policies are not in the module');
  });

  it('disabled like every rule', () => {
    assert.deepEqual(grantFindings(module(''), [CODE]), []);
  });
});
