// The typed model of a policy document. Every value keeps the source range it came from,
// so diagnostics, hovers, quick fixes and simulation traces can point back at the text.
import type { Node as JsonNode } from 'jsonc-parser';

/** Offsets into the document text, end exclusive. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

export interface Located<T> {
  readonly value: T;
  readonly range: SourceRange;
}

export interface SyntaxProblem {
  readonly message: string;
  readonly range: SourceRange;
}

/** The principal element types IAM accepts. */
export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

export interface PrincipalEntry {
  /** `*` when the element is the bare string `"*"`. */
  readonly type: PrincipalType | '*';
  readonly value: Located<string>;
}

export interface PrincipalElement {
  readonly range: SourceRange;
  /** The bare `"Principal": "*"` form. */
  readonly isBareWildcard: boolean;
  readonly entries: readonly PrincipalEntry[];
  /** Types that are not AWS, Service, Federated or CanonicalUser. */
  readonly unknownTypes: readonly Located<string>[];
}

/** A condition value as written: strings, numbers and booleans are all kept as given. */
export type ConditionScalar = string | number | boolean;

export interface ConditionEntry {
  /** The operator as written, e.g. `ForAnyValue:StringEqualsIfExists`. */
  readonly operator: Located<string>;
  readonly key: Located<string>;
  readonly values: readonly Located<ConditionScalar>[];
  /** The range of the value (string or array) of the key. */
  readonly valueRange: SourceRange;
}

export interface StatementModel {
  readonly index: number;
  readonly range: SourceRange;
  /** JSON path of the statement, e.g. `['Statement', 2]` or `['Statement']`. */
  readonly path: readonly (string | number)[];
  readonly sid?: Located<string>;
  readonly effect?: Located<string>;
  readonly principal?: PrincipalElement;
  readonly notPrincipal?: PrincipalElement;
  readonly action?: readonly Located<string>[];
  readonly notAction?: readonly Located<string>[];
  readonly resource?: readonly Located<string>[];
  readonly notResource?: readonly Located<string>[];
  readonly condition?: readonly ConditionEntry[];
  readonly conditionRange?: SourceRange;
  /** Every property name of the statement, for unknown-element checks. */
  readonly elementNames: readonly Located<string>[];
  /** Elements present with a value of the wrong JSON type. */
  readonly malformedElements: readonly Located<string>[];
  readonly node: JsonNode;
}

export interface PolicyModel {
  readonly text: string;
  /** The jsonc-parser tree; undefined for an empty or hopeless document. */
  readonly root: JsonNode | undefined;
  readonly syntaxProblems: readonly SyntaxProblem[];
  /** The plain JSON value of the document (best effort when there are syntax problems). */
  readonly value: unknown;
  readonly version?: Located<string>;
  readonly id?: Located<string>;
  /** The range of the `Statement` element's value, when present. */
  readonly statementElement?: SourceRange;
  readonly statements: readonly StatementModel[];
  /** Top-level property names, for unknown-element checks. */
  readonly elementNames: readonly Located<string>[];
  /** Set when the policy sits inside a larger file (a CloudFormation template). */
  readonly embedded?: EmbeddedPolicy;
}

/**
 * A policy inside a template: `text` is the whole template and ranges point into it, so
 * checks that read the text as the policy read these instead.
 */
export interface EmbeddedPolicy {
  /** UTF-8 size of the policy as deployed (compact JSON). */
  readonly policyBytes: number;
  /** Ranges of the text that are policy names and values (not comments or template syntax). */
  readonly contentRanges: readonly SourceRange[];
}
