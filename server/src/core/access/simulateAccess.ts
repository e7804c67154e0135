// Decides one KMS request the way AWS KMS does (AWS KMS Developer Guide, "Troubleshooting key
// access"; IAM User Guide, "Policy evaluation logic"): resolve the key, derive the request
// context, let an explicit deny anywhere win, require every SCP level to allow, then look for
// an allow path (grant, key policy naming the caller, key policy delegating to the account plus
// IAM), and finally let the key's state decide. The trace records every step.
import { accountIdOf } from '../arn/awsArn';
import { accessDeniedMessage, type DenyingPolicyType } from './accessDeniedMessage';
import { parseCaller, type CallerIdentity } from './callerIdentity';
import { evaluateGrants, matchGrantee, type GrantEvaluation } from './grantEvaluator';
import { resolveScenarioKey } from './keyResolution';
import { checkKeyState } from './keyStateCheck';
import { ALIAS_KEY_ID_OPERATIONS, CROSS_ACCOUNT_OPERATIONS, KEYLESS_OPERATIONS, operationOf } from './operationRules';
import { evaluateOrgLevels, type OrgEvaluation } from './orgPolicyEvaluator';
import { normalizePolicy } from './policyDocument';
import { policyId, unwrapPolicy } from './policySource';
import { readRequest } from './requestReader';
import { buildRequestContext, contextToJson, type RequestContext } from './requestContext';
import type { AccessScenario, Decision, ScenarioGrant, ScenarioKey } from './scenario';
import type { AllowPath, GrantTrace, PolicyKind, PolicyTrace, SimulationResult, StatementTrace, TraceStep } from './simulationResult';
import { evaluatePolicy, type EvaluationInput, type MatchedStatement, type PolicyEvaluation, type PolicyShape } from './statementEvaluator';
import { withStatementRanges } from './traceRanges';

export interface SimulateOptions {
  /** Evaluation time for aws:CurrentTime; defaults to now. */
  readonly now?: Date;
  /** The key policy's text, for source ranges in the trace (when the scenario holds the parsed document). */
  readonly keyPolicySourceText?: string;
  /** The key policy's file or URI, for the trace to link to. */
  readonly keyPolicySource?: string;
  /**
   * The action belongs to a service without resource-based policies (CloudHSM, CloudTrail's
   * LookupEvents): only the caller's IAM policies and SCPs decide it, on `request.resource`, in
   * the same order as a KMS operation that acts on no key.
   */
  readonly iamOnly?: boolean;
}

interface EvaluatedPolicy {
  readonly kind: PolicyKind;
  readonly evaluation: PolicyEvaluation;
  trace: PolicyTrace;
}

const NOT_APPLICABLE_EVALUATION: PolicyEvaluation = { statements: [], allows: [], denies: [], problems: [] };

function evaluateOne(
  kind: PolicyKind,
  raw: unknown,
  fallbackName: string,
  shape: PolicyShape,
  input: EvaluationInput,
  sourceText?: string,
  sourcePath?: string,
): EvaluatedPolicy {
  const source = unwrapPolicy(raw);
  const policy = normalizePolicy(source.document);
  const evaluation = evaluatePolicy(policy, shape, input);
  let statements: StatementTrace[] = evaluation.statements;
  const text = source.sourceText ?? sourceText;
  if (text) statements = withStatementRanges(statements, text, source.sourceText ? source.sourcePointer : undefined, source.sourceText ? source.statementSpans : undefined);
  const id = policyId(source.document);
  return {
    kind,
    evaluation,
    trace: {
      kind,
      name: source.name ?? (id ? `${fallbackName} ${id}` : fallbackName),
      source: source.source ?? sourcePath,
      outcome: evaluation.denies.length ? 'ExplicitDeny' : evaluation.allows.length ? 'Allow' : 'ImplicitDeny',
      problems: evaluation.problems.length ? evaluation.problems : undefined,
      statements,
    },
  };
}

function notApplicable(kind: PolicyKind, name: string, note: string): EvaluatedPolicy {
  return { kind, evaluation: NOT_APPLICABLE_EVALUATION, trace: { kind, name, outcome: 'NotApplicable', note, statements: [] } };
}

