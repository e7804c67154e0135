// The finite set of requests an access check evaluates: principals, actions and condition values
// split into the classes the policies can tell apart, one representative each. Two requests of
// one class meet every Principal, Action and condition constant of the policies alike, so the
// evaluator answers them alike; evaluating the representatives covers every request (see the
// README, "Access checks", for where the split is approximate).
import { parseCaller } from '../access/callerIdentity';
import { evaluateCondition } from '../access/conditionOperators';
import { parseConditionOperator } from '../catalog/conditionOperators';
import { normalizePolicy, type ConditionClause, type NormalizedStatement } from '../access/policyDocument';
import { unwrapPolicy } from '../access/policySource';
import type { ContextValue } from '../access/requestContext';
import type { PolicyDocument } from '../access/scenario';
import { actionMatches } from '../access/wildcardMatcher';
import { accountIdOf, accountOfArn, accountRootArnOf, parseArn } from '../arn/awsArn';
import { CROSS_ACCOUNT_ACTIONS } from '../catalog/kmsCuratedFacts';
import { kmsCatalog } from '../catalog/kmsCatalog';

/** An account no policy names: stands for every such account. */
export const OTHER_ACCOUNT = '999999999999';
/** Role name of the principal that stands for "whoever an account's IAM policies allow". */
export const DELEGATE_ROLE = 'AnyPrincipalAllowedByIAM';
/** A session name no policy names. */
export const OTHER_SESSION = 'any-session';
/** A service principal no policy names. */
export const OTHER_SERVICE = 'any-other-service.amazonaws.com';
export const ANONYMOUS = 'anonymous';
/** A value no policy names, for "any other value". */
export const OTHER_VALUE = 'any-other-value';
/** An organization no policy names. */
export const OTHER_ORGANIZATION = 'o-anyotherorg0';

/** A condition value in a representative request: one string, several (multivalued keys), or absent. */
export type ConditionValue = string | readonly string[] | null;

/** A condition key the request may carry, with one representative value per class. */
export interface ConditionDimension {
  /** As first written in a policy. */
  readonly key: string;
  readonly lower: string;
  readonly values: readonly ConditionValue[];
}

/** Keys the request context derives from the caller or the key: never chosen freely, or the witness would contradict itself. */
const DERIVED_KEYS = new Set([
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:username',
  'aws:userid',
  'aws:principalisawsservice',
  'aws:principalservicename',
  'aws:currenttime',
  'aws:epochtime',
  'aws:requestedregion',
  'aws:resourceaccount',
  'aws:resourceorgid',
  'kms:calleraccount',
  'kms:encryptioncontextkeys',
  'kms:requestalias',
  'kms:resourcealiases',
  'kms:keyspec',
  'kms:keyusage',
  'kms:keyorigin',
  'kms:multiregion',
  'kms:multiregionkeytype',
  'kms:grantisforawsresource',
]);

/** Keys that are facts about the caller: free only for callers the environment does not describe. */
export const CALLER_FACT_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);
const CALLER_FACT_PREFIXES = ['aws:principaltag/'];

export const ENCRYPTION_CONTEXT_PREFIX = 'kms:encryptioncontext:';

export function isCallerFact(lower: string): boolean {
  return CALLER_FACT_KEYS.has(lower) || CALLER_FACT_PREFIXES.some((p) => lower.startsWith(p));
}

/** Every statement of the documents, normalized once. */
export function statementsOf(documents: readonly (PolicyDocument | undefined | null)[]): NormalizedStatement[] {
  const out: NormalizedStatement[] = [];
  for (const document of documents) {
    if (document == null) continue;
    out.push(...normalizePolicy(unwrapPolicy(document).document).statements);
  }
  return out;
}

/** Whether a statement's Action (or NotAction) element covers the action. */
export function statementCoversAction(statement: NormalizedStatement, action: string): boolean {
  if (statement.action) return statement.action.some((a) => actionMatches(a, action));
  if (statement.notAction) return !statement.notAction.some((a) => actionMatches(a, action));
  return false;
}

