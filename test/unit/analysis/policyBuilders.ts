// Builds small key policies for rule tests: the account-root delegation for 111122223333
// is included unless a test asks for a policy without it.
export const ROOT_STATEMENT = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:root' },
  Action: 'kms:*',
  Resource: '*',
};

export function withRoot(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [ROOT_STATEMENT, ...statements] }, null, 2);
}

export function withoutRoot(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

export function role(name: string, account = '111122223333'): { AWS: string } {
  return { AWS: `arn:aws:iam::${account}:role/${name}` };
}

export function allow(principal: unknown, action: string | string[], condition?: object): object {
  return { Effect: 'Allow', Principal: principal, Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}) };
}