/** Marks the statements that decided the outcome, so the trace can highlight them. */
function markDeciding(policies: EvaluatedPolicy[], deciding: ReadonlySet<object>): void {
  for (const policy of policies) {
    const chosen = new Set<number>();
    for (const m of [...policy.evaluation.allows, ...policy.evaluation.denies]) {
      if (deciding.has(m)) chosen.add(m.statement.index);
    }
    if (!chosen.size) continue;
    policy.trace = {
      ...policy.trace,
      statements: policy.trace.statements.map((s) => (chosen.has(s.index) && s.matched ? { ...s, deciding: true } : s)),
    };
  }
}

function describeStatement(policy: EvaluatedPolicy, m: MatchedStatement): string {
  const sid = m.statement.sid ? `"${m.statement.sid}"` : `#${m.statement.index + 1}`;
  return `statement ${sid} of the ${policy.trace.name}`;
}

const DENY_ORDER: readonly { kind: PolicyKind; type: DenyingPolicyType }[] = [
  { kind: 'service-control-policy', type: 'service control policy' },
  { kind: 'resource-control-policy', type: 'resource control policy' },
  { kind: 'key-policy', type: 'resource-based policy' },
  { kind: 'identity-policy', type: 'identity-based policy' },
  { kind: 'permissions-boundary', type: 'permissions boundary' },
  { kind: 'session-policy', type: 'session policy' },
];

