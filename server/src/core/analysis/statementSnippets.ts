// Snippets for the statements people write in key policies, following the AWS examples:
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html and
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html

export interface StatementSnippet {
  readonly label: string;
  readonly description: string;
  /** Snippet body (tab stops `${n:...}`); ACCOUNT is replaced by the key's account or a tab stop. */
  readonly body: string;
}

const KEY_USER_ACTIONS = '"kms:Encrypt",\n\t\t"kms:Decrypt",\n\t\t"kms:ReEncrypt*",\n\t\t"kms:GenerateDataKey*",\n\t\t"kms:DescribeKey"';

export const STATEMENT_SNIPPETS: readonly StatementSnippet[] = [
  {
    label: 'Enable IAM User Permissions (account root delegation)',
    description: 'Lets IAM policies of the account allow access to the key. Without it, IAM policies have no effect.',
    body: '{\n\t"Sid": "Enable IAM User Permissions",\n\t"Effect": "Allow",\n\t"Principal": { "AWS": "arn:aws:iam::ACCOUNT:root" },\n\t"Action": "kms:*",\n\t"Resource": "*"\n}',
  },
  {
    label: 'Allow access for Key Administrators',
    description: 'Manage the key without using it for cryptography (the console default).',
    body: '{\n\t"Sid": "Allow access for Key Administrators",\n\t"Effect": "Allow",\n\t"Principal": { "AWS": "arn:aws:iam::ACCOUNT:role/${2:KeyAdministrator}" },\n\t"Action": [\n\t\t"kms:Create*",\n\t\t"kms:Describe*",\n\t\t"kms:Enable*",\n\t\t"kms:List*",\n\t\t"kms:Put*",\n\t\t"kms:Update*",\n\t\t"kms:Revoke*",\n\t\t"kms:Disable*",\n\t\t"kms:Get*",\n\t\t"kms:Delete*",\n\t\t"kms:TagResource",\n\t\t"kms:UntagResource",\n\t\t"kms:ScheduleKeyDeletion",\n\t\t"kms:CancelKeyDeletion",\n\t\t"kms:RotateKeyOnDemand"\n\t],\n\t"Resource": "*"\n}',
  },
  {
    label: 'Allow use of the key (key users)',
    description: 'Cryptographic operations for the named principals (the console default).',
    body: `{\n\t"Sid": "Allow use of the key",\n\t"Effect": "Allow",\n\t"Principal": { "AWS": "arn:aws:iam::ACCOUNT:role/\${2:KeyUser}" },\n\t"Action": [\n\t\t${KEY_USER_ACTIONS}\n\t],\n\t"Resource": "*"\n}`,
  },
  {
    label: 'Allow attachment of persistent resources',
    description: 'Lets key users create grants for AWS services that use the key (EBS, RDS...), and only for them.',
    body: '{\n\t"Sid": "Allow attachment of persistent resources",\n\t"Effect": "Allow",\n\t"Principal": { "AWS": "arn:aws:iam::ACCOUNT:role/${2:KeyUser}" },\n\t"Action": [\n\t\t"kms:CreateGrant",\n\t\t"kms:ListGrants",\n\t\t"kms:RevokeGrant"\n\t],\n\t"Resource": "*",\n\t"Condition": {\n\t\t"Bool": { "kms:GrantIsForAWSResource": "true" }\n\t}\n}',
  },
  {
    label: 'Allow an AWS service principal (with source conditions)',
    description: 'A service uses the key for your resources only (aws:SourceAccount and aws:SourceArn).',
    body: '{\n\t"Sid": "Allow ${2:sns.amazonaws.com} to use the key",\n\t"Effect": "Allow",\n\t"Principal": { "Service": "${2:sns.amazonaws.com}" },\n\t"Action": [\n\t\t"kms:Decrypt",\n\t\t"kms:GenerateDataKey*"\n\t],\n\t"Resource": "*",\n\t"Condition": {\n\t\t"StringEquals": { "aws:SourceAccount": "ACCOUNT" },\n\t\t"ArnLike": { "aws:SourceArn": "arn:aws:${3:sns}:${4:us-east-1}:ACCOUNT:${5:*}" }\n\t}\n}',
  },
  {
    label: 'Allow cross-account use of the key',
    description: 'Lets another account use the key in cryptographic operations; its IAM policies must allow it too.',
    body: `{\n\t"Sid": "Allow use of the key by account \${6:444455556666}",\n\t"Effect": "Allow",\n\t"Principal": { "AWS": "arn:aws:iam::\${6:444455556666}:root" },\n\t"Action": [\n\t\t${KEY_USER_ACTIONS}\n\t],\n\t"Resource": "*"\n}`,
  },
];

/** The snippet body with ACCOUNT resolved: the key's account when known, else a tab stop. */
export function snippetBody(snippet: StatementSnippet, account: string | undefined): string {
  return snippet.body.replace(/ACCOUNT/g, account ?? '${1:111122223333}');
}
