// Service control policies and resource control policies: organization levels (root, OUs,
// account) each of which must allow, and any of which can deny (AWS Organizations User Guide,
// "SCP evaluation": every level from the root down must allow; RCPs the same, except that the
// RCPFullAWSAccess policy is attached to every level and cannot be detached).
import { normalizePolicy } from './policyDocument';
import { unwrapPolicy } from './policySource';
import type { OrganizationPolicyLevel } from './scenario';
import type { PolicyKind, PolicyTrace, StatementTrace } from './simulationResult';
import { evaluatePolicy, type EvaluationInput, type MatchedStatement } from './statementEvaluator';
import { withStatementRanges } from './traceRanges';

export interface OrgEvaluation {
  readonly traces: PolicyTrace[];
  readonly denies: MatchedStatement[];
  /** The first level with no allowing statement, if any. */
  readonly levelWithoutAllow?: string;
}

export function evaluateOrgLevels(
  levels: readonly OrganizationPolicyLevel[],
  kind: Extract<PolicyKind, 'service-control-policy' | 'resource-control-policy'>,
  input: EvaluationInput,
): OrgEvaluation {
  const traces: PolicyTrace[] = [];
  const denies: MatchedStatement[] = [];
  let levelWithoutAllow: string | undefined;
  const label = kind === 'service-control-policy' ? 'SCP' : 'RCP';
  for (const level of levels) {
    const orgIdentifier = typeof level?.orgIdentifier === 'string' ? level.orgIdentifier : '(unnamed level)';
    const policies = Array.isArray(level?.policies) ? level.policies : [];
    // RCPFullAWSAccess is always attached, so an RCP level always allows unless it denies.
    let levelAllows = kind === 'resource-control-policy';
    policies.forEach((raw, i) => {
      const source = unwrapPolicy(raw);
      const policy = normalizePolicy(source.document);
      // RCPs carry a Principal ("*" with conditions); SCPs never do.
      const evaluation = evaluatePolicy(policy, kind === 'resource-control-policy' ? 'resource' : 'identity', input);
      if (evaluation.allows.length) levelAllows = true;
      denies.push(...evaluation.denies);
      let statements: StatementTrace[] = evaluation.statements;
      if (source.sourceText) statements = withStatementRanges(statements, source.sourceText, source.sourcePointer);
      traces.push({
        kind,
        name: source.name ?? `${label} ${i + 1} at ${orgIdentifier}`,
        source: source.source,
        orgIdentifier,
        outcome: evaluation.denies.length ? 'ExplicitDeny' : evaluation.allows.length ? 'Allow' : 'ImplicitDeny',
        problems: evaluation.problems.length ? evaluation.problems : undefined,
        statements,
      });
    });
    if (kind === 'resource-control-policy') {
      traces.push({
        kind,
        name: `RCPFullAWSAccess at ${orgIdentifier}`,
        orgIdentifier,
        outcome: 'Allow',
        note: 'attached to every level by AWS Organizations and cannot be detached',
        statements: [],
      });
    }
    if (!levelAllows && levelWithoutAllow === undefined) levelWithoutAllow = orgIdentifier;
  }
  return { traces, denies, levelWithoutAllow };
}