/** A string the pattern matches: `*` and `?` become plain characters, an account wildcard another account. */
export function instanceOf(pattern: string): string {
  const arn = parseArn(pattern);
  if (arn && (arn.account === '*' || arn.account === '?')) pattern = pattern.replace(`:${arn.account}:`, `:${OTHER_ACCOUNT}:`);
  return pattern.replace(/\*/g, 'x').replace(/\?/g, 'x');
}

/**
 * The principals to try: every account named (its root and a role standing for whoever its IAM
 * policies allow), every IAM principal named and the sessions of every role, the environment's
 * principals and grantees, an account no one names, anonymous, and AWS services.
 */
export function principalClasses(statements: readonly NormalizedStatement[], extraNames: readonly string[], keyAccount: string, partition: string): string[] {
  const accounts = new Set<string>([keyAccount, OTHER_ACCOUNT]);
  const principals = new Set<string>();
  const services = new Set<string>([OTHER_SERVICE]);
  const addName = (name: string) => {
    if (name === '*') return;
    const account = accountIdOf(name);
    if (account) {
      accounts.add(account);
      return;
    }
    const arn = parseArn(name);
    if (!arn) {
      if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/i.test(name)) services.add(name.toLowerCase());
      return;
    }
    const withAccount = accountOfArn(name);
    if (withAccount) accounts.add(withAccount);
    if (!withAccount || /[*?]/.test(arn.resource)) {
      if (/[*?]/.test(name)) principals.add(instanceOf(name));
      return;
    }
    principals.add(name);
    const role = /^role\/(?:.*\/)?([^/]+)$/.exec(arn.resource);
    if (arn.service === 'iam' && role) principals.add(`arn:${arn.partition}:sts::${withAccount}:assumed-role/${role[1]}/${OTHER_SESSION}`);
  };
  for (const statement of statements) {
    for (const spec of [statement.principal, statement.notPrincipal]) {
      if (!spec) continue;
      for (const entry of [...spec.aws, ...spec.federated]) addName(entry);
      for (const entry of spec.service) if (entry !== '*') services.add(entry.toLowerCase());
    }
    for (const clause of statement.conditions) {
      const lower = clause.key.toLowerCase();
      // Principals a condition names (aws:PrincipalArn, kms:GranteePrincipal, ...) are principals too.
      if (lower === 'aws:principalarn' || lower === 'aws:principalaccount' || lower === 'kms:calleraccount') {
        for (const value of clause.values) if (!value.includes('${')) addName(/^\d{12}$/.test(value) ? value : value.startsWith('arn:') ? instanceOf(value) : value);
      }
    }
  }
  for (const name of extraNames) addName(name);
  for (const account of accounts) {
    principals.add(accountRootArnOf(account, partition));
    principals.add(delegateRoleArn(account, partition));
  }
  return [...principals, ...services, ANONYMOUS];
}

