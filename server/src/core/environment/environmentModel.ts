// The embedded environment: accounts, principals with their policies and access keys,
// organizations with SCPs and RCPs, and keys with their key policies, aliases and grants.
// The engine seeds from it and simulation draws its choices from it.
import type { KeyState, OrganizationPolicyLevel, PolicyDocument } from '../access/scenario';

export interface EnvironmentAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type EnvironmentPrincipalType = 'root' | 'user' | 'role' | 'assumed-role' | 'federated-user';

/** Where a policy of the environment came from: its name and, for a file, its path and text. */
export interface PolicySourceInfo {
  readonly name: string;
  readonly path?: string;
  readonly text?: string;
  /** Where each statement is written in `text`, when it is a template or Terraform file rather than the policy's JSON. */
  readonly statementSpans?: readonly { readonly start: number; readonly end: number }[];
}

export interface EnvironmentPrincipal {
  /** `arn:aws:iam::111122223333:role/Admin`, `arn:aws:sts::111122223333:assumed-role/Admin/session`, ... */
  readonly arn: string;
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Identity policy documents (after the loader resolved any file references). */
  readonly identityPolicies: readonly PolicyDocument[];
  readonly permissionBoundary?: PolicyDocument | null;
  readonly sessionPolicy?: PolicyDocument | null;
  readonly accessKeys: readonly EnvironmentAccessKey[];
  /** Names (and files) of `identityPolicies`, index for index, when the loader knows them. */
  readonly identityPolicySources?: readonly PolicySourceInfo[];
  readonly permissionBoundarySource?: PolicySourceInfo;
  readonly sessionPolicySource?: PolicySourceInfo;
}

export interface EnvironmentAccount {
  readonly id: string;
  readonly name?: string;
  readonly organizationId?: string;
  /** Every level from the organization root down to the account; each must allow. */
  readonly serviceControlPolicies: readonly OrganizationPolicyLevel[];
  readonly resourceControlPolicies: readonly OrganizationPolicyLevel[];
}

export interface EnvironmentGrant {
  readonly grantId?: string;
  readonly name?: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly operations: readonly string[];
  readonly constraints?: {
    readonly encryptionContextEquals?: Readonly<Record<string, string>>;
    readonly encryptionContextSubset?: Readonly<Record<string, string>>;
  } | null;
}

export interface EnvironmentKey {
  /** A key id (UUID, or `mrk-...` for multi-Region keys). Generated when absent. */
  readonly keyId?: string;
  readonly account: string;
  readonly region: string;
  readonly description?: string;
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly origin?: string;
  readonly multiRegion?: boolean;
  readonly state?: KeyState;
  readonly keyPolicy?: PolicyDocument;
  /** The text and path of the key-policy file, when it came from one. */
  readonly keyPolicySource?: {
    readonly path: string;
    readonly text: string;
    /** Where each statement is written in `text`, when it is a template or Terraform file rather than the policy's JSON. */
    readonly statementSpans?: readonly { readonly start: number; readonly end: number }[];
  };
  readonly aliases: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly grants: readonly EnvironmentGrant[];
  /** For multi-Region primaries: Regions that hold replicas. */
  readonly replicaRegions?: readonly string[];
}

export interface Environment {
  readonly partition: string;
  readonly defaultRegion: string;
  readonly accounts: readonly EnvironmentAccount[];
  readonly principals: readonly EnvironmentPrincipal[];
  readonly keys: readonly EnvironmentKey[];
  /** The file the environment was loaded from, when any. */
  readonly source?: string;
  /** Simulated CloudHSM clusters and custom key stores, as written in the file (the engine reads them). */
  readonly cloudHsmClusters?: readonly unknown[];
  readonly customKeyStores?: readonly unknown[];
}

export const DEFAULT_ACCOUNT_ID = '111122223333';
export const DEFAULT_REGION = 'us-east-1';

/** The environment served when no environment file is given: one account whose root user has `test`/`test`. */
export function defaultEnvironment(): Environment {
  return {
    partition: 'aws',
    defaultRegion: DEFAULT_REGION,
    accounts: [{ id: DEFAULT_ACCOUNT_ID, serviceControlPolicies: [], resourceControlPolicies: [] }],
    principals: [
      {
        arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:root`,
        identityPolicies: [],
        accessKeys: [{ accessKeyId: 'test', secretAccessKey: 'test' }],
      },
    ],
    keys: [],
  };
}