function asArray<T>(value: readonly T[] | undefined | null): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** Evaluates the scenario and returns the decision, the error the caller would see and the trace. */
export function simulateAccess(given: AccessScenario, options: SimulateOptions = {}): SimulationResult {
  const raw: Partial<AccessScenario> = typeof given === 'object' && given !== null ? given : {};
  const request = readRequest(raw.request);
  const scenario: AccessScenario = request === raw.request ? (raw as AccessScenario) : ({ ...raw, request } as AccessScenario);
  // Checked before use: operations on a key stop with NotFoundException when it is missing.
  const key = (typeof scenario.key === 'object' && scenario.key !== null ? scenario.key : undefined) as ScenarioKey;
  const caller: CallerIdentity = parseCaller(String(request.principal));
  const action = String(request.action);
  const kmsOperation = operationOf(action);
  // An IAM-only action (another service's) has its own operation name after the colon.
  const operation = kmsOperation ?? action.slice(action.indexOf(':') + 1);
  const steps: TraceStep[] = [];
  const region = request.region ?? key?.region ?? 'us-east-1';
  const iamOnly = options.iamOnly === true;
  const keyless = iamOnly || (kmsOperation !== undefined && KEYLESS_OPERATIONS.has(kmsOperation));
  const resource = iamOnly ? String(request.resource ?? '*') : keyless ? '*' : key?.arn ?? String(request.resource);
  const crossAccount = !keyless && caller.account !== null && key?.account !== undefined && caller.account !== key.account;

  const base = {
    request: {
      principal: caller.arn,
      principalType: caller.principalType,
      callerAccount: caller.account,
      action,
      resource,
      keyAccount: keyless ? null : key?.account ?? null,
      crossAccount,
    },
    keyState: keyless ? null : key?.state ?? null,
  };
  const finish = (
    decision: Decision,
    error: string | null,
    errorMessage: string | null,
    allowedBy: AllowPath | null,
    summary: string,
    context: RequestContext | undefined,
    policies: readonly PolicyTrace[],
    grants: readonly GrantTrace[],
  ): SimulationResult => {
    return {
      decision,
      error,
      errorMessage,
      authorized: decision === 'Allow',
      allowedBy,
      summary,
      request: base.request,
      keyState: base.keyState,
      context: context ? contextToJson(context) : {},
      trace: { steps, policies, grants },
    };
  };

  if (!kmsOperation && !iamOnly) {
    steps.push({ step: 'action', outcome: 'failed', detail: `${action} is not an AWS KMS action; key policies and grants do not decide it` });
    return finish('NotApplicable', null, null, null, `${action} is not an AWS KMS action.`, undefined, [], []);
  }

  // 1. The key must resolve, in the caller's account and Region for ids and alias names.
  if (!keyless) {
    if (!key || typeof key !== 'object' || typeof key.arn !== 'string') {
      steps.push({ step: 'resolve key', outcome: 'failed', detail: 'the scenario has no key' });
      return finish('NotApplicable', 'NotFoundException', `Key '${String(request.resource)}' does not exist`, null, 'The key does not exist.', undefined, [], []);
    }
    const given = request.keyIdAsGiven;
    if (given !== undefined && (given.startsWith('alias/') || given.includes(':alias/')) && !ALIAS_KEY_ID_OPERATIONS.has(operation)) {
      steps.push({ step: 'resolve key', outcome: 'failed', detail: `${operation} takes a key id or key ARN, not an alias` });
      return finish('NotApplicable', 'NotFoundException', `Invalid keyId '${given}'`, null, `${operation} does not accept an alias: name the key by its id or ARN.`, undefined, [], []);
    }
    const resolution = resolveScenarioKey(key, String(request.resource ?? key.arn), given, caller.account, region);
    if (!resolution.found) {
      steps.push({ step: 'resolve key', outcome: 'failed', detail: resolution.detail });
      return finish('NotApplicable', 'NotFoundException', resolution.message, null, `The key cannot be found: ${resolution.detail}.`, undefined, [], []);
    }
    steps.push({ step: 'resolve key', outcome: 'passed', detail: resolution.detail });
  } else {
    steps.push({ step: 'resolve key', outcome: 'skipped', detail: `${action} acts on no key: only IAM policies and SCPs decide it, with Resource "${resource}"` });
  }

  // 2. The request context, derived from the request and the key.
  const context = buildRequestContext(scenario, caller, { now: options.now });
  steps.push({ step: 'request context', outcome: 'info', detail: `${context.size} condition keys derived from the request, the caller and the key` });
  const boundaryAttached = (caller.kind === 'user' || caller.kind === 'assumed-role' || caller.kind === 'role') && scenario.permissionBoundary != null;
  const input: EvaluationInput = { caller, action, resource, context, boundaryAttached };

  // 3. Evaluate every policy that applies (all of them, so the trace is complete).
  const isService = caller.kind === 'service' || caller.kind === 'anonymous';
  const isRoot = caller.kind === 'root';
  const retireGrant = operation === 'RetireGrant';
  const policies: EvaluatedPolicy[] = [];

  let keyPolicy: EvaluatedPolicy | undefined;
  if (!keyless) {
    keyPolicy = retireGrant
      ? notApplicable('key-policy', 'key policy', 'the kms:RetireGrant permission is not effective in a key policy; the grant decides who may retire it')
      : evaluateOne('key-policy', scenario.keyPolicy, 'key policy', 'resource', input, options.keyPolicySourceText, options.keyPolicySource);
    const allows = keyPolicy.evaluation.allows;
    if (allows.length && allows.every((m) => m.principalMatch?.kind === 'account')) {
      keyPolicy.trace = { ...keyPolicy.trace, note: 'it only names the caller\'s account, which delegates to IAM policies' };
    }
    policies.push(keyPolicy);
  }

  const identityPolicies: EvaluatedPolicy[] = [];
  if (isService) {
    policies.push(notApplicable('identity-policy', 'identity policies', 'an AWS service principal has no IAM policies'));
  } else if (isRoot) {
    policies.push(notApplicable('identity-policy', 'identity policies', 'the account root user has every permission in its own account; IAM policies do not limit it'));
  } else {
    asArray(scenario.identityPolicies).forEach((raw, i) => {
      const evaluated = evaluateOne('identity-policy', raw, `identity policy ${i + 1}`, 'identity', input);
      identityPolicies.push(evaluated);
      policies.push(evaluated);
    });
    if (!identityPolicies.length) {
      policies.push({ kind: 'identity-policy', evaluation: NOT_APPLICABLE_EVALUATION, trace: { kind: 'identity-policy', name: 'identity policies', outcome: 'ImplicitDeny', note: 'the caller has no identity-based policies', statements: [] } });
    }
  }

  // Permissions boundaries apply to IAM users and roles; session policies to role and federated sessions.
  const boundary = boundaryAttached ? evaluateOne('permissions-boundary', scenario.permissionBoundary, 'permissions boundary', 'identity', input) : undefined;
  if (boundary) policies.push(boundary);
  else if (scenario.permissionBoundary != null) policies.push(notApplicable('permissions-boundary', 'permissions boundary', `a permissions boundary applies only to IAM users and roles, not to ${caller.principalType}`));

  const sessionApplies = (caller.kind === 'assumed-role' || caller.kind === 'federated-user') && scenario.sessionPolicy != null;
  const session = sessionApplies ? evaluateOne('session-policy', scenario.sessionPolicy, 'session policy', 'identity', input) : undefined;
  if (session) policies.push(session);
  else if (scenario.sessionPolicy != null) policies.push(notApplicable('session-policy', 'session policy', 'a session policy applies only to role and federated user sessions'));

  // SCPs limit principals of member accounts (not AWS service principals).
  let scp: OrgEvaluation | undefined;
  const scpLevels = asArray(scenario.serviceControlPolicies);
  if (scpLevels.length && !isService) scp = evaluateOrgLevels(scpLevels, 'service-control-policy', input);
  // RCPs limit access to the account's resources, AWS service principals' requests included:
  // "Resource control policies in your organization do not apply to AWS managed keys" is KMS's
  // only exemption, and "The kms:RetireGrant permission is not effective in an RCP" (AWS KMS
  // Developer Guide, "Resource control policies").
  let rcp: OrgEvaluation | undefined;
  const rcpLevels = asArray(scenario.resourceControlPolicies);
  const rcpExempt = keyless
    ? 'the operation acts on no resource'
    : key?.keyManager === 'AWS'
      ? 'RCPs do not apply to AWS managed keys'
      : retireGrant
        ? 'the kms:RetireGrant permission is not effective in an RCP'
        : undefined;
  if (rcpLevels.length && !rcpExempt) rcp = evaluateOrgLevels(rcpLevels, 'resource-control-policy', input);

  // Grants (never deny).
  let grants: GrantEvaluation = { traces: [], matches: [] };
  if (!keyless && !retireGrant) grants = evaluateGrants(asArray(scenario.grants) as readonly ScenarioGrant[], key.arn, operation, request, caller);

  const policyTraces = (): PolicyTrace[] => [...(scp?.traces ?? []), ...(rcp?.traces ?? []), ...policies.map((p) => p.trace)];
  const deny = (explicit: boolean, policyType: DenyingPolicyType): string =>
    accessDeniedMessage({ principal: caller.arn, action, resource: request.keyFromCiphertext && !keyless ? undefined : resource, explicit, policyType });

  // 4. An explicit deny in any policy wins.
  const denyingPolicies: { kind: PolicyKind; matches: MatchedStatement[]; describe: (m: MatchedStatement) => string }[] = [];
  if (scp?.denies.length) denyingPolicies.push({ kind: 'service-control-policy', matches: scp.denies, describe: (m) => `statement ${m.statement.sid ?? '#' + (m.statement.index + 1)} of an SCP` });
  if (rcp?.denies.length) denyingPolicies.push({ kind: 'resource-control-policy', matches: rcp.denies, describe: (m) => `statement ${m.statement.sid ?? '#' + (m.statement.index + 1)} of an RCP` });
  for (const policy of policies) {
    if (policy.evaluation.denies.length) denyingPolicies.push({ kind: policy.kind, matches: policy.evaluation.denies, describe: (m) => describeStatement(policy, m) });
  }
  if (denyingPolicies.length) {
    const first = DENY_ORDER.find((d) => denyingPolicies.some((p) => p.kind === d.kind)) ?? DENY_ORDER[2];
    const decidingPolicy = denyingPolicies.find((p) => p.kind === first.kind) ?? denyingPolicies[0];
    const decidingSet = new Set<object>(denyingPolicies.flatMap((p) => p.matches));
    markDeciding(policies, decidingSet);
    const names = denyingPolicies.flatMap((p) => p.matches.map(p.describe));
    steps.push({ step: 'explicit deny', outcome: 'failed', detail: `denied by ${names.join('; ')}` });
    const traces = markOrgDeciding(policyTraces(), decidingPolicy.kind);
    return finish('ExplicitDeny', 'AccessDeniedException', deny(true, first.type), null, `Explicitly denied by ${decidingPolicy.describe(decidingPolicy.matches[0])}.`, context, traces, grants.traces);
  }
  steps.push({ step: 'explicit deny', outcome: 'passed', detail: 'no statement in any policy explicitly denies the request' });

  // 5. Every SCP level must allow.
  if (isService) {
    steps.push({ step: 'service control policies', outcome: 'skipped', detail: 'SCPs do not apply to AWS service principals' });
  } else if (scp) {
    if (scp.levelWithoutAllow !== undefined) {
      steps.push({ step: 'service control policies', outcome: 'failed', detail: `no SCP at level ${scp.levelWithoutAllow} allows ${action}; every level must allow` });
      return finish('ImplicitDeny', 'AccessDeniedException', deny(false, 'service control policy'), null, `Implicitly denied: no service control policy at ${scp.levelWithoutAllow} allows ${action}.`, context, policyTraces(), grants.traces);
    }
    steps.push({ step: 'service control policies', outcome: 'passed', detail: `every one of ${scpLevels.length} SCP level(s) allows ${action}` });
  } else {
    steps.push({ step: 'service control policies', outcome: 'skipped', detail: 'the caller\'s account has no SCPs (not in an organization)' });
  }
  if (rcpExempt) steps.push({ step: 'resource control policies', outcome: 'skipped', detail: rcpExempt });
  else if (rcp) steps.push({ step: 'resource control policies', outcome: 'passed', detail: 'no RCP denies; RCPFullAWSAccess allows at every level' });

  // 6. The caller's effective IAM permissions: identity policy, within boundary and session policy.
  const iam = iamSide(identityPolicies, boundary, session, isRoot);

  const allow = (path: AllowPath, decidingMatches: MatchedStatement[], detail: string): SimulationResult => {
    markDeciding(policies, new Set<object>(decidingMatches));
    steps.push({ step: 'allow', outcome: 'passed', detail });
    // 8. After authorization, the key state decides.
    if (!keyless) {
      const stateError = checkKeyState(key.state, operation, key.arn);
      if (stateError) {
        steps.push({ step: 'key state', outcome: 'failed', detail: `the key is ${key.state}: ${operation} fails with ${stateError.error}` });
        return finish('Allow', stateError.error, stateError.message, path, `Authorized (${detail}), but the key is ${key.state}: ${stateError.error}.`, context, policyTraces(), grants.traces);
      }
      steps.push({ step: 'key state', outcome: 'passed', detail: `the key is ${key.state}` });
    }
    return finish('Allow', null, null, path, `Allowed: ${detail}.`, context, policyTraces(), grants.traces);
  };
  const implicitDeny = (policyType: DenyingPolicyType, detail: string): SimulationResult => {
    // A grant for this caller that did not fit is the likeliest fix; say why it did not.
    const nearMiss = grants.traces.find((g) => !g.matched && g.reason && !/is not the caller|not this key|malformed/.test(g.reason));
    const full = nearMiss ? `${detail}; grant ${nearMiss.grantId} names the caller but ${nearMiss.reason}` : detail;
    steps.push({ step: 'allow', outcome: 'failed', detail: full });
    return finish('ImplicitDeny', 'AccessDeniedException', deny(false, policyType), null, `Implicitly denied: ${full}.`, context, policyTraces(), grants.traces);
  };

  // Operations without a key: IAM alone decides.
  if (keyless) {
    if (iam.allowed) return allow('iam', iam.deciding, isRoot ? 'the account root user' : 'an IAM policy allows it');
    return implicitDeny(iam.limit, iam.limitNote ?? `no identity-based policy allows ${action}`);
  }

  // Only some operations work across accounts.
  if (crossAccount && !CROSS_ACCOUNT_OPERATIONS.has(operation)) {
    steps.push({ step: 'cross-account', outcome: 'failed', detail: `${operation} cannot be used on a key in another account (${key.account}); only cryptographic operations, CreateGrant, DescribeKey, GetKeyRotationStatus, GetPublicKey, ListGrants, RetireGrant and RevokeGrant can` });
    return finish('ImplicitDeny', 'AccessDeniedException', deny(false, 'resource-based policy'), null, `Implicitly denied: ${operation} does not work across accounts.`, context, policyTraces(), grants.traces);
  }
  if (crossAccount) steps.push({ step: 'cross-account', outcome: 'info', detail: `the caller's account ${caller.account} is not the key's account ${key.account}: the key policy and the caller's IAM policy (or a grant) must both allow` });

  // RetireGrant: the grant itself names who may retire it.
  if (retireGrant) return decideRetireGrant();

  // 7. Allow paths.
  const path = allowPath(keyPolicy, grants, iam, { operation, action, crossAccount, isRoot, callerAccount: caller.account, keyAccount: key.account });
  if (path.grantId) markGrantDeciding(grants, path.grantId);
  return path.allowed ? allow(path.path, path.deciding, path.detail) : implicitDeny(path.policyType, path.detail);

  function decideRetireGrant(): SimulationResult {
    // "A grant can be retired by an optional retiring principal specified in the grant. The
    // grantee principal can also retire the grant, but only if they are also a retiring principal
    // or the grant includes the RetireGrant operation. As a backup, the AWS account in which the
    // grant was created can retire the grant." (AWS KMS Developer Guide, "Retiring and revoking grants")
    const traces: GrantTrace[] = [];
    const candidates = asArray(scenario.grants).filter(
      (g) => g && typeof g === 'object' && Array.isArray(g.operations) && g.keyArn === key.arn && (!request.grantId || g.grantId === request.grantId),
    );
    for (const grant of candidates) {
      const retiring = grant.retiringPrincipal ? matchGrantee(grant.retiringPrincipal, caller) : undefined;
      const grantee = matchGrantee(grant.granteePrincipal, caller);
      let path: string | undefined;
      let needsIam = false;
      if (retiring === 'direct') path = 'the caller is its retiring principal';
      else if (grantee === 'direct' && grant.operations.includes('RetireGrant')) path = 'the caller is its grantee and it includes RetireGrant';
      else if (retiring === 'account') {
        path = 'its retiring principal is the caller\'s account, which delegates with kms:RetireGrant';
        needsIam = true;
      } else if (caller.account !== null && caller.account === accountIdOf(String(grant.issuingAccount))) {
        path = 'the caller is in the account that created it';
        needsIam = !isRoot;
      }
      if (path && (!needsIam || iam.allowed)) {
        traces.push({ grantId: grant.grantId, matched: true, reason: path, deciding: true });
        grants = { traces: [...traces, ...candidates.slice(traces.length).map((g) => ({ grantId: g.grantId, matched: false, reason: 'not needed' }))], matches: [] };
        return allow('retiring-principal', needsIam ? iam.deciding : [], `grant ${grant.grantId} may be retired: ${path}`);
      }
      traces.push({ grantId: grant.grantId, matched: false, reason: path ? `${path}, but no IAM policy allows kms:RetireGrant` : 'the caller is neither its retiring principal, nor a grantee allowed to retire it, nor in the account that created it' });
    }
    grants = { traces, matches: [] };
    if (!candidates.length) return implicitDeny('resource-based policy', request.grantId ? `no grant ${request.grantId} on this key` : 'no grant on this key names the caller');
    return implicitDeny('identity-based policy', 'no grant lets the caller retire it');
  }
}

