// Builds the AccessScenario for "can PRINCIPAL do ACTION with KEY?" from an environment: the
// key with its policy, aliases and grants, the caller's identity policies, boundary and session
// policy (a session inherits its role's), the SCPs of the caller's account and the RCPs of the
// key's account, and the caller's tags and organization as condition keys. Simulate and the
// engine both use it, so they answer alike.
import type { AccessScenario, NamedPolicy, OrganizationPolicyLevel, PolicyDocument, RequestedGrant, ScenarioGrant, ScenarioKey } from '../access/scenario';
import { accountOfArn, accountRootArnOf, parseArn, regionOfArn } from '../arn/awsArn';
import { kmsKeyArn } from '../arn/kmsKeyReference';
import type { Environment, EnvironmentAccount, EnvironmentKey, EnvironmentPrincipal, PolicySourceInfo } from './environmentModel';

export interface ScenarioRequestInput {
  readonly principalArn: string;
  /** `kms:Decrypt` */
  readonly action: string;
  /** Key id, key ARN, alias name or alias ARN, as the caller would write it. */
  readonly keyRef: string;
  /** Where the request is made; defaults to the key's Region for ARNs, else the environment's default. */
  readonly region?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly grantTokens?: readonly string[];
  readonly context?: Readonly<Record<string, string | readonly string[] | boolean | number>>;
  readonly viaService?: string;
  readonly encryptionAlgorithm?: string;
  readonly grant?: RequestedGrant;
  readonly grantId?: string;
}

export type ScenarioBuildResult =
  | { readonly ok: true; readonly scenario: AccessScenario }
  | { readonly ok: false; readonly error: 'NotFoundException'; readonly message: string };

export function keyArnOf(environment: Environment, key: EnvironmentKey): string {
  return kmsKeyArn(environment.partition, key.region, key.account, key.keyId ?? '');
}

/** The key policy AWS gives a key created without one: the account may use IAM policies. */
export function defaultKeyPolicyDocument(partition: string, account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  };
}


/**
 * Finds the key a reference names. A key id or alias name resolves in the caller's account and
 * Region; ARNs name their own account and Region.
 */
export function findEnvironmentKey(environment: Environment, keyRef: string, callerAccount: string | undefined, region: string): EnvironmentKey | undefined {
  const arn = parseArn(keyRef);
  if (arn) {
    return environment.keys.find(
      (k) => k.account === arn.account && k.region === arn.region && (arn.resource.startsWith('alias/') ? k.aliases.includes(arn.resource) : arn.resource === `key/${k.keyId}`),
    );
  }
  const account = callerAccount ?? environment.accounts[0]?.id;
  return environment.keys.find(
    (k) => k.account === account && k.region === region && (keyRef.startsWith('alias/') ? k.aliases.includes(keyRef) : k.keyId === keyRef),
  );
}

/** The environment's principal for a caller ARN: itself, or for a role session, its role. */
export function findPrincipal(environment: Environment, arn: string): { readonly principal?: EnvironmentPrincipal; readonly role?: EnvironmentPrincipal } {
  const principal = environment.principals.find((p) => p.arn === arn);
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  let role: EnvironmentPrincipal | undefined;
  if (session) {
    const [, partition, account, roleName] = session;
    role = environment.principals.find((p) => p.arn.startsWith(`arn:${partition}:iam::${account}:role/`) && p.arn.endsWith(`/${roleName}`));
  }
  return { principal, role };
}

function named(document: PolicyDocument, info: PolicySourceInfo | undefined, fallback: string): PolicyDocument | NamedPolicy {
  if (!info) return document;
  return { name: info.name || fallback, document, sourceText: info.text, source: info.path, ...(info.statementSpans ? { statementSpans: info.statementSpans } : {}) };
}

export function scenarioKey(environment: Environment, key: EnvironmentKey): ScenarioKey {
  const arn = keyArnOf(environment, key);
  return {
    arn,
    account: key.account,
    region: key.region,
    state: key.state ?? 'Enabled',
    keyManager: 'CUSTOMER',
    keySpec: key.keySpec ?? 'SYMMETRIC_DEFAULT',
    keyUsage: key.keyUsage,
    origin: key.origin,
    multiRegion: key.multiRegion,
    ...(key.multiRegion ? { multiRegionKeyType: 'PRIMARY' as const } : {}),
    alias: key.aliases,
  };
}

