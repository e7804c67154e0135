// Offline access checks of key policies, named as IAM Access Analyzer names them: does a new
// policy grant access the reference does not (CheckNoNewAccess), does a policy grant any of some
// actions (CheckAccessNotGranted), can anyone outside the key's account and organization use the
// key (CheckNoPublicAccess)? Each evaluates one representative request per class of the partition
// (accessPartition.ts) with the evaluator and reports a finding only with a witness the
// evaluator allowed, built through the one scenario builder (`assembleScenario`).
import { parseCaller } from '../access/callerIdentity';
import { normalizePolicy, type NormalizedStatement } from '../access/policyDocument';
import { unwrapPolicy } from '../access/policySource';
import type { AccessScenario, PolicyDocument, ScenarioGrant, ScenarioKey } from '../access/scenario';
import { simulateAccess } from '../access/simulateAccess';
import type { SimulationResult } from '../access/simulationResult';
import { accountOfArn, accountIdOf, parseArn } from '../arn/awsArn';
import { kmsCatalog } from '../catalog/kmsCatalog';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, type Environment, type EnvironmentKey, type EnvironmentPrincipal } from '../environment/environmentModel';
import { assembleScenario, resourceTagContext, scenarioGrants, scenarioKey } from '../environment/scenarioBuilder';
import {
  ANONYMOUS,
  DELEGATE_ROLE,
  ENCRYPTION_CONTEXT_PREFIX,
  OTHER_ACCOUNT,
  OTHER_SERVICE,
  OTHER_VALUE,
  actionClasses,
  conditionAssignments,
  conditionDimensions,
  delegateRoleArn,
  instanceOf,
  isCallerFact,
  principalClasses,
  statementCoversAction,
  statementsOf,
  type ConditionAssignment,
  type ConditionDimension,
} from './accessPartition';
import { StatementRelevance } from './statementRelevance';

export type AccessCheckOutcome = 'PASS' | 'FAIL';

/** How the representative principal's own IAM policies are modelled. */
export type IamModel = 'environment' | 'allows-all-kms' | 'none' | 'not-applicable';

/** A request the evaluator decided, written so that a person (or `simulate`) can replay it. */
export interface AccessWitness {
  readonly principal: string;
  /** The caller's IAM policies: from the environment, assumed to allow every kms action, none, or not applicable (root, services, anonymous). */
  readonly iam: IamModel;
  readonly action: string;
  /** Other actions of the same class: every policy treats them as it treats `action`. */
  readonly alikeActions: readonly string[];
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly viaService?: string;
  /** Other condition keys of the request. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** The key the request is made on. */
  readonly keyArn: string;
}

/** One finding, in IAM Access Analyzer's shape (`description`, `statementIndex`) plus its witness. */
export interface AccessCheckReason {
  readonly description: string;
  /** The index of the key-policy statement that allows the witness; null when a grant allows it. */
  readonly statementIndex: number | null;
  readonly statementId?: string;
  readonly witness: AccessWitness;
}

export interface AccessCheckResult {
  readonly result: AccessCheckOutcome;
  readonly message: string;
  readonly reasons: readonly AccessCheckReason[];
  /** How many requests the evaluator decided. */
  readonly evaluations: number;
  /** False when some action class had too many condition classes and only their single-key variations were tried. */
  readonly exhaustive: boolean;
}

export interface AccessCheckOptions {
  /** Grants, SCPs and RCPs, and the identity policies of the principals it declares. */
  readonly environment?: Environment;
  /** The environment's key the policy is for: its ARN, grants and tags count. */
  readonly key?: EnvironmentKey;
  /** The key's account when no key is given; otherwise read from the policies. */
  readonly keyAccount?: string;
  readonly now?: Date;
  /** Largest product of condition classes tried in full per action class. */
  readonly assignmentLimit?: number;
}