/** What the caller's IAM side (identity policies within the boundary and session policy) says. */
interface IamSide {
  readonly allowed: boolean;
  readonly identityAllowed: boolean;
  /** Whether the boundary and the session policy (where they apply) allow the action. */
  readonly limitsAllow: boolean;
  /** The IAM-side policy that stopped the request: the identity policy, else the boundary, else the session policy. */
  readonly limit: DenyingPolicyType;
  /** The limit's policy when the identity policy allowed: the boundary, else the session policy. */
  readonly limitBeyondIdentity: DenyingPolicyType;
  readonly limitNote?: string;
  /** The statements that allowed on the IAM side, for the trace. */
  readonly deciding: MatchedStatement[];
}

function iamSide(identityPolicies: readonly EvaluatedPolicy[], boundary: EvaluatedPolicy | undefined, session: EvaluatedPolicy | undefined, isRoot: boolean): IamSide {
  const identityAllows = identityPolicies.flatMap((p) => p.evaluation.allows);
  const identityAllowed = isRoot || identityAllows.length > 0;
  const boundaryAllowed = !boundary || boundary.evaluation.allows.length > 0;
  const sessionAllowed = !session || session.evaluation.allows.length > 0;
  const limitBeyondIdentity: DenyingPolicyType = boundaryAllowed ? 'session policy' : 'permissions boundary';
  return {
    allowed: identityAllowed && boundaryAllowed && sessionAllowed,
    identityAllowed,
    limitsAllow: boundaryAllowed && sessionAllowed,
    limit: identityAllowed ? limitBeyondIdentity : 'identity-based policy',
    limitBeyondIdentity,
    limitNote: !boundaryAllowed ? 'the permissions boundary does not allow it' : !sessionAllowed ? 'the session policy does not allow it' : undefined,
    deciding: [...identityAllows, ...(boundary?.evaluation.allows ?? []), ...(session?.evaluation.allows ?? [])],
  };
}

