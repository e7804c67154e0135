// The key policy AWS gives a key created without one: the account's root may do everything,
// which delegates access to IAM policies. AWS returns it pretty-printed in Jackson's style
// (`"Key" : value`, `[ {`), so GetKeyPolicy shows the very text AWS shows.

export function defaultKeyPolicy(partition: string, account: string): string {
  return [
    '{',
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "arn:${partition}:iam::${account}:root"`,
    '    },',
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    '  } ]',
    '}',
  ].join('\n');
}