const ALLOW_ALL_KMS = { Version: '2012-10-17', Statement: [{ Sid: 'AccessCheckAssumesIamAllows', Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const DEFAULT_ASSIGNMENT_LIMIT = 96;
/** A fixed evaluation time, so a check answers alike on every run. */
const CHECK_TIME = new Date('2026-01-01T00:00:00Z');

/** A principal to try and how its IAM policies are modelled. */
interface PrincipalRepresentative {
  readonly arn: string;
  readonly iam: IamModel;
}

/** Everything a check evaluates against, prepared once. */
interface CheckSetting {
  readonly partition: string;
  readonly keyAccount: string;
  readonly key: ScenarioKey;
  readonly grants: readonly ScenarioGrant[];
  readonly tagContext: Readonly<Record<string, string>>;
  /** Environments by IAM model (the same but for the principals added to model it). */
  readonly environments: Readonly<Record<IamModel, Environment>>;
  /** Accounts whose principals the environment declares: their IAM is as the environment says. */
  readonly describedAccounts: ReadonlySet<string>;
  readonly environmentStatements: readonly NormalizedStatement[];
  readonly grantClauses: readonly NormalizedStatement[];
  readonly now: Date;
  readonly limit: number;
  evaluations: number;
  exhaustive: boolean;
}

function emptyEnvironment(): Environment {
  return { partition: 'aws', defaultRegion: DEFAULT_REGION, accounts: [], principals: [], keys: [] };
}

/** The key's account: given, the environment key's, else the account the policies delegate to or limit callers to. */
function keyAccountOf(policies: readonly PolicyDocument[], options: AccessCheckOptions): string {
  if (options.keyAccount) return options.keyAccount;
  if (options.key) return options.key.account;
  // PutKeyPolicy works in the key's own account only, so an account granted it is the key's.
  const ranked = statementsOf(policies).filter((st) => st.effect === 'Allow');
  ranked.sort((a, b) => Number(statementCoversAction(b, 'kms:PutKeyPolicy')) - Number(statementCoversAction(a, 'kms:PutKeyPolicy')));
  for (const statement of ranked) {
    for (const entry of statement.principal?.aws ?? []) {
      const account = accountIdOf(entry);
      if (account) return account;
    }
  }
  for (const statement of statementsOf(policies)) {
    for (const clause of statement.conditions) {
      if (clause.key.toLowerCase() === 'kms:calleraccount' && /^\d{12}$/.test(clause.values[0] ?? '')) return clause.values[0]!;
    }
  }
  return options.environment?.accounts[0]?.id ?? DEFAULT_ACCOUNT_ID;
}

function environmentStatementsOf(environment: Environment): NormalizedStatement[] {
  const documents: PolicyDocument[] = [];
  for (const principal of environment.principals) {
    documents.push(...principal.identityPolicies, principal.permissionBoundary, principal.sessionPolicy);
  }
  for (const account of environment.accounts) {
    for (const level of [...account.serviceControlPolicies, ...account.resourceControlPolicies]) documents.push(...level.policies);
  }
  return statementsOf(documents);
}

/** Grant constraints as the conditions they amount to, so their encryption contexts are tried. */
function grantClausesOf(grants: readonly ScenarioGrant[]): NormalizedStatement[] {
  return grants.flatMap((grant, index) => {
    const pairs = grant.constraints?.encryptionContextEquals ?? grant.constraints?.encryptionContextSubset;
    if (!pairs) return [];
    const conditions = Object.entries(pairs).map(([k, v]) => ({ operator: 'StringEquals', key: `kms:EncryptionContext:${k}`, values: [v] }));
    return [{ index, effect: 'Allow', action: grant.operations.map((op) => `kms:${op}`), conditions }];
  });
}

function prepare(policies: readonly PolicyDocument[], options: AccessCheckOptions): CheckSetting {
  const environment = options.environment ?? emptyEnvironment();
  const partition = environment.partition;
  const keyAccount = keyAccountOf(policies, options);
  const region = options.key?.region ?? environment.defaultRegion ?? DEFAULT_REGION;
  const key: ScenarioKey = options.key
    ? scenarioKey(environment, options.key)
    : { arn: `arn:${partition}:kms:${region}:${keyAccount}:key/00000000-0000-4000-8000-000000000000`, account: keyAccount, region, state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' };
  const grants = options.key ? scenarioGrants(environment, options.key) : [];
  const describedAccounts = new Set<string>();
  for (const principal of environment.principals) {
    const account = accountOfArn(principal.arn);
    if (account && parseArn(principal.arn)?.resource !== 'root') describedAccounts.add(account);
  }
  const base: Environment = { ...environment, principals: [...environment.principals] };
  return {
    partition,
    keyAccount,
    key,
    grants,
    tagContext: resourceTagContext(Object.entries(options.key?.tags ?? {})),
    environments: { environment: base, 'allows-all-kms': base, none: base, 'not-applicable': base },
    describedAccounts,
    environmentStatements: environmentStatementsOf(environment),
    grantClauses: grantClausesOf(grants),
    now: options.now ?? CHECK_TIME,
    limit: options.assignmentLimit ?? DEFAULT_ASSIGNMENT_LIMIT,
    evaluations: 0,
    exhaustive: true,
  };
}

/**
 * The environments that model IAM: principals of accounts the environment does not describe get
 * an identity policy allowing every kms action under `allows-all-kms` and none under `none`; the
 * role standing for "whoever the account's IAM allows" always allows.
 */
function withIamModels(setting: CheckSetting, representatives: readonly string[]): CheckSetting {
  const base = setting.environments.environment;
  const declared = new Set(base.principals.map((p) => p.arn));
  const delegates: EnvironmentPrincipal[] = [];
  const assumed: EnvironmentPrincipal[] = [];
  for (const arn of representatives) {
    const caller = parseCaller(arn);
    if (!caller.account || setting.describedAccounts.has(caller.account)) continue;
    const identity = caller.kind === 'assumed-role' ? caller.principalArn : arn;
    if (declared.has(identity) || caller.kind === 'root') continue;
    declared.add(identity);
    const principal: EnvironmentPrincipal = { arn: identity, identityPolicies: [ALLOW_ALL_KMS], accessKeys: [] };
    if (caller.kind === 'role' && caller.roleName === DELEGATE_ROLE) delegates.push(principal);
    else assumed.push(principal);
  }
  const none: Environment = { ...base, principals: [...base.principals, ...delegates] };
  const all: Environment = { ...base, principals: [...base.principals, ...delegates, ...assumed] };
  return { ...setting, environments: { environment: base, 'allows-all-kms': all, none, 'not-applicable': none } };
}

/** Each principal with the IAM models worth trying for it. */
function representativesOf(setting: CheckSetting, arns: readonly string[]): PrincipalRepresentative[] {
  const out: PrincipalRepresentative[] = [];
  for (const arn of arns) {
    const caller = parseCaller(arn);
    if (!caller.account || caller.kind === 'root') out.push({ arn, iam: 'not-applicable' });
    else if (setting.describedAccounts.has(caller.account)) out.push({ arn, iam: 'environment' });
    else if (caller.kind === 'role' && caller.roleName === DELEGATE_ROLE) out.push({ arn, iam: 'allows-all-kms' });
    else out.push({ arn, iam: 'none' }, { arn, iam: 'allows-all-kms' });
  }
  return out;
}

interface RequestParts {
  readonly encryptionContext?: Record<string, string>;
  readonly viaService?: string;
  readonly context: Record<string, string | readonly string[]>;
}

function requestParts(assignment: ConditionAssignment, dimensions: ReadonlyMap<string, ConditionDimension>, callerDescribed: boolean): RequestParts {
  let encryptionContext: Record<string, string> | undefined;
  let viaService: string | undefined;
  const context: Record<string, string | readonly string[]> = {};
  for (const [lower, value] of assignment) {
    if (value === null) continue;
    const key = dimensions.get(lower)?.key ?? lower;
    const single = typeof value === 'string' ? value : value[0] ?? '';
    if (lower.startsWith(ENCRYPTION_CONTEXT_PREFIX)) (encryptionContext ??= {})[key.slice(ENCRYPTION_CONTEXT_PREFIX.length)] = single;
    else if (lower === 'kms:viaservice') viaService = single;
    else if (isCallerFact(lower) && callerDescribed) continue;
    else context[key] = value;
  }
  return { encryptionContext, viaService, context };
}

function scenarioFor(setting: CheckSetting, keyPolicy: PolicyDocument, who: PrincipalRepresentative, action: string, parts: RequestParts): AccessScenario {
  return assembleScenario(
    setting.environments[who.iam],
    {
      principalArn: who.arn,
      action,
      keyRef: setting.key.arn,
      encryptionContext: parts.encryptionContext,
      viaService: parts.viaService,
      context: { ...setting.tagContext, ...parts.context },
    },
    setting.key,
    keyPolicy,
    setting.grants,
  );
}

function evaluate(setting: CheckSetting, keyPolicy: PolicyDocument, who: PrincipalRepresentative, action: string, parts: RequestParts): SimulationResult {
  setting.evaluations++;
  return simulateAccess(scenarioFor(setting, keyPolicy, who, action, parts), { now: setting.now });
}

/** Whether the environment says who the caller is: its account's organization (or none) and its tags come from there. */
function describedCaller(setting: CheckSetting, principal: string): boolean {
  const caller = parseCaller(principal);
  if (!caller.account) return true; // services and anonymous carry no organization or tags
  return setting.environments.environment.accounts.some((a) => a.id === caller.account);
}

/** The condition classes for one action class: the dimensions of every statement that can decide it. */
function planFor(setting: CheckSetting, statements: readonly NormalizedStatement[], action: string, restrict?: (d: ConditionDimension) => ConditionDimension) {
  const relevant = [...statements, ...setting.environmentStatements, ...setting.grantClauses].filter((s) => statementCoversAction(s, action));
  // Only the operations that take an encryption context can carry one (Service Authorization Reference).
  const takesContext = kmsCatalog().action(action)?.conditionKeys.some((k) => k.startsWith('kms:EncryptionContext:')) ?? false;
  let dimensions = conditionDimensions(relevant).filter((d) => takesContext || !d.lower.startsWith(ENCRYPTION_CONTEXT_PREFIX));
  if (restrict) dimensions = dimensions.map(restrict);
  const plan = conditionAssignments(dimensions, relevant, setting.limit);
  if (!plan.exhaustive) setting.exhaustive = false;
  return { plan, dimensions: new Map(dimensions.map((d) => [d.lower, d])) };
}

interface ActionClass {
  /** The action evaluated. */
  readonly action: string;
  /** The others of its class. */
  readonly alike: readonly string[];
}

interface Probe {
  readonly candidate: PolicyDocument;
  /** For check-no-new-access: a request counts only when this policy does not allow it. */
  readonly reference?: PolicyDocument;
  readonly representatives: readonly PrincipalRepresentative[];
  readonly classes: readonly ActionClass[];
  /** Narrows condition classes (check-no-public-access: outside callers belong to no organization named). */
  readonly restrict?: (d: ConditionDimension) => ConditionDimension;
  /** Whether caller facts (organization, tags) are free for callers the environment does not describe. */
  readonly outsideCallers?: boolean;
  /**
   * One finding per allowing statement and action, as Access Analyzer reports: a caller whose
   * every relevant Allow statement already has a finding is not evaluated (the result is FAIL
   * either way).
   */
  readonly onePerStatement?: boolean;
}

interface Finding {
  readonly who: PrincipalRepresentative;
  readonly actionClass: ActionClass;
  readonly parts: RequestParts;
  readonly allowed: SimulationResult;
}

/**
 * For each principal and action class, the first condition class whose representative request
 * the candidate allows (and the reference does not). Pairs whose relevant statements say the same
 * in both policies, or where no statement (nor grant) could allow, are decided without evaluating.
 */
function probe(setting: CheckSetting, spec: Probe): Finding[] {
  const relevance = (document: PolicyDocument) => {
    const unwrapped = unwrapPolicy(document).document;
    return new StatementRelevance(normalizePolicy(unwrapped), unwrapped);
  };
  const candidate = relevance(spec.candidate);
  const reference = spec.reference === undefined ? undefined : relevance(spec.reference);
  const findings: Finding[] = [];
  const plans = new Map<string, ReturnType<typeof planFor>>();
  const reported = new Set<string>();
  for (const actionClass of spec.classes) {
    const { action } = actionClass;
    for (const who of spec.representatives) {
      const caller = parseCaller(who.arn);
      const now = candidate.relevant(caller, action);
      if (!now.allows && !setting.grants.length) continue;
      if (spec.onePerStatement && !setting.grants.length && now.statements.every((st) => st.effect !== 'Allow' || reported.has(`${action}|${st.index}`))) continue;
      const before = reference?.relevant(caller, action);
      if (before?.sameAs(now)) continue;
      const statements = before ? [...new Set([...now.statements, ...before.statements])] : now.statements;
      const planKey = `${action}\n${statements.map((s) => bodyKey(s)).join('\n')}`;
      let planned = plans.get(planKey);
      if (!planned) {
        planned = planFor(setting, statements, action, spec.restrict);
        plans.set(planKey, planned);
      }
      const described = spec.outsideCallers ? false : describedCaller(setting, who.arn);
      for (const assignment of planned.plan.assignments) {
        const parts = requestParts(assignment, planned.dimensions, described);
        // The relevant statements alone decide as the whole policy does (statementRelevance.ts);
        // a witness found with them is confirmed against the whole policies before it is reported.
        if (evaluate(setting, now.document, who, action, parts).decision !== 'Allow') continue;
        if (before && evaluate(setting, before.document, who, action, parts).decision === 'Allow') continue;
        const allowed = evaluate(setting, spec.candidate, who, action, parts);
        if (allowed.decision !== 'Allow') continue;
        if (spec.reference !== undefined && evaluate(setting, spec.reference, who, action, parts).decision === 'Allow') continue;
        const index = allowingStatement(allowed).index;
        if (spec.onePerStatement && index !== null && reported.has(`${action}|${index}`)) break;
        if (index !== null) reported.add(`${action}|${index}`);
        findings.push({ who, actionClass, parts, allowed });
        break;
      }
    }
  }
  return findings;
}

/** A statement's identity for caching plans: its conditions and the actions it covers. */
const bodyKeys = new WeakMap<NormalizedStatement, string>();
function bodyKey(statement: NormalizedStatement): string {
  let key = bodyKeys.get(statement);
  if (key === undefined) {
    key = JSON.stringify(statement.conditions);
    bodyKeys.set(statement, key);
  }
  return key;
}

function classesOf(classes: readonly (readonly string[])[]): ActionClass[] {
  return classes.map((members) => ({ action: members[0]!, alike: members.slice(1) }));
}

function allowingStatement(result: SimulationResult): { index: number | null; sid?: string } {
  if (result.allowedBy === 'grant') return { index: null };
  const keyPolicy = result.trace.policies.find((p) => p.kind === 'key-policy');
  const deciding = keyPolicy?.statements.find((s) => s.deciding);
  return deciding ? { index: deciding.index, sid: deciding.sid } : { index: null };
}

function describePrincipal(who: PrincipalRepresentative): string {
  const caller = parseCaller(who.arn);
  if (caller.kind === 'anonymous') return 'an anonymous caller';
  if (who.arn === OTHER_SERVICE) return 'an AWS service no policy names';
  if (caller.kind === 'service') return `the service ${who.arn}`;
  const account = caller.account === OTHER_ACCOUNT ? `an account no policy names (${OTHER_ACCOUNT})` : `account ${caller.account}`;
  if (caller.kind === 'role' && caller.roleName === DELEGATE_ROLE) return `any principal of ${account} that its IAM policies allow`;
  if (caller.kind === 'root') return `the root user of ${account}`;
  const iam = who.iam === 'none' ? ' with no IAM policy' : who.iam === 'allows-all-kms' ? ' with an IAM policy that allows it' : '';
  return `${who.arn}${iam}`;
}

/**
 * The request in words. "Any encryption context" only when the allowing statement tests no
 * encryption context key; otherwise the witness's exact context (or its absence) is stated.
 */
function describeRequest(witness: AccessWitness, allowing: NormalizedStatement | undefined): string {
  const parts: string[] = [];
  const ec = witness.encryptionContext;
  const takesContext = kmsCatalog().action(witness.action)?.conditionKeys.some((k) => k.startsWith('kms:EncryptionContext:')) ?? false;
  const testsContext = !allowing || allowing.conditions.some((c) => c.key.toLowerCase().startsWith('kms:encryptioncontext'));
  if (ec && Object.keys(ec).length) parts.push(`encryption context ${Object.entries(ec).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  else if (takesContext) parts.push(testsContext ? 'without an encryption context' : 'any encryption context');
  if (witness.viaService) parts.push(`via ${witness.viaService}`);
  for (const [k, v] of Object.entries(witness.context)) if (!k.toLowerCase().startsWith('aws:resourcetag/')) parts.push(`${k}=${typeof v === 'string' ? v : `[${v.join(', ')}]`}`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

function actionText(witness: AccessWitness): string {
  const more = witness.alikeActions.length;
  return more ? `${witness.action} (and ${more} other action${more === 1 ? '' : 's'} alike: ${witness.alikeActions.slice(0, 4).join(', ')}${more > 4 ? ', ...' : ''})` : witness.action;
}

function witnessOf(setting: CheckSetting, who: PrincipalRepresentative, action: string, alike: readonly string[], parts: RequestParts): AccessWitness {
  return {
    principal: who.arn,
    iam: who.iam,
    action,
    alikeActions: alike,
    ...(parts.encryptionContext ? { encryptionContext: parts.encryptionContext } : {}),
    ...(parts.viaService ? { viaService: parts.viaService } : {}),
    context: Object.fromEntries(Object.entries(parts.context).filter(([k]) => !k.toLowerCase().startsWith('aws:resourcetag/'))),
    keyArn: setting.key.arn,
  };
}

function statementAt(document: PolicyDocument, index: number | null): NormalizedStatement | undefined {
  return index === null ? undefined : statementsOf([document]).find((s) => s.index === index);
}

function statementText(statement: { index: number | null; sid?: string }, which: string): string {
  if (statement.index === null) return 'a grant allows it';
  return `statement ${statement.sid ? `"${statement.sid}"` : `#${statement.index + 1}`} of the ${which} allows it`;
}

function finish(setting: CheckSetting, reasons: AccessCheckReason[], pass: string, fail: string): AccessCheckResult {
  return {
    result: reasons.length ? 'FAIL' : 'PASS',
    message: reasons.length ? fail : pass,
    reasons,
    evaluations: setting.evaluations,
    exhaustive: setting.exhaustive,
  };
}

/** FAIL when `candidate` allows a request `reference` does not; each reason is such a request. */
export function checkNoNewAccess(reference: PolicyDocument, candidate: PolicyDocument, options: AccessCheckOptions = {}): AccessCheckResult {
  let setting = prepare([candidate, reference], options);
  const statements = statementsOf([reference, candidate]);
  const names = [...(options.environment?.principals.map((p) => p.arn) ?? []), ...setting.grants.map((g) => g.granteePrincipal)];
  const arns = principalClasses([...statements, ...setting.environmentStatements], names, setting.keyAccount, setting.partition);
  setting = withIamModels(setting, arns);
  const findings = probe(setting, {
    candidate,
    reference,
    representatives: representativesOf(setting, arns),
    classes: classesOf(actionClasses([...statements, ...setting.environmentStatements])),
  });
  const reasons = findings.map(({ who, actionClass, parts, allowed }): AccessCheckReason => {
    const witness = witnessOf(setting, who, actionClass.action, actionClass.alike, parts);
    const statement = allowingStatement(allowed);
    return {
      description: `${describePrincipal(who)} may now ${actionText(witness)}${describeRequest(witness, statementAt(candidate, statement.index))}: ${statementText(statement, 'new policy')}, and the reference policy does not.`,
      statementIndex: statement.index,
      ...(statement.sid ? { statementId: statement.sid } : {}),
      witness,
    };
  });
  return finish(setting, reasons, 'The new policy grants no access that the reference policy does not.', `The new policy grants access that the reference policy does not (${reasons.length} finding${reasons.length === 1 ? '' : 's'}).`);
}

/** What a policy change grants and takes away, for an access diff (the editor renders the lines). */
export interface AccessDiff {
  /** Requests the new policy allows and the old one does not. */
  readonly added: readonly AccessCheckReason[];
  /** Requests the old policy allows and the new one does not. */
  readonly removed: readonly AccessCheckReason[];
  /** One line per principal and action class: `+ ARN may now ACTION, ...` and `- ARN may no longer ACTION, ...`. */
  readonly lines: readonly string[];
  readonly evaluations: number;
  readonly exhaustive: boolean;
}

/** How a diff line names a principal: an account's root and whoever its IAM allows are the account principal. */
function diffPrincipal(witness: AccessWitness): string {
  const caller = parseCaller(witness.principal);
  if (caller.account && (caller.kind === 'root' || (caller.kind === 'role' && caller.roleName === DELEGATE_ROLE))) {
    return caller.account === OTHER_ACCOUNT ? `any account no policy names (e.g. ${caller.accountRootArn})` : caller.accountRootArn;
  }
  if (caller.kind === 'anonymous') return 'anyone, anonymously';
  if (witness.iam === 'none') return `${witness.principal} (with no IAM policy)`;
  return witness.principal;
}

/**
 * The access diff of a key-policy change: what `candidate` grants that `reference` does not, and
 * what it takes away, each line backed by a witness the evaluator decided.
 */
export function accessDiff(reference: PolicyDocument, candidate: PolicyDocument, options: AccessCheckOptions = {}): AccessDiff {
  const gained = checkNoNewAccess(reference, candidate, options);
  const lost = checkNoNewAccess(candidate, reference, options);
  const lines: string[] = [];
  const line = (sign: string, verb: string, reason: AccessCheckReason, document: PolicyDocument) => {
    const text = `${sign} ${diffPrincipal(reason.witness)} ${verb} ${actionText(reason.witness)}${describeRequest(reason.witness, statementAt(document, reason.statementIndex))}`;
    if (!lines.includes(text)) lines.push(text);
  };
  for (const reason of gained.reasons) line('+', 'may now', reason, candidate);
  for (const reason of lost.reasons) line('-', 'may no longer', reason, reference);
  return { added: gained.reasons, removed: lost.reasons, lines, evaluations: gained.evaluations + lost.evaluations, exhaustive: gained.exhaustive && lost.exhaustive };
}

/** The principals a user named, as representatives: an account stands for its root and whoever its IAM allows; a role for its sessions too. */
function namedPrincipals(names: readonly string[], partition: string): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const account = accountIdOf(name);
    if (account) {
      out.add(`arn:${partition}:iam::${account}:root`);
      out.add(delegateRoleArn(account, partition));
      continue;
    }
    out.add(name);
    const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(name);
    if (role) out.add(`arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/any-session`);
  }
  return [...out];
}

/** Every KMS action the patterns name (`kms:Decrypt`, `kms:Generate*`); unknown names are returned apart. */
export function expandActions(patterns: readonly string[]): { readonly actions: string[]; readonly unknown: string[] } {
  const actions = new Set<string>();
  const unknown: string[] = [];
  for (const pattern of patterns) {
    const matched = kmsCatalog().matchActions(pattern);
    if (!matched.length) unknown.push(pattern);
    for (const action of matched) actions.add(action.qualifiedName);
  }
  return { actions: [...actions], unknown };
}

/** FAIL when any principal (or one of `principals`) may perform one of `actions` on the key. */
export function checkAccessNotGranted(policy: PolicyDocument, actions: readonly string[], options: AccessCheckOptions & { readonly principals?: readonly string[] } = {}): AccessCheckResult {
  let setting = prepare([policy], options);
  const statements = statementsOf([policy]);
  const asked = expandActions(actions).actions;
  const names = [...(options.environment?.principals.map((p) => p.arn) ?? []), ...setting.grants.map((g) => g.granteePrincipal)];
  const arns = options.principals?.length
    ? namedPrincipals(options.principals, setting.partition)
    : principalClasses([...statements, ...setting.environmentStatements], names, setting.keyAccount, setting.partition);
  setting = withIamModels(setting, arns);
  const askedLower = new Set(asked.map((a) => a.toLowerCase()));
  const classes = actionClasses([...statements, ...setting.environmentStatements], asked).flatMap((members): ActionClass[] => {
    const action = members.find((m) => askedLower.has(m.toLowerCase()));
    return action ? [{ action, alike: [] }] : [];
  });
  const findings = probe(setting, { candidate: policy, representatives: representativesOf(setting, arns), classes, onePerStatement: true });
  const reasons = findings.map(({ who, actionClass, parts, allowed }): AccessCheckReason => {
    const witness = witnessOf(setting, who, actionClass.action, [], parts);
    const statement = allowingStatement(allowed);
    return {
      description: `${describePrincipal(who)} may ${actionClass.action}${describeRequest(witness, statementAt(policy, statement.index))}: ${statementText(statement, 'policy')}.`,
      statementIndex: statement.index,
      ...(statement.sid ? { statementId: statement.sid } : {}),
      witness,
    };
  });
  return finish(setting, reasons, `The policy grants none of ${asked.join(', ')}${options.principals?.length ? ` to ${options.principals.join(', ')}` : ''}.`, `The policy grants ${[...new Set(reasons.map((r) => r.witness.action))].join(', ')} (${reasons.length} finding${reasons.length === 1 ? '' : 's'}).`);
}

/** Keys that say which account a service acts for: a caller outside the organization cannot set them to the key's. */
const SOURCE_KEYS = new Set(['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceowner', 'aws:sourceorgid', 'aws:sourceorgpaths']);

/**
 * FAIL when a principal outside the key's account and organization, or an anonymous caller, may
 * use the key. Outside callers are an account no policy names (its root and whoever its IAM
 * allows, and the principals ARN conditions name with a wildcard account) and anonymous; they
 * belong to no organization the policies name.
 */
export function checkNoPublicAccess(policy: PolicyDocument, options: AccessCheckOptions = {}): AccessCheckResult {
  let setting = prepare([policy], options);
  const statements = statementsOf([policy]);
  const arns = principalClasses(statements, [], setting.keyAccount, setting.partition).filter((arn) => arn === ANONYMOUS || parseCaller(arn).account === OTHER_ACCOUNT);
  setting = withIamModels(setting, arns);
  const outside = (d: ConditionDimension): ConditionDimension =>
    isCallerFact(d.lower) && !d.lower.startsWith('aws:principaltag/')
      ? { ...d, values: [OTHER_VALUE, null] }
      : SOURCE_KEYS.has(d.lower)
        ? { ...d, values: [d.lower === 'aws:sourceaccount' || d.lower === 'aws:sourceowner' ? OTHER_ACCOUNT : instanceOf(`arn:aws:s3:::${OTHER_VALUE}`), null] }
        : d;
  const findings = probe(setting, { candidate: policy, representatives: representativesOf(setting, arns), classes: classesOf(actionClasses(statements)), restrict: outside, outsideCallers: true, onePerStatement: true });
  const reasons = findings.map(({ who, actionClass, parts, allowed }): AccessCheckReason => {
    const witness = witnessOf(setting, who, actionClass.action, actionClass.alike, parts);
    const statement = allowingStatement(allowed);
    return {
      description: `${describePrincipal(who)} may ${actionText(witness)}${describeRequest(witness, statementAt(policy, statement.index))}: ${statementText(statement, 'policy')}.`,
      statementIndex: statement.index,
      ...(statement.sid ? { statementId: statement.sid } : {}),
      witness,
    };
  });
  return finish(setting, reasons, `No principal outside account ${setting.keyAccount} and its organization, and no anonymous caller, may use the key.`, `Principals outside account ${setting.keyAccount} and its organization may use the key (${reasons.length} finding${reasons.length === 1 ? '' : 's'}).`);
}

/** Replays a witness against a key policy: the evaluator's answer for exactly that request. */
export function replayWitness(keyPolicy: PolicyDocument, witness: AccessWitness, options: AccessCheckOptions = {}): SimulationResult {
  let setting = prepare([keyPolicy], { ...options, keyAccount: options.keyAccount ?? parseArn(witness.keyArn)?.account });
  setting = withIamModels(setting, [witness.principal]);
  return simulateAccess(
    scenarioFor(setting, keyPolicy, { arn: witness.principal, iam: witness.iam }, witness.action, {
      encryptionContext: witness.encryptionContext ? { ...witness.encryptionContext } : undefined,
      viaService: witness.viaService,
      context: { ...witness.context },
    }),
    { now: setting.now },
  );
}