type AllowPathOutcome =
  | { readonly allowed: true; readonly path: AllowPath; readonly deciding: MatchedStatement[]; readonly detail: string; readonly grantId?: string }
  | { readonly allowed: false; readonly policyType: DenyingPolicyType; readonly detail: string; readonly grantId?: undefined };

/**
 * Step 7, once no explicit deny and every SCP level allowed: the ways KMS lets a request on a
 * key through (AWS KMS Developer Guide, "Determining access to a KMS key"): a grant to the
 * caller; a grant to its account passed on by IAM; in the key's account, a key policy statement
 * naming the caller, or one naming the account with an IAM policy allowing; across accounts,
 * the key policy (caller or account) and the caller's IAM policy both.
 */
function allowPath(
  keyPolicy: EvaluatedPolicy | undefined,
  grants: GrantEvaluation,
  iam: IamSide,
  request: { operation: string; action: string; crossAccount: boolean; isRoot: boolean; callerAccount: string | null; keyAccount: string },
): AllowPathOutcome {
  const { operation, action, crossAccount, isRoot, callerAccount, keyAccount } = request;
  const keyAllows = keyPolicy?.evaluation.allows ?? [];
  const direct = keyAllows.filter((m) => m.principalMatch && m.principalMatch.kind !== 'account');
  const delegating = keyAllows.filter((m) => m.principalMatch?.kind === 'account');
  const grantsApply = grants.traces.length > 0;
  const deny = (policyType: DenyingPolicyType, detail: string): AllowPathOutcome => ({ allowed: false, policyType, detail });
  const iamPassesOn = isRoot ? 'the caller is that account\'s root user' : 'an IAM policy allows it';

  const directGrant = grants.matches.find((g) => g.grantee === 'direct');
  if (directGrant) return { allowed: true, path: 'grant', deciding: [], detail: `grant ${directGrant.grant.grantId} allows ${operation} to its grantee`, grantId: directGrant.grant.grantId };
  const accountGrant = grants.matches.find((g) => g.grantee === 'account');
  if (accountGrant && iam.allowed) {
    return { allowed: true, path: 'grant', deciding: iam.deciding, detail: `grant ${accountGrant.grant.grantId} allows ${operation} to the caller's account and an IAM policy passes it on`, grantId: accountGrant.grant.grantId };
  }

  if (!crossAccount) {
    // A statement naming the caller allows on its own; a boundary or session policy limits it
    // unless the statement names the user or the session itself.
    const unlimited = direct.find((m) => m.principalMatch?.namesSessionOrUser || iam.limitsAllow);
    if (unlimited) return { allowed: true, path: 'key-policy', deciding: [unlimited], detail: `${describeStatement(keyPolicy!, unlimited)} names the caller` };
    if (delegating.length && iam.allowed) {
      return { allowed: true, path: 'key-policy-and-iam', deciding: [delegating[0]!, ...iam.deciding], detail: `${describeStatement(keyPolicy!, delegating[0]!)} lets IAM policies in account ${callerAccount} control access, and ${iamPassesOn}` };
    }
    if (direct.length) return deny(iam.limitBeyondIdentity, `the key policy allows the role, but ${iam.limitNote ?? 'a limit applies'}`);
    if (delegating.length) {
      return deny(iam.limit, iam.identityAllowed ? `the key policy delegates to IAM, but ${iam.limitNote}` : `the key policy delegates to IAM in account ${callerAccount}, but no identity-based policy allows ${action}`);
    }
    // "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to
    // a KMS key" (AWS KMS Developer Guide, "Key policies in AWS KMS").
    const iamAlone = iam.allowed && !isRoot ? `; an IAM policy allows it, but IAM policies alone are insufficient: the key policy neither names the caller nor lets IAM policies in account ${callerAccount} control access` : '';
    return deny('resource-based policy', `no key policy statement allows ${action} for this caller${grantsApply ? ' and no grant applies' : ''}${iamAlone}`);
  }

  // Cross-account: both sides must allow.
  const keySide = direct[0] ?? delegating[0];
  if (keySide && iam.allowed) {
    const names = keySide.principalMatch?.kind === 'account' ? '' : ' (the caller)';
    const iamSays = isRoot ? 'the caller is that account\'s root user' : 'an IAM policy in the caller\'s account allows it';
    return { allowed: true, path: 'key-policy-and-iam', deciding: [keySide, ...iam.deciding], detail: `${describeStatement(keyPolicy!, keySide)} allows account ${callerAccount}${names}, and ${iamSays}` };
  }
  if (keySide) {
    return deny(iam.limit, iam.identityAllowed ? `the key policy allows the caller's account, but ${iam.limitNote}` : `the key policy allows account ${callerAccount}, but no identity-based policy in that account allows ${action} on this key`);
  }
  return deny('resource-based policy', `the key policy of account ${keyAccount} does not allow the caller or its account ${callerAccount}${grantsApply ? ', and no grant applies' : ''}`);
}

