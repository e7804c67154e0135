// IAM condition operators: their families, the IfExists suffix and the set-operator prefixes.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

export interface ConditionOperatorInfo {
  readonly name: string;
  readonly family: OperatorFamily;
  /** Negated operators (StringNotEquals, ArnNotLike...) match when the value differs. */
  readonly negated: boolean;
  readonly description: string;
}

const op = (name: string, family: OperatorFamily, negated: boolean, description: string): ConditionOperatorInfo => ({
  name,
  family,
  negated,
  description,
});

export const CONDITION_OPERATORS: readonly ConditionOperatorInfo[] = [
  op('StringEquals', 'String', false, 'Exact match, case-sensitive.'),
  op('StringNotEquals', 'String', true, 'Negated exact match, case-sensitive.'),
  op('StringEqualsIgnoreCase', 'String', false, 'Exact match, ignoring case.'),
  op('StringNotEqualsIgnoreCase', 'String', true, 'Negated exact match, ignoring case.'),
  op('StringLike', 'String', false, 'Case-sensitive match with `*` and `?` wildcards.'),
  op('StringNotLike', 'String', true, 'Negated case-sensitive match with `*` and `?` wildcards.'),
  op('NumericEquals', 'Numeric', false, 'Numbers equal.'),
  op('NumericNotEquals', 'Numeric', true, 'Numbers differ.'),
  op('NumericLessThan', 'Numeric', false, 'Less than.'),
  op('NumericLessThanEquals', 'Numeric', false, 'Less than or equal.'),
  op('NumericGreaterThan', 'Numeric', false, 'Greater than.'),
  op('NumericGreaterThanEquals', 'Numeric', false, 'Greater than or equal.'),
  op('DateEquals', 'Date', false, 'Dates equal (ISO 8601 or epoch seconds).'),
  op('DateNotEquals', 'Date', true, 'Dates differ.'),
  op('DateLessThan', 'Date', false, 'Before the date.'),
  op('DateLessThanEquals', 'Date', false, 'At or before the date.'),
  op('DateGreaterThan', 'Date', false, 'After the date.'),
  op('DateGreaterThanEquals', 'Date', false, 'At or after the date.'),
  op('Bool', 'Bool', false, 'Boolean match (`true` or `false`).'),
  op('BinaryEquals', 'Binary', false, 'Byte-for-byte match of a base64-encoded value.'),
  op('IpAddress', 'IpAddress', false, 'The IP address is in the given address or CIDR range.'),
  op('NotIpAddress', 'IpAddress', true, 'The IP address is outside the given ranges.'),
  op('ArnEquals', 'Arn', false, 'ARN match, case-sensitive, each of the six colon-delimited parts compared.'),
  op('ArnLike', 'Arn', false, 'ARN match with `*` and `?` wildcards in each part.'),
  op('ArnNotEquals', 'Arn', true, 'Negated ARN match.'),
  op('ArnNotLike', 'Arn', true, 'Negated ARN match with wildcards.'),
  op('Null', 'Null', false, '`true`: the key is absent from the request; `false`: it is present.'),
];

const BY_NAME = new Map(CONDITION_OPERATORS.map((o) => [o.name, o]));

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

export interface ParsedOperator {
  readonly written: string;
  readonly setOperator?: SetOperator;
  /** The base operator without prefix or IfExists suffix; undefined when unknown. */
  readonly base?: ConditionOperatorInfo;
  /** The base name as written (for did-you-mean). */
  readonly baseName: string;
  readonly ifExists: boolean;
  /** A prefix other than ForAnyValue/ForAllValues was written (e.g. `ForSomeValues:`). */
  readonly badPrefix?: string;
  /**
   * Whether a policy evaluation can apply it: a known base operator, no unknown prefix, and not
   * `Null` with `IfExists` or a set prefix (which "makes no sense": the Null operator is itself
   * the existence test). An operator that cannot be applied never matches.
   */
  readonly applicable: boolean;
}

const parsedCache = new Map<string, ParsedOperator>();

/**
 * Splits `ForAnyValue:StringLikeIfExists` into its parts. One parser for the rules, the hover,
 * completion and the evaluator, so that what the editor accepts is what evaluation applies.
 *
 * Operator names are case-sensitive: IAM answers `MalformedPolicyDocument: Invalid Condition
 * type : stringEquals` for a lower-case initial (a CreateRole response quoted in
 * ministryofjustice/modernisation-platform-environments#8893), and the IAM User Guide spells
 * every operator in one case only. The guide is silent on the case of the set prefixes; they are
 * read case-insensitively, as before.
 */
export function parseConditionOperator(written: string): ParsedOperator {
  const cached = parsedCache.get(written);
  if (cached) return cached;
  let rest = written;
  let setOperator: SetOperator | undefined;
  let badPrefix: string | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    if (prefix.toLowerCase() === 'foranyvalue') setOperator = 'ForAnyValue';
    else if (prefix.toLowerCase() === 'forallvalues') setOperator = 'ForAllValues';
    else badPrefix = prefix;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let base = BY_NAME.get(rest);
  if (!base && rest.endsWith('IfExists')) {
    base = BY_NAME.get(rest.slice(0, -'IfExists'.length));
    if (base) {
      ifExists = true;
      rest = rest.slice(0, -'IfExists'.length);
    }
  }
  const applicable = base !== undefined && badPrefix === undefined && !(base.family === 'Null' && (ifExists || setOperator !== undefined));
  const parsed: ParsedOperator = { written, setOperator, base, baseName: rest, ifExists, badPrefix, applicable };
  if (parsedCache.size < 10_000) parsedCache.set(written, parsed);
  return parsed;
}

/** Every operator name people can write, for completion and did-you-mean. */
export function allOperatorSpellings(): string[] {
  const names: string[] = [];
  for (const o of CONDITION_OPERATORS) {
    names.push(o.name);
    if (o.family !== 'Null') names.push(`${o.name}IfExists`);
  }
  for (const o of CONDITION_OPERATORS) {
    if (o.family === 'String' || o.family === 'Arn' || o.family === 'Numeric' || o.family === 'Date' || o.family === 'Bool' || o.family === 'IpAddress') {
      names.push(`ForAnyValue:${o.name}`, `ForAllValues:${o.name}`);
    }
  }
  return names;
}
