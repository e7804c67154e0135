// Condition operators as the IAM User Guide defines them ("IAM JSON policy elements: Condition
// operators" and "Multivalued context keys"): String, Numeric, Date, Bool, Binary, IP address,
// ARN and Null, each with `...IfExists`, and the set prefixes `ForAnyValue:` / `ForAllValues:`.
import { ipInCidr } from './ipAddressMatcher';
import type { ConditionClause } from './policyDocument';
import { literalText, substituteVariables } from './policyVariables';
import type { RequestContext } from './requestContext';
import type { MismatchReason } from './simulationResult';
import { arnMatches, wildcardMatch } from './wildcardMatcher';

type Comparator = (policyValue: string, requestValue: string) => boolean;

interface BaseOperator {
  readonly compare: Comparator;
  /** Negated operators (StringNotEquals, NotIpAddress, ...) match when no policy value matches. */
  readonly negated: boolean;
  /** For Numeric and Date operators: whether a policy value is one the operator can read. */
  readonly readable?: (policyValue: string) => boolean;
}

function parseNumber(text: string): number | undefined {
  if (!/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

function parseDate(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000; // epoch seconds
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function numeric(test: (a: number, b: number) => boolean): Comparator {
  return (policyValue, requestValue) => {
    const p = parseNumber(policyValue);
    const r = parseNumber(requestValue);
    return p !== undefined && r !== undefined && test(r, p);
  };
}

function date(test: (a: number, b: number) => boolean): Comparator {
  return (policyValue, requestValue) => {
    const p = parseDate(policyValue);
    const r = parseDate(requestValue);
    return p !== undefined && r !== undefined && test(r, p);
  };
}

const readsNumber = (text: string): boolean => parseNumber(text) !== undefined;
const readsDate = (text: string): boolean => parseDate(text) !== undefined;

const stringEquals: Comparator = (p, r) => literalText(p) === r;
const stringEqualsIgnoreCase: Comparator = (p, r) => literalText(p).toLowerCase() === r.toLowerCase();
const stringLike: Comparator = (p, r) => wildcardMatch(p, r);
const arnLike: Comparator = (p, r) => arnMatches(p, r);
const boolEquals: Comparator = (p, r) => p.toLowerCase() === r.toLowerCase();
const binaryEquals: Comparator = (p, r) => p === r;
const ipMatch: Comparator = (p, r) => ipInCidr(p, r);

const OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: { compare: stringEquals, negated: false },
  StringNotEquals: { compare: stringEquals, negated: true },
  StringEqualsIgnoreCase: { compare: stringEqualsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { compare: stringEqualsIgnoreCase, negated: true },
  StringLike: { compare: stringLike, negated: false },
  StringNotLike: { compare: stringLike, negated: true },
  NumericEquals: { compare: numeric((a, b) => a === b), negated: false, readable: readsNumber },
  NumericNotEquals: { compare: numeric((a, b) => a === b), negated: true, readable: readsNumber },
  NumericLessThan: { compare: numeric((a, b) => a < b), negated: false, readable: readsNumber },
  NumericLessThanEquals: { compare: numeric((a, b) => a <= b), negated: false, readable: readsNumber },
  NumericGreaterThan: { compare: numeric((a, b) => a > b), negated: false, readable: readsNumber },
  NumericGreaterThanEquals: { compare: numeric((a, b) => a >= b), negated: false, readable: readsNumber },
  DateEquals: { compare: date((a, b) => a === b), negated: false, readable: readsDate },
  DateNotEquals: { compare: date((a, b) => a === b), negated: true, readable: readsDate },
  DateLessThan: { compare: date((a, b) => a < b), negated: false, readable: readsDate },
  DateLessThanEquals: { compare: date((a, b) => a <= b), negated: false, readable: readsDate },
  DateGreaterThan: { compare: date((a, b) => a > b), negated: false, readable: readsDate },
  DateGreaterThanEquals: { compare: date((a, b) => a >= b), negated: false, readable: readsDate },
  Bool: { compare: boolEquals, negated: false },
  BinaryEquals: { compare: binaryEquals, negated: false },
  IpAddress: { compare: ipMatch, negated: false },
  NotIpAddress: { compare: ipMatch, negated: true },
  ArnEquals: { compare: arnLike, negated: false },
  ArnLike: { compare: arnLike, negated: false },
  ArnNotEquals: { compare: arnLike, negated: true },
  ArnNotLike: { compare: arnLike, negated: true },
};

export interface ParsedOperator {
  readonly set: 'ForAnyValue' | 'ForAllValues' | null;
  readonly base: string;
  readonly ifExists: boolean;
}

const parsedCache = new Map<string, ParsedOperator | null>();

/** Splits `ForAllValues:StringLikeIfExists` into its parts; null for an unknown operator. */
export function parseOperator(operator: string): ParsedOperator | null {
  let parsed = parsedCache.get(operator);
  if (parsed !== undefined) return parsed;
  let rest = operator;
  let set: ParsedOperator['set'] = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    // An unknown prefix leaves the whole text as the base, which is then unknown.
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') set = 'ForAnyValue';
    else if (prefix === 'forallvalues') set = 'ForAllValues';
    if (set) rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  parsed = rest === 'Null' || OPERATORS[rest] ? { set, base: rest, ifExists } : null;
  if (parsed && parsed.base === 'Null' && (ifExists || set)) parsed = null;
  parsedCache.set(operator, parsed);
  return parsed;
}

export interface ConditionOutcome {
  readonly matched: boolean;
  readonly reason?: MismatchReason;
}

const MATCHED: ConditionOutcome = { matched: true };

function mismatch(clause: ConditionClause, message: string, policyValues: readonly string[], requestValues: readonly string[] | null): ConditionOutcome {
  return {
    matched: false,
    reason: {
      element: 'condition',
      message,
      operator: clause.operator,
      key: clause.key,
      policyValues,
      requestValues,
    },
  };
}

/** Evaluates one operator/key/values clause against the request context. */
export function evaluateCondition(clause: ConditionClause, context: RequestContext, variablesEnabled: boolean): ConditionOutcome {
  const op = parseOperator(clause.operator);
  if (!op) return mismatch(clause, `unknown condition operator "${clause.operator}"`, clause.values, null);
  const entry = context.get(clause.key.toLowerCase());
  const present = entry !== undefined && entry.values.length > 0;

  if (op.base === 'Null') {
    // "Null": true means the key must be absent, false that it must be present. "If a single
    // condition operator includes multiple values for one key, that condition operator is
    // evaluated using a logical OR", so ["true", "false"] matches either way.
    const matches = clause.values.some((v) => (v.toLowerCase() === 'true' ? !present : v.toLowerCase() === 'false' && present));
    if (!matches) {
      return mismatch(clause, `${clause.key} is ${present ? 'present' : 'absent'} in the request`, clause.values, entry ? entry.values : null);
    }
    return MATCHED;
  }

  let policyValues: readonly string[] = clause.values;
  // "You can't use a policy variable with other operators, such as Numeric, Date, Boolean,
  // Binary, IP Address, or Null operators" (IAM User Guide, "IAM policy elements: Variables and
  // tags"): only String and ARN operators substitute; elsewhere `${...}` is literal text.
  if (variablesEnabled && (op.base.startsWith('String') || op.base.startsWith('Arn'))) {
    const substituted: string[] = [];
    for (const value of clause.values) {
      const s = substituteVariables(value, context);
      if (s !== undefined) substituted.push(s);
    }
    policyValues = substituted;
  }
  const base = OPERATORS[op.base];
  // A value a Numeric or Date operator cannot read compares with nothing, so the clause does not
  // match, negated or not; AWS's documentation is silent here and rejects such policies on save.
  if (base.readable && policyValues.some((p) => !base.readable!(p))) {
    return mismatch(clause, `${clause.operator} cannot compare ${policyValues.find((p) => !base.readable!(p))}`, policyValues, entry ? entry.values : null);
  }
  const anyPolicyMatch = (requestValue: string): boolean => {
    for (const p of policyValues) if (base.compare(p, requestValue)) return true;
    return false;
  };
  const valueSatisfies = (requestValue: string): boolean => (base.negated ? !anyPolicyMatch(requestValue) : anyPolicyMatch(requestValue));

  if (!present) {
    // "If the key ... is not present in the request context, the values do not match and the
    // condition is false. If the policy condition requires that the key is not matched, such as
    // StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
    // ForAllValues returns true for an absent key; ...IfExists makes an absent key match.
    if (op.ifExists || op.set === 'ForAllValues' || (base.negated && op.set !== 'ForAnyValue')) return MATCHED;
    return mismatch(clause, `${clause.key} is not in the request context`, policyValues, null);
  }
  const requestValues = entry.values;
  let matched: boolean;
  if (op.set === 'ForAllValues') {
    matched = requestValues.every(valueSatisfies);
  } else if (op.set === 'ForAnyValue') {
    matched = requestValues.some(valueSatisfies);
  } else if (base.negated) {
    matched = requestValues.every(valueSatisfies);
  } else {
    matched = requestValues.some(valueSatisfies);
  }
  if (matched) return MATCHED;
  const message =
    op.set === 'ForAllValues'
      ? `not every request value of ${clause.key} satisfies ${clause.operator}`
      : op.set === 'ForAnyValue'
        ? `no request value of ${clause.key} satisfies ${clause.operator}`
        : `${clause.key} does not satisfy ${clause.operator}`;
  return mismatch(clause, message, policyValues, requestValues);
}
