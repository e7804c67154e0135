// The shape of a rule: a stable code (users suppress by it, CI matches on it), a severity,
// the AWS documentation page and sentence it follows, and a check over the policy facts.
import type { KmsCatalog } from '../catalog/kmsCatalog';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import type { FindingFix, Severity } from './analysisTypes';
import type { PolicyFacts } from './policyFacts';

export interface RuleContext {
  readonly model: PolicyModel;
  readonly catalog: KmsCatalog;
  readonly facts: PolicyFacts;
  report(range: SourceRange, message: string, fixes?: readonly FindingFix[]): void;
}

export interface Rule {
  readonly code: string;
  readonly severity: Severity;
  readonly docUrl: string;
  /** The sentence of the AWS documentation the rule enforces (quoted in docs and hovers). */
  readonly awsSays: string;
  check(ctx: RuleContext): void;
}
