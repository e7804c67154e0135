// Small builders for access scenarios, so each test states only what it is about.
import type { AccessScenario, ScenarioGrant, ScenarioKey } from '../../../server/src/core/access/scenario';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/${KEY_ID}`;
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/AppRole`;
export const APP_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/worker-1`;
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/Engineering`;
export const OTHER_SESSION = `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Engineering/bob`;

export const KEY: ScenarioKey = {
  arn: KEY_ARN,
  account: ACCOUNT,
  region: 'us-west-2',
  state: 'Enabled',
  keyManager: 'CUSTOMER',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  alias: 'alias/app-key',
};

/** The default key policy: the account may use IAM policies to control access. */
export const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Id: 'key-default-1',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }],
};

export function policy(...statements: object[]): object {
  return { Version: '2012-10-17', Statement: statements };
}

export function allow(action: string | string[], resource: string | string[] = '*', extra: object = {}): object {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[] = '*', extra: object = {}): object {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

export function grant(overrides: Partial<ScenarioGrant> = {}): ScenarioGrant {
  return {
    grantId: 'grant-1',
    keyArn: KEY_ARN,
    granteePrincipal: ALICE,
    operations: ['Decrypt'],
    constraints: null,
    issuingAccount: ACCOUNT,
    ...overrides,
  };
}

/** A Decrypt by alice against KEY with the default key policy; override any part. */
export function scenario(overrides: Partial<Omit<AccessScenario, 'request'>> & { request?: Partial<AccessScenario['request']> } = {}): AccessScenario {
  const { request, ...rest } = overrides;
  return {
    keyPolicy: DEFAULT_KEY_POLICY,
    identityPolicies: [],
    grants: [],
    ...rest,
    key: rest.key ?? KEY,
    request: { principal: ALICE, action: 'kms:Decrypt', resource: KEY_ARN, region: 'us-west-2', ...request },
  };
}
