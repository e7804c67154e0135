// The scenario format: one access request with everything needed to decide it. The CLI's
// `simulate`, the simulate UI and the engine's authorization all speak it.

/** A policy document as parsed JSON (validated by the evaluator, not trusted). */
export type PolicyDocument = unknown;

/** A policy together with where it came from, so the trace can point back at its text. */
export interface NamedPolicy {
  /** Shown in the trace, e.g. `key policy`, `identity policy AppRead`, `SCP level o-abc`. */
  readonly name: string;
  readonly document: PolicyDocument;
  /** The text the document was parsed from, when known; enables source ranges in the trace. */
  readonly sourceText?: string;
  /** A file path or URI for the trace to link to. */
  readonly source?: string;
  /** Where the document sits inside `sourceText` (e.g. `['keyPolicy']` in a scenario file); empty or absent: the whole text. */
  readonly sourcePointer?: readonly (string | number)[];
  /**
   * Where each statement is written in `sourceText`, by index, when that text is not the
   * policy's JSON: a CloudFormation template or a Terraform file, whose front-end knows them.
   */
  readonly statementSpans?: readonly { readonly start: number; readonly end: number }[];
}

export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export interface ScenarioRequest {
  /** ARN of the caller: user, role, assumed-role session, account root, or a service principal name. */
  readonly principal: string;
  /** `kms:Decrypt` */
  readonly action: string;
  /** The key ARN. */
  readonly resource: string;
  readonly region?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly grantTokens?: readonly string[];
  /** Extra condition keys, e.g. `aws:SourceVpc`, `kms:ViaService`, `aws:PrincipalTag/team`. */
  readonly context?: Readonly<Record<string, string | readonly string[] | boolean | number>>;
  /** The key id or alias as the caller wrote it. */
  readonly keyIdAsGiven?: string;
  /** The AWS service making the call on the caller's behalf (sets `kms:ViaService`), e.g. `s3.us-east-1.amazonaws.com`. */
  readonly viaService?: string;
  /** The request's encryption algorithm (sets `kms:EncryptionAlgorithm`), e.g. `SYMMETRIC_DEFAULT`. */
  readonly encryptionAlgorithm?: string;
  /** For CreateGrant: the grant being created (sets `kms:GranteePrincipal`, `kms:GrantOperations`, ...). */
  readonly grant?: RequestedGrant;
  /** For RetireGrant and RevokeGrant: the grant concerned. */
  readonly grantId?: string;
  /** For Decrypt without a KeyId: the key was found from the ciphertext (changes AWS's error text). */
  readonly keyFromCiphertext?: boolean;
}

/** The grant a CreateGrant request asks for. */
export interface RequestedGrant {
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly operations: readonly string[];
  readonly constraints?: GrantConstraints | null;
}

export interface ScenarioKey {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly state: KeyState;
  readonly keyManager: 'CUSTOMER' | 'AWS';
  readonly keySpec: string;
  readonly keyUsage?: string;
  readonly origin?: string;
  readonly multiRegion?: boolean;
  readonly multiRegionKeyType?: 'PRIMARY' | 'REPLICA';
  readonly alias?: string | readonly string[];
}

export interface GrantConstraints {
  readonly encryptionContextEquals?: Readonly<Record<string, string>>;
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface ScenarioGrant {
  readonly grantId: string;
  readonly keyArn: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  /** Operation names without the `kms:` prefix, e.g. `Decrypt`. */
  readonly operations: readonly string[];
  readonly constraints: GrantConstraints | null;
  readonly issuingAccount: string;
  /** The grant token, when the grant is not yet eventually consistent. */
  readonly grantToken?: string;
}

export interface OrganizationPolicyLevel {
  readonly orgIdentifier: string;
  readonly policies: readonly PolicyDocument[];
}

export interface AccessScenario {
  readonly request: ScenarioRequest;
  readonly key: ScenarioKey;
  readonly keyPolicy: PolicyDocument;
  readonly identityPolicies?: readonly PolicyDocument[];
  readonly permissionBoundary?: PolicyDocument | null;
  readonly sessionPolicy?: PolicyDocument | null;
  readonly serviceControlPolicies?: readonly OrganizationPolicyLevel[];
  readonly resourceControlPolicies?: readonly OrganizationPolicyLevel[];
  readonly grants?: readonly ScenarioGrant[];
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'NotApplicable';