export function scenarioGrants(environment: Environment, key: EnvironmentKey): ScenarioGrant[] {
  const arn = keyArnOf(environment, key);
  return key.grants.map((g, i) => ({
    grantId: g.grantId ?? `grant-${i + 1}`,
    keyArn: arn,
    granteePrincipal: g.granteePrincipal,
    retiringPrincipal: g.retiringPrincipal,
    operations: g.operations,
    constraints: g.constraints ?? null,
    // As ListGrants prints it and the engine stores it.
    issuingAccount: accountRootArnOf(key.account, environment.partition),
  }));
}

/** Builds the scenario for one request against the environment. */
export function buildScenarioFromEnvironment(environment: Environment, input: ScenarioRequestInput): ScenarioBuildResult {
  const callerAccount = accountOfArn(input.principalArn);
  const refRegion = regionOfArn(input.keyRef);
  const region = input.region ?? refRegion ?? environment.defaultRegion;
  const key = findEnvironmentKey(environment, input.keyRef, callerAccount, region);
  if (!key) {
    const account = callerAccount ?? environment.accounts[0]?.id ?? '';
    const message = input.keyRef.startsWith('alias/')
      ? `Alias arn:${environment.partition}:kms:${region}:${account}:${input.keyRef} is not found.`
      : input.keyRef.startsWith('arn:')
        ? input.keyRef.includes(':alias/')
          ? `Alias ${input.keyRef} is not found.`
          : `Key '${input.keyRef}' does not exist`
        : `Key 'arn:${environment.partition}:kms:${region}:${account}:key/${input.keyRef}' does not exist`;
    return { ok: false, error: 'NotFoundException', message };
  }
  const keyPolicyDocument = key.keyPolicy ?? defaultKeyPolicyDocument(environment.partition, key.account);
  const keyPolicy: PolicyDocument | NamedPolicy = key.keyPolicySource
    ? {
        name: `key policy (${key.keyPolicySource.path})`,
        document: keyPolicyDocument,
        sourceText: key.keyPolicySource.text,
        source: key.keyPolicySource.path,
        ...(key.keyPolicySource.statementSpans ? { statementSpans: key.keyPolicySource.statementSpans } : {}),
      }
    : keyPolicyDocument;
  const tagContext = resourceTagContext(Object.entries(key.tags ?? {}));
  const scenario = assembleScenario(
    environment,
    { ...input, region, context: { ...tagContext, ...(input.context ?? {}) } },
    scenarioKey(environment, key),
    keyPolicy,
    scenarioGrants(environment, key),
  );
  return { ok: true, scenario };
}

type ContextInput = string | readonly string[] | boolean | number;

/** Everything an access decision needs from the caller's side (and the key's account's organization). */
export interface CallerFacts {
  readonly identityPolicies: readonly (PolicyDocument | NamedPolicy)[];
  readonly permissionBoundary: PolicyDocument | NamedPolicy | null;
  readonly sessionPolicy: PolicyDocument | NamedPolicy | null;
  readonly serviceControlPolicies: readonly OrganizationPolicyLevel[];
  readonly resourceControlPolicies: readonly OrganizationPolicyLevel[];
  /** `aws:PrincipalTag/*`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:ResourceOrgID`. */
  readonly context: Readonly<Record<string, ContextInput>>;
}

/**
 * The one place that says what the environment knows about a caller making a request on a key
 * of `keyAccount`: its identity policies, boundary and session policy (a session inherits its
 * role's), the SCPs of the caller's account, the RCPs of the key's account, and the caller's
 * tags and organization as condition keys. The engine, Simulate, Who Can Use, the code lens and
 * Why? all decide with what this returns, so they cannot disagree about a caller.
 * `keyAccount` is undefined for actions on no key (RCPs do not apply to them).
 */
