// Evaluates the statements of one policy against a request: for each statement, whether its
// principal, action, resource and conditions all match, and if not, the first that did not.
import type { CallerIdentity } from './callerIdentity';
import { evaluateCondition } from './conditionOperators';
import type { NormalizedPolicy, NormalizedStatement, PrincipalSpec } from './policyDocument';
import { substituteVariables } from './policyVariables';
import { describePrincipal, matchPrincipal, type PrincipalMatch } from './principalMatcher';
import type { RequestContext } from './requestContext';
import type { MismatchReason, StatementTrace } from './simulationResult';
import { actionMatches, arnMatches } from './wildcardMatcher';

export interface EvaluationInput {
  readonly caller: CallerIdentity;
  /** `kms:Decrypt` */
  readonly action: string;
  /** The key ARN, or `*` for operations that act on no key. */
  readonly resource: string;
  readonly context: RequestContext;
  /** The caller is an IAM user or role with a permissions boundary (changes how Deny + NotPrincipal applies). */
  readonly boundaryAttached?: boolean;
}

/** Whether statements carry a Principal: key policies and RCPs do, identity policies and SCPs do not. */
export type PolicyShape = 'resource' | 'identity';

export interface MatchedStatement {
  readonly statement: NormalizedStatement;
  readonly principalMatch?: PrincipalMatch;
}

export interface PolicyEvaluation {
  readonly statements: StatementTrace[];
  readonly allows: MatchedStatement[];
  readonly denies: MatchedStatement[];
  readonly problems: readonly string[];
}

function listMatches(patterns: readonly string[], value: string, match: (pattern: string, value: string) => boolean): boolean {
  for (const pattern of patterns) if (match(pattern, value)) return true;
  return false;
}

function resourceMatches(patterns: readonly string[], resource: string, input: EvaluationInput, variablesEnabled: boolean): boolean {
  for (const raw of patterns) {
    const pattern = variablesEnabled ? substituteVariables(raw, input.context) : raw;
    if (pattern !== undefined && arnMatches(pattern, resource)) return true;
  }
  return false;
}

function quote(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

interface StatementOutcome {
  readonly matched: boolean;
  readonly reason?: MismatchReason;
  readonly principalMatch?: PrincipalMatch;
}

function evaluateStatement(statement: NormalizedStatement, shape: PolicyShape, input: EvaluationInput, variablesEnabled: boolean): StatementOutcome {
  if (statement.problem) return { matched: false, reason: { element: 'document', message: `the statement is malformed: ${statement.problem}` } };

  let principalMatch: PrincipalMatch | undefined;
  if (shape === 'resource') {
    if (statement.principal) {
      principalMatch = matchPrincipal(statement.principal, input.caller);
      if (!principalMatch) {
        const partialWildcard = statement.principal.aws.some((entry) => entry !== '*' && entry.includes('*'));
        const hint = partialWildcard ? ' (a wildcard inside a principal ARN matches nothing; use a condition on aws:PrincipalArn instead)' : '';
        return {
          matched: false,
          reason: { element: 'principal', message: `Principal ${describePrincipal(statement.principal)} does not name ${input.caller.arn}${hint}` },
        };
      }
    } else if (statement.notPrincipal) {
      const excluded = excludedByNotPrincipal(statement.notPrincipal, input.caller);
      // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
      // permissions boundary policy attached, regardless of the values specified in the NotPrincipal
      // element." (IAM User Guide, "Permissions boundaries for IAM entities")
      if (excluded && !(statement.effect === 'Deny' && input.boundaryAttached)) {
        return { matched: false, reason: { element: 'principal', message: `NotPrincipal excludes ${input.caller.arn} (entry ${excluded.entry})` } };
      }
      principalMatch = { kind: 'wildcard', entry: 'NotPrincipal', namesSessionOrUser: false };
    } else {
      return { matched: false, reason: { element: 'principal', message: 'the statement has no Principal, which every statement of a key policy (or RCP) needs' } };
    }
  } else if (statement.principal || statement.notPrincipal) {
    return { matched: false, reason: { element: 'document', message: 'a Principal element is not allowed in an identity-based policy or SCP' } };
  }

  if (statement.action) {
    if (!listMatches(statement.action, input.action, actionMatches)) {
      return { matched: false, reason: { element: 'action', message: `Action ${quote(statement.action)} does not include ${input.action}` }, principalMatch };
    }
  } else if (statement.notAction && listMatches(statement.notAction, input.action, actionMatches)) {
    return { matched: false, reason: { element: 'action', message: `NotAction ${quote(statement.notAction)} excludes ${input.action}` }, principalMatch };
  }

  if (statement.resource) {
    if (!resourceMatches(statement.resource, input.resource, input, variablesEnabled)) {
      return { matched: false, reason: { element: 'resource', message: `Resource ${quote(statement.resource)} does not match ${input.resource}` }, principalMatch };
    }
  } else if (statement.notResource) {
    if (resourceMatches(statement.notResource, input.resource, input, variablesEnabled)) {
      return { matched: false, reason: { element: 'resource', message: `NotResource ${quote(statement.notResource)} excludes ${input.resource}` }, principalMatch };
    }
  } else if (shape === 'identity' || shape === 'resource') {
    // Resource is required in every policy type KMS evaluates (IAM User Guide, "Resource").
    return { matched: false, reason: { element: 'document', message: 'the statement has neither Resource nor NotResource' }, principalMatch };
  }

  for (const clause of statement.conditions) {
    const outcome = evaluateCondition(clause, input.context, variablesEnabled);
    if (!outcome.matched) return { matched: false, reason: outcome.reason, principalMatch };
  }
  return { matched: true, principalMatch };
}

/** Evaluates every statement; allows and denies list the statements that matched. */
export function evaluatePolicy(policy: NormalizedPolicy, shape: PolicyShape, input: EvaluationInput): PolicyEvaluation {
  const statements: StatementTrace[] = [];
  const allows: MatchedStatement[] = [];
  const denies: MatchedStatement[] = [];
  for (const statement of policy.statements) {
    const outcome = evaluateStatement(statement, shape, input, policy.variablesEnabled);
    statements.push({
      index: statement.index,
      sid: statement.sid,
      effect: statement.effect,
      matched: outcome.matched,
      reason: outcome.reason,
      principalMatch: outcome.matched ? outcome.principalMatch?.kind : undefined,
    });
    if (outcome.matched) {
      const entry = { statement, principalMatch: outcome.principalMatch };
      if (statement.effect === 'Deny') denies.push(entry);
      else allows.push(entry);
    }
  }
  return { statements, allows, denies, problems: policy.problems };
}

/**
 * Whether a NotPrincipal element leaves the caller out. A role's ARN does not name its sessions
 * here: "you must specify the assumed-role session ARN" to exclude a role session, as the IAM
 * User Guide's NotPrincipal page shows by listing the session, the role and the account.
 */
function excludedByNotPrincipal(spec: PrincipalSpec, caller: CallerIdentity): PrincipalMatch | undefined {
  if (caller.kind !== 'assumed-role' || spec.wildcard) return matchPrincipal(spec, caller);
  return spec.aws.includes(caller.arn) ? { kind: 'direct', entry: caller.arn, namesSessionOrUser: true } : undefined;
}
