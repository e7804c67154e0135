// Reads a policy document defensively: any JSON value may arrive (from a file, the wire or the
// engine's store), so every element is checked and string-or-array forms are unified. A
// malformed statement never throws; it is kept with a problem that the trace reports.

export interface PrincipalSpec {
  /** The bare `"*"` form, or `{"AWS": "*"}`. */
  readonly wildcard: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringEqualsIfExists`. */
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface NormalizedStatement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: string;
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionClause[];
  /** Why this statement can never match, when it is malformed. */
  readonly problem?: string;
}

export interface NormalizedPolicy {
  readonly version?: string;
  /** Policy variables are substituted only in version 2012-10-17 policies. */
  readonly variablesEnabled: boolean;
  readonly statements: readonly NormalizedStatement[];
  readonly problems: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or an array of strings; anything else is undefined. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function readPrincipal(value: unknown): PrincipalSpec | string {
  if (value === '*') return { wildcard: true, aws: [], service: [], federated: [], canonicalUser: [] };
  if (!isObject(value)) return 'must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}';
  const lists: Record<string, string[]> = { AWS: [], Service: [], Federated: [], CanonicalUser: [] };
  for (const [type, entries] of Object.entries(value)) {
    const items = stringList(entries);
    if (!(type in lists)) return `has an unknown principal type "${type}"`;
    if (!items) return `"${type}" must be a string or an array of strings`;
    lists[type].push(...items);
  }
  return {
    wildcard: lists.AWS.includes('*'),
    aws: lists.AWS,
    service: lists.Service,
    federated: lists.Federated,
    canonicalUser: lists.CanonicalUser,
  };
}

function readConditions(value: unknown): ConditionClause[] | string {
  if (!isObject(value)) return 'Condition must be an object of operators';
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) return `Condition operator "${operator}" must map condition keys to values`;
    for (const [key, raw] of Object.entries(block)) {
      const items = Array.isArray(raw) ? raw : [raw];
      const values: string[] = [];
      for (const item of items) {
        const text = scalarText(item);
        if (text === undefined) return `Condition "${operator}" "${key}" has a value that is not a string, number or boolean`;
        values.push(text);
      }
      clauses.push({ operator, key, values });
    }
  }
  return clauses;
}

function readStatement(raw: unknown, index: number): NormalizedStatement {
  if (!isObject(raw)) {
    return { index, effect: '', conditions: [], problem: 'statement is not a JSON object' };
  }
  const problems: string[] = [];
  const sid = typeof raw.Sid === 'string' ? raw.Sid : undefined;
  const effect = typeof raw.Effect === 'string' ? raw.Effect : '';
  if (effect !== 'Allow' && effect !== 'Deny') problems.push(`Effect must be "Allow" or "Deny" (found ${JSON.stringify(raw.Effect ?? null)})`);

  const list = (name: string): string[] | undefined => {
    if (!(name in raw)) return undefined;
    const items = stringList(raw[name]);
    if (!items) problems.push(`${name} must be a string or an array of strings`);
    return items ?? [];
  };
  const action = list('Action');
  const notAction = list('NotAction');
  const resource = list('Resource');
  const notResource = list('NotResource');
  if (!action && !notAction) problems.push('has neither Action nor NotAction');
  if (action && notAction) problems.push('has both Action and NotAction');
  if (resource && notResource) problems.push('has both Resource and NotResource');

  let principal: PrincipalSpec | undefined;
  let notPrincipal: PrincipalSpec | undefined;
  if ('Principal' in raw) {
    const p = readPrincipal(raw.Principal);
    if (typeof p === 'string') problems.push(`Principal ${p}`);
    else principal = p;
  }
  if ('NotPrincipal' in raw) {
    const p = readPrincipal(raw.NotPrincipal);
    if (typeof p === 'string') problems.push(`NotPrincipal ${p}`);
    else notPrincipal = p;
  }
  let conditions: ConditionClause[] = [];
  if ('Condition' in raw) {
    const c = readConditions(raw.Condition);
    if (typeof c === 'string') problems.push(c);
    else conditions = c;
  }
  return {
    index,
    sid,
    effect,
    principal,
    notPrincipal,
    action,
    notAction,
    resource,
    notResource,
    conditions,
    problem: problems.length ? problems.join('; ') : undefined,
  };
}

// The engine evaluates the same few policies on every request: remember each normalized
// policy by its document object (or text), so a request pays only for evaluation. Normalized
// policies are never mutated, and a document object is treated as immutable once evaluated.
const byObject = new WeakMap<object, NormalizedPolicy>();
const byText = new Map<string, NormalizedPolicy>();
const MAX_TEXTS = 256;

/** Normalizes any JSON value (or JSON text) into a policy; problems are reported, never thrown. */
export function normalizePolicy(document: unknown): NormalizedPolicy {
  if (typeof document === 'object' && document !== null) {
    let cached = byObject.get(document);
    if (!cached) {
      cached = readPolicy(document);
      byObject.set(document, cached);
    }
    return cached;
  }
  if (typeof document === 'string') {
    let cached = byText.get(document);
    if (!cached) {
      cached = readPolicy(document);
      if (byText.size >= MAX_TEXTS) byText.clear();
      byText.set(document, cached);
    }
    return cached;
  }
  return readPolicy(document);
}

function readPolicy(document: unknown): NormalizedPolicy {
  let value = document;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { variablesEnabled: false, statements: [], problems: ['the policy text is not valid JSON'] };
    }
  }
  if (!isObject(value)) {
    return { variablesEnabled: false, statements: [], problems: ['the policy is not a JSON object'] };
  }
  const version = typeof value.Version === 'string' ? value.Version : undefined;
  const problems: string[] = [];
  const rawStatements = value.Statement;
  let statements: NormalizedStatement[] = [];
  if (Array.isArray(rawStatements)) statements = rawStatements.map(readStatement);
  else if (isObject(rawStatements)) statements = [readStatement(rawStatements, 0)];
  else problems.push('the policy has no Statement (an object or an array of objects)');
  return { version, variablesEnabled: version === '2012-10-17', statements, problems };
}
