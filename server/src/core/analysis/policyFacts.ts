// What the rules ask of a parsed policy, computed once per validation: the KMS actions each
// statement covers, its principals classified, its condition keys, and whose key it is.
import type { KmsAction, KmsCatalog } from '../catalog/kmsCatalog';
import type { ConditionEntry, Located, PolicyModel, StatementModel } from '../policy/policyModel';
import { classifyPrincipal, type ClassifiedPrincipal } from './principalClassifier';
import { parseConditionOperator } from '../catalog/conditionOperators';

export interface ActionEntry {
  readonly written: Located<string>;
  readonly matches: readonly KmsAction[];
}

export interface StatementFacts {
  readonly statement: StatementModel;
  readonly effect: 'Allow' | 'Deny' | undefined;
  /** Entries of Action (or NotAction when `usesNotAction`). */
  readonly actionEntries: readonly ActionEntry[];
  readonly usesNotAction: boolean;
  /** Bare names of the KMS actions the statement applies to. */
  readonly coveredActions: ReadonlySet<string>;
  readonly principals: readonly ClassifiedPrincipal[];
  readonly hasWildcardPrincipal: boolean;
  /** Lower-cased condition key names present in the statement. */
  readonly conditionKeys: ReadonlySet<string>;
}

export interface PolicyFacts {
  readonly model: PolicyModel;
  readonly catalog: KmsCatalog;
  readonly statements: readonly StatementFacts[];
  /** The account that owns the key: given by the caller, or inferred from the policy. */
  readonly keyAccount?: string;
}

/**
 * Condition keys that narrow *who* may call, so an Allow to `"*"` with one of them (under a
 * positive operator without IfExists) is not an Allow to everyone.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 */
export const PRINCIPAL_RESTRICTING_KEYS: ReadonlySet<string> = new Set([
  'kms:calleraccount',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:userid',
]);

/** True when the entry really narrows the key's value: a positive operator, no IfExists, no bare `*`. */
export function conditionRestricts(entry: ConditionEntry): boolean {
  const parsed = parseConditionOperator(entry.operator.value);
  if (!parsed.base || parsed.base.negated || parsed.ifExists || parsed.base.family === 'Null') return false;
  if (parsed.setOperator === 'ForAllValues') return false;
  return entry.values.length > 0 && entry.values.every((v) => v.value !== '*');
}

export function restrictsWho(statement: StatementModel): boolean {
  return (statement.condition ?? []).some(
    (c) => PRINCIPAL_RESTRICTING_KEYS.has(c.key.value.toLowerCase()) && conditionRestricts(c),
  );
}

function statementFacts(statement: StatementModel, catalog: KmsCatalog): StatementFacts {
  const usesNotAction = !statement.action && !!statement.notAction;
  const written = statement.action ?? statement.notAction ?? [];
  const actionEntries = written.map((w) => ({ written: w, matches: catalog.matchActions(w.value) }));
  const matched = new Set(actionEntries.flatMap((e) => e.matches.map((a) => a.name)));
  const coveredActions = usesNotAction
    ? new Set(catalog.actions.map((a) => a.name).filter((n) => !matched.has(n)))
    : matched;
  const principals = (statement.principal?.entries ?? []).map(classifyPrincipal);
  const effectValue = statement.effect?.value;
  return {
    statement,
    effect: effectValue === 'Allow' || effectValue === 'Deny' ? effectValue : undefined,
    actionEntries,
    usesNotAction,
    coveredActions,
    principals,
    hasWildcardPrincipal: principals.some((p) => p.kind === 'wildcard'),
    conditionKeys: new Set((statement.condition ?? []).map((c) => c.key.value.toLowerCase())),
  };
}

const ACCOUNT_VALUED_KEYS: ReadonlySet<string> = new Set(['kms:calleraccount', 'aws:sourceaccount', 'aws:principalaccount', 'aws:resourceaccount']);

/** The key's account: the root delegated to in an Allow with PutKeyPolicy, else the most named account. */
function inferKeyAccount(statements: readonly StatementFacts[]): string | undefined {
  for (const s of statements) {
    if (s.effect !== 'Allow' || !s.coveredActions.has('PutKeyPolicy')) continue;
    const root = s.principals.find((p) => p.kind === 'account');
    if (root?.account) return root.account;
  }
  const counts = new Map<string, number>();
  for (const s of statements) {
    for (const p of s.principals) if (p.account) counts.set(p.account, (counts.get(p.account) ?? 0) + 1);
  }
  if (counts.size === 0) {
    // Service-only policies still name the account in source and caller conditions.
    for (const s of statements) {
      for (const c of s.statement.condition ?? []) {
        if (!ACCOUNT_VALUED_KEYS.has(c.key.value.toLowerCase()) && !/arn$/i.test(c.key.value)) continue;
        for (const v of c.values) {
          const account = typeof v.value === 'string' ? (/^\d{12}$/.test(v.value) ? v.value : /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(v.value)?.[1]) : undefined;
          if (account) counts.set(account, (counts.get(account) ?? 0) + 1);
        }
      }
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [account, count] of counts) {
    if (count > bestCount) {
      best = account;
      bestCount = count;
    }
  }
  return best;
}

export function computePolicyFacts(model: PolicyModel, catalog: KmsCatalog, keyAccount?: string): PolicyFacts {
  const statements = model.statements.map((s) => statementFacts(s, catalog));
  return { model, catalog, statements, keyAccount: keyAccount ?? inferKeyAccount(statements) };
}

/** Statements whose Allow reaches a principal other than an account (roles, users, services, everyone). */
export function isAccountPrincipalOnly(s: StatementFacts): boolean {
  return s.principals.length > 0 && s.principals.every((p) => p.kind === 'account');
}
