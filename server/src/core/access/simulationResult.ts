// The answer of an access simulation: the decision, the error the caller would see, and a
// trace of every policy, statement and grant considered. `kms-policy simulate --json` prints
// exactly this object; the engine returns `errorMessage` verbatim to the caller.
import type { Decision, KeyState } from './scenario';

/** A source range: offsets (end exclusive) plus 1-based line and column of both ends. */
export interface TraceRange {
  readonly start: number;
  readonly end: number;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Why a statement or grant did not apply: the first element that failed. */
export interface MismatchReason {
  readonly element: 'effect' | 'principal' | 'action' | 'resource' | 'condition' | 'document';
  readonly message: string;
  /** For conditions: the operator, key, the policy's values and the request's values compared. */
  readonly operator?: string;
  readonly key?: string;
  readonly policyValues?: readonly string[];
  readonly requestValues?: readonly string[] | null;
}

export interface StatementTrace {
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny' | string;
  /** True when principal, action, resource and every condition matched. */
  readonly matched: boolean;
  readonly reason?: MismatchReason;
  /** How the statement's principal matched the caller (key policies only). */
  readonly principalMatch?: 'direct' | 'account' | 'wildcard' | 'service';
  /** True for the statements that decided the outcome. */
  readonly deciding?: boolean;
  readonly range?: TraceRange;
}

export type PolicyKind =
  | 'key-policy'
  | 'identity-policy'
  | 'permissions-boundary'
  | 'session-policy'
  | 'service-control-policy'
  | 'resource-control-policy';

export type PolicyOutcome = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'NotApplicable';

export interface PolicyTrace {
  readonly kind: PolicyKind;
  readonly name: string;
  readonly source?: string;
  /** For SCP/RCP: the organization level (root, OU or account) the policy is attached to. */
  readonly orgIdentifier?: string;
  /** `NotApplicable` when the policy type does not apply to this request (and why, in `note`). */
  readonly outcome: PolicyOutcome;
  readonly note?: string;
  /** Problems with the document itself (not an object, no Statement, ...). */
  readonly problems?: readonly string[];
  readonly statements: readonly StatementTrace[];
}

export interface GrantTrace {
  readonly grantId: string;
  readonly matched: boolean;
  readonly reason?: string;
  readonly deciding?: boolean;
}

export interface TraceStep {
  readonly step: string;
  readonly outcome: 'passed' | 'failed' | 'skipped' | 'info';
  readonly detail: string;
}

export interface SimulationTrace {
  /** The evaluation in AWS's order, one line per step. */
  readonly steps: readonly TraceStep[];
  readonly policies: readonly PolicyTrace[];
  readonly grants: readonly GrantTrace[];
}

export type AllowPath =
  | 'key-policy'
  | 'key-policy-and-iam'
  | 'grant'
  | 'retiring-principal'
  | 'iam';

export interface SimulationResult {
  readonly decision: Decision;
  /** `null` when the request would succeed. */
  readonly error: string | null;
  /** The message AWS KMS answers with, e.g. `User: ... is not authorized to perform: ...`. */
  readonly errorMessage: string | null;
  /** True when the policies allow the request (the key state may still fail it). */
  readonly authorized: boolean;
  /** The path that allowed the request, when authorized. */
  readonly allowedBy: AllowPath | null;
  /** One sentence for people: the decision and what decided it. */
  readonly summary: string;
  readonly request: {
    readonly principal: string;
    readonly principalType: string;
    readonly callerAccount: string | null;
    readonly action: string;
    readonly resource: string;
    readonly keyAccount: string | null;
    readonly crossAccount: boolean;
  };
  readonly keyState: KeyState | null;
  /** The request context the conditions were evaluated against (derived keys included). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly trace: SimulationTrace;
}