export function callerFacts(environment: Environment, principalArn: string, keyAccount: string | undefined): CallerFacts {
  const callerAccount = accountOfArn(principalArn);
  const { principal, role } = findPrincipal(environment, principalArn);
  const policySource = principal && principal.identityPolicies.length ? principal : role ?? principal;
  const identityPolicies = (policySource?.identityPolicies ?? []).map((doc, i) =>
    named(doc, policySource?.identityPolicySources?.[i], `identity policy ${i + 1}`),
  );
  const boundarySource = principal?.permissionBoundary ? principal : role;
  const permissionBoundary = boundarySource?.permissionBoundary
    ? named(boundarySource.permissionBoundary, boundarySource.permissionBoundarySource, 'permissions boundary')
    : null;
  const sessionPolicy = principal?.sessionPolicy ? named(principal.sessionPolicy, principal.sessionPolicySource, 'session policy') : null;

  const callerAccountInfo: EnvironmentAccount | undefined = environment.accounts.find((a) => a.id === callerAccount);
  const keyAccountInfo = keyAccount === undefined ? undefined : environment.accounts.find((a) => a.id === keyAccount);
  // "aws:PrincipalTag/tag-key ... the tags attached to the principal making the request" (IAM
  // User Guide, global condition keys); a role session carries its role's tags, and tags on
  // the session itself win.
  const tags = { ...(role?.tags ?? {}), ...(principal?.tags ?? {}) };
  const context: Record<string, ContextInput> = {};
  for (const [tag, value] of Object.entries(tags)) context[`aws:PrincipalTag/${tag}`] = value;
  if (callerAccountInfo?.organizationId) {
    context['aws:PrincipalOrgID'] = callerAccountInfo.organizationId;
    // The organization path of the caller's account: o-id/r-root/ou-.../ (its SCP levels name it).
    const levels = callerAccountInfo.serviceControlPolicies.map((l) => l.orgIdentifier).filter((id) => id.startsWith('r-') || id.startsWith('ou-'));
    if (levels.length) context['aws:PrincipalOrgPaths'] = [`${callerAccountInfo.organizationId}/${levels.join('/')}/`];
  }
  if (keyAccountInfo?.organizationId) context['aws:ResourceOrgID'] = keyAccountInfo.organizationId;
  return {
    identityPolicies,
    permissionBoundary,
    sessionPolicy,
    serviceControlPolicies: callerAccountInfo?.serviceControlPolicies ?? [],
    resourceControlPolicies: keyAccountInfo?.resourceControlPolicies ?? [],
    context,
  };
}

/** A key's tags as `aws:ResourceTag/<key>`, for attribute-based conditions in policies. */
export function resourceTagContext(tags: Iterable<readonly [string, string]>): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [tag, value] of tags) context[`aws:ResourceTag/${tag}`] = value;
  return context;
}

/**
 * The scenario for a request against a given key and key policy, with the caller's policies,
 * organization policies and tags taken from the environment. Used when the key is not in the
 * environment (a key policy being edited, a key created in the engine).
 */
export function assembleScenario(
  environment: Environment,
  input: ScenarioRequestInput,
  key: ScenarioKey,
  keyPolicy: PolicyDocument | NamedPolicy,
  grants: readonly ScenarioGrant[] = [],
): AccessScenario {
  const facts = callerFacts(environment, input.principalArn, key.account);
  return {
    request: {
      principal: input.principalArn,
      action: input.action,
      resource: key.arn,
      region: input.region ?? key.region,
      encryptionContext: input.encryptionContext,
      grantTokens: input.grantTokens,
      context: { ...facts.context, ...(input.context ?? {}) },
      keyIdAsGiven: input.keyRef,
      viaService: input.viaService,
      encryptionAlgorithm: input.encryptionAlgorithm,
      grant: input.grant,
      grantId: input.grantId,
    },
    key,
    keyPolicy,
    identityPolicies: facts.identityPolicies,
    permissionBoundary: facts.permissionBoundary,
    sessionPolicy: facts.sessionPolicy,
    serviceControlPolicies: [...facts.serviceControlPolicies],
    resourceControlPolicies: [...facts.resourceControlPolicies],
    grants,
  };
}