function markGrantDeciding(grants: GrantEvaluation, grantId: string): void {
  const index = grants.traces.findIndex((t) => t.grantId === grantId && t.matched);
  if (index >= 0) grants.traces[index] = { ...grants.traces[index], deciding: true };
}

function markOrgDeciding(traces: PolicyTrace[], kind: PolicyKind): PolicyTrace[] {
  if (kind !== 'service-control-policy' && kind !== 'resource-control-policy') return traces;
  return traces.map((t) =>
    t.kind === kind && t.outcome === 'ExplicitDeny'
      ? { ...t, statements: t.statements.map((s) => (s.matched && s.effect === 'Deny' ? { ...s, deciding: true } : s)) }
      : t,
  );
}

/**
 * The answer when the named key does not exist at all (so there is no scenario to evaluate):
 * KMS fails the request with NotFoundException before any policy is read.
 */
export function keyNotFoundResult(principal: string, action: string, keyRef: string, message: string, where?: string): SimulationResult {
  const caller = parseCaller(principal);
  return {
    decision: 'NotApplicable',
    error: 'NotFoundException',
    errorMessage: message,
    authorized: false,
    allowedBy: null,
    summary: `The key cannot be found: ${message}`,
    request: { principal: caller.arn, principalType: caller.principalType, callerAccount: caller.account, action, resource: keyRef, keyAccount: null, crossAccount: false },
    keyState: null,
    context: {},
    trace: { steps: [{ step: 'resolve key', outcome: 'failed', detail: `${keyRef} does not name a key the caller can reach${where ? ` in ${where}` : ''}: ${message}` }], policies: [], grants: [] },
  };
}