export function delegateRoleArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role/${DELEGATE_ROLE}`;
}

/** The account of a representative principal; null for services and anonymous. */
export function accountOfCaller(principal: string): string | null {
  return parseCaller(principal).account;
}

/**
 * The KMS actions on a key split into classes: two actions are in one class when every Action
 * pattern of the policies (and every action asked about) treats them alike and the evaluator's
 * own tables (cross-account, which condition keys the request carries) do too.
 */
export function actionClasses(statements: readonly NormalizedStatement[], asked: readonly string[] = []): string[][] {
  const patterns = new Set<string>(asked);
  for (const statement of statements) for (const p of [...(statement.action ?? []), ...(statement.notAction ?? [])]) patterns.add(p);
  const patternList = [...patterns];
  const classes = new Map<string, string[]>();
  // Actions on no key (CreateKey, ListKeys, custom key stores) are IAM's alone: no key policy grants them.
  for (const action of kmsCatalog().actions.filter((a) => a.resourceTypes.length)) {
    const name = action.qualifiedName;
    const lowerName = name.toLowerCase();
    // Actions with a behaviour of their own in the evaluator or the request context stay alone.
    const own = ['kms:creategrant', 'kms:listgrants', 'kms:revokegrant', 'kms:retiregrant', 'kms:putkeypolicy'].includes(lowerName) || asked.some((a) => a.toLowerCase() === lowerName);
    const signature = own
      ? name
      : [
          patternList.map((p) => (actionMatches(p, name) ? '1' : '0')).join(''),
          CROSS_ACCOUNT_ACTIONS.has(action.name) ? 'x' : '-',
          action.conditionKeys.join(','),
        ].join('|');
    const members = classes.get(signature);
    if (members) members.push(name);
    else classes.set(signature, [name]);
  }
  return [...classes.values()];
}

function operatorFamily(clause: ConditionClause): string {
  const family = parseConditionOperator(clause.operator).base?.family;
  if (family === 'Numeric' || family === 'Date' || family === 'Bool') return family;
  if (family === 'IpAddress') return 'Ip';
  return 'String';
}

/** Representative values for one constant: itself (wildcards filled) and, for ordered types, its neighbours. */
function valuesFor(family: string, constant: string): string[] {
  if (constant.includes('${')) return [];
  switch (family) {
    case 'Numeric': {
      const n = Number(constant);
      return Number.isFinite(n) ? [String(n), String(n - 1), String(n + 1)] : [];
    }
    case 'Date': {
      const t = Date.parse(constant) || Number(constant) * 1000;
      return Number.isFinite(t) ? [new Date(t).toISOString(), new Date(t - 1000).toISOString(), new Date(t + 1000).toISOString()] : [];
    }
    case 'Bool':
      return ['true', 'false'];
    case 'Ip':
      return [constant.split('/')[0]!];
    default:
      // A pattern's shortest and a longer instance too, so `a?` and `a*` are told apart.
      return /[*?]/.test(constant) && !constant.startsWith('arn:')
        ? [...new Set([instanceOf(constant), instanceOf(constant.replace(/\*/g, '')), instanceOf(constant.replace(/\*/g, 'x-x-x'))])]
        : [instanceOf(constant)];
  }
}

function otherValueFor(family: string): string {
  switch (family) {
    case 'Numeric':
      return '-987654321';
    case 'Date':
      return '1970-01-01T00:00:00Z';
    case 'Bool':
      return 'false';
    case 'Ip':
      return '198.51.100.254';
    default:
      return OTHER_VALUE;
  }
}

/**
 * The condition keys the statements test, each with its classes: every constant the policies
 * compare it with, "any other value", and absent; multivalued keys also as the whole set of
 * constants. Keys derived from the caller or the key are left to the request context.
 */
export function conditionDimensions(statements: readonly NormalizedStatement[]): ConditionDimension[] {
  const byKey = new Map<string, { key: string; families: Set<string>; values: Map<string, ConditionValue>; multi: boolean; constants: Set<string> }>();
  for (const statement of statements) {
    for (const clause of statement.conditions) {
      const lower = clause.key.toLowerCase();
      if (lower === 'kms:encryptioncontextkeys') {
        // The keys of the encryption context: each named key present (with any value) or not.
        for (const name of clause.values) {
          if (name.includes('${')) continue;
          const key = `kms:EncryptionContext:${instanceOf(name)}`;
          if (!byKey.has(key.toLowerCase())) byKey.set(key.toLowerCase(), { key, families: new Set(['String']), values: new Map(), multi: false, constants: new Set() });
        }
        continue;
      }
      if (lower === 'kms:grantisforawsresource' && !byKey.has('kms:viaservice')) {
        // Derived from whether a service makes the call: a request through some service, or not.
        byKey.set('kms:viaservice', { key: 'kms:ViaService', families: new Set(['String']), values: new Map(), multi: false, constants: new Set() });
      }
      if (DERIVED_KEYS.has(lower)) continue;
      let entry = byKey.get(lower);
      if (!entry) {
        entry = { key: clause.key, families: new Set(), values: new Map(), multi: false, constants: new Set() };
        byKey.set(lower, entry);
      }
      const family = operatorFamily(clause);
      entry.families.add(family);
      if (parseConditionOperator(clause.operator).setOperator) entry.multi = true;
      for (const constant of clause.values) {
        for (const value of valuesFor(family, constant)) {
          entry.values.set(value, value);
          entry.constants.add(value);
        }
      }
    }
  }
  const dimensions: ConditionDimension[] = [];
  for (const [lower, entry] of byKey) {
    // Absent first, then any other value: the first witness found is then the most general one.
    const values: ConditionValue[] = [null];
    for (const family of entry.families) {
      const other = otherValueFor(family);
      if (!values.includes(other)) values.push(other);
    }
    for (const value of entry.values.values()) if (!values.includes(value)) values.push(value);
    if (entry.multi && entry.constants.size > 1) values.push([...entry.constants]);
    if (entry.multi) values.push([...entry.constants, OTHER_VALUE]);
    dimensions.push({ key: entry.key, lower, values });
  }
  return dimensions;
}

/** One representative request's condition values, by lower-cased key (absent keys are missing). */
export type ConditionAssignment = ReadonlyMap<string, ConditionValue>;

function contextOf(lower: string, key: string, value: ConditionValue): Map<string, ContextValue> {
  const context = new Map<string, ContextValue>();
  if (value !== null) context.set(lower, { name: key, values: typeof value === 'string' ? [value] : value, multiValued: typeof value !== 'string' });
  return context;
}

/** The first value of the dimension that satisfies every clause of the statement on that key, if any. */
function satisfyingValue(dimension: ConditionDimension, clauses: readonly ConditionClause[]): ConditionValue | undefined {
  return dimension.values.find((value) => clauses.every((clause) => evaluateCondition(clause, contextOf(dimension.lower, dimension.key, value), false).matched));
}

export interface AssignmentPlan {
  readonly assignments: readonly ConditionAssignment[];
  /** True when the assignments are the whole product of the dimensions' classes. */
  readonly exhaustive: boolean;
}

/**
 * The condition assignments to try. When the product of the classes is small, all of it; else
 * the assignment that satisfies each statement's conditions, and from each, every single-key
 * variation (the product would grow with the power of the number of keys).
 */
export function conditionAssignments(dimensions: readonly ConditionDimension[], statements: readonly NormalizedStatement[], limit: number): AssignmentPlan {
  let product = 1;
  for (const d of dimensions) product *= d.values.length;
  if (product <= limit) {
    let assignments: Map<string, ConditionValue>[] = [new Map()];
    for (const d of dimensions) {
      const next: Map<string, ConditionValue>[] = [];
      for (const partial of assignments) for (const value of d.values) next.push(new Map(partial).set(d.lower, value));
      assignments = next;
    }
    return { assignments, exhaustive: true };
  }
  const seen = new Set<string>();
  const out: Map<string, ConditionValue>[] = [];
  const add = (assignment: Map<string, ConditionValue>) => {
    const id = JSON.stringify([...assignment].sort(([a], [b]) => a.localeCompare(b)));
    if (!seen.has(id)) {
      seen.add(id);
      out.push(assignment);
    }
  };
  const byLower = new Map(dimensions.map((d) => [d.lower, d]));
  const bases: Map<string, ConditionValue>[] = [new Map(dimensions.map((d) => [d.lower, null]))];
  for (const statement of statements) {
    if (!statement.conditions.length) continue;
    const base = new Map<string, ConditionValue>(dimensions.map((d) => [d.lower, null]));
    for (const d of dimensions) {
      const clauses = statement.conditions.filter((c) => c.key.toLowerCase() === d.lower);
      if (!clauses.length) continue;
      const value = satisfyingValue(d, clauses);
      if (value !== undefined) base.set(d.lower, value);
    }
    bases.push(base);
  }
  for (const base of bases) {
    add(base);
    for (const [lower] of base) {
      for (const value of byLower.get(lower)!.values) add(new Map(base).set(lower, value));
    }
  }
  return { assignments: out, exhaustive: false };
}
