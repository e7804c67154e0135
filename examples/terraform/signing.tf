# An asymmetric signing key whose policy is a policy document data source, and a grant that lets
# the application sign with it.
resource "aws_kms_key" "release_signing" {
  description              = "Signs release artifacts"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  policy                   = data.aws_iam_policy_document.release_signing.json
}

data "aws_iam_policy_document" "release_signing" {
  statement {
    sid       = "Enable IAM User Permissions"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_grant" "app_signs" {
  name              = "app-signs-releases"
  key_id            = aws_kms_key.release_signing.key_id
  grantee_principal = aws_iam_role.app.arn
  operations        = ["Sign", "Verify", "GetPublicKey"]
}
