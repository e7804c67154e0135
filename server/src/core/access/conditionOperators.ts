// Condition operators as the IAM User Guide defines them ("IAM JSON policy elements: Condition
// operators" and "Multivalued context keys"): String, Numeric, Date, Bool, Binary, IP address,
// ARN and Null, each with `...IfExists`, and the set prefixes `ForAnyValue:` / `ForAllValues:`.
import { parseConditionOperator } from '../catalog/conditionOperators';
import { ipInCidr } from './ipAddressMatcher';
import type { ConditionClause } from './policyDocument';
import { literalText, substituteVariables } from './policyVariables';
import type { RequestContext } from './requestContext';
import type { MismatchReason } from './simulationResult';
import { arnMatches, wildcardMatch } from './wildcardMatcher';

type Comparator = (policyValue: string, requestValue: string) => boolean;

interface Comparison {
  readonly compare: Comparator;
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

const numberComparison = (test: (a: number, b: number) => boolean): Comparison => ({ compare: numeric(test), readable: readsNumber });
const dateComparison = (test: (a: number, b: number) => boolean): Comparison => ({ compare: date(test), readable: readsDate });

/**
 * How each operator of the catalog (`catalog/conditionOperators.ts`, which says whether it is
 * negated) compares a policy value with a request value. A negated operator compares as its
 * positive form and inverts the result.
 */
const COMPARISONS: Readonly<Record<string, Comparison>> = {
  StringEquals: { compare: stringEquals },
  StringNotEquals: { compare: stringEquals },
  StringEqualsIgnoreCase: { compare: stringEqualsIgnoreCase },
  StringNotEqualsIgnoreCase: { compare: stringEqualsIgnoreCase },
  StringLike: { compare: stringLike },
  StringNotLike: { compare: stringLike },
  NumericEquals: numberComparison((a, b) => a === b),
  NumericNotEquals: numberComparison((a, b) => a === b),
  NumericLessThan: numberComparison((a, b) => a < b),
  NumericLessThanEquals: numberComparison((a, b) => a <= b),
  NumericGreaterThan: numberComparison((a, b) => a > b),
  NumericGreaterThanEquals: numberComparison((a, b) => a >= b),
  DateEquals: dateComparison((a, b) => a === b),
  DateNotEquals: dateComparison((a, b) => a === b),
  DateLessThan: dateComparison((a, b) => a < b),
  DateLessThanEquals: dateComparison((a, b) => a <= b),
  DateGreaterThan: dateComparison((a, b) => a > b),
  DateGreaterThanEquals: dateComparison((a, b) => a >= b),
  Bool: { compare: boolEquals },
  BinaryEquals: { compare: binaryEquals },
  IpAddress: { compare: ipMatch },
  NotIpAddress: { compare: ipMatch },
  ArnEquals: { compare: arnLike },
  ArnLike: { compare: arnLike },
  ArnNotEquals: { compare: arnLike },
  ArnNotLike: { compare: arnLike },
};

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
  const op = parseConditionOperator(clause.operator);
  if (!op.applicable || !op.base) return mismatch(clause, `unknown condition operator "${clause.operator}"`, clause.values, null);
  const entry = context.get(clause.key.toLowerCase());
  const present = entry !== undefined && entry.values.length > 0;

  if (op.base.family === 'Null') {
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
  if (variablesEnabled && (op.base.family === 'String' || op.base.family === 'Arn')) {
    const substituted: string[] = [];
    for (const value of clause.values) {
      const s = substituteVariables(value, context);
      if (s !== undefined) substituted.push(s);
    }
    policyValues = substituted;
  }
  const negated = op.base.negated;
  const base = COMPARISONS[op.base.name]!;
  // A value a Numeric or Date operator cannot read compares with nothing, so the clause does not
  // match, negated or not; AWS's documentation is silent here and rejects such policies on save.
  if (base.readable && policyValues.some((p) => !base.readable!(p))) {
    return mismatch(clause, `${clause.operator} cannot compare ${policyValues.find((p) => !base.readable!(p))}`, policyValues, entry ? entry.values : null);
  }
  const anyPolicyMatch = (requestValue: string): boolean => {
    for (const p of policyValues) if (base.compare(p, requestValue)) return true;
    return false;
  };
  const valueSatisfies = (requestValue: string): boolean => (negated ? !anyPolicyMatch(requestValue) : anyPolicyMatch(requestValue));

  if (!present) {
    // "If the key ... is not present in the request context, the values do not match and the
    // condition is false. If the policy condition requires that the key is not matched, such as
    // StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
    // ForAllValues returns true for an absent key; ...IfExists makes an absent key match.
    if (op.ifExists || op.setOperator === 'ForAllValues' || (negated && op.setOperator !== 'ForAnyValue')) return MATCHED;
    return mismatch(clause, `${clause.key} is not in the request context`, policyValues, null);
  }
  const requestValues = entry.values;
  let matched: boolean;
  if (op.setOperator === 'ForAllValues') {
    matched = requestValues.every(valueSatisfies);
  } else if (op.setOperator === 'ForAnyValue') {
    matched = requestValues.some(valueSatisfies);
  } else if (negated) {
    matched = requestValues.every(valueSatisfies);
  } else {
    matched = requestValues.some(valueSatisfies);
  }
  if (matched) return MATCHED;
  const message =
    op.setOperator === 'ForAllValues'
      ? `not every request value of ${clause.key} satisfies ${clause.operator}`
      : op.setOperator === 'ForAnyValue'
        ? `no request value of ${clause.key} satisfies ${clause.operator}`
        : `${clause.key} does not satisfy ${clause.operator}`;
  return mismatch(clause, message, policyValues, requestValues);
}
