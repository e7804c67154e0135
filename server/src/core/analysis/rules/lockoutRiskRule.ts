import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

const CAN_CALL_KMS = new Set(['wildcard', 'account', 'user', 'role', 'assumedRole', 'federatedUser']);

export const lockoutRiskRule: Rule = {
  code: 'KMS_LOCKOUT_RISK',
  severity: 'error',
  docUrl: DOCS.putKeyPolicy,
  awsSays: 'The key policy must allow the calling principal to make a subsequent PutKeyPolicy request on the KMS key. This reduces the risk that the KMS key becomes unmanageable. (To omit this condition, set BypassPolicyLockoutSafetyCheck to true.)',
  check(ctx) {
    const { facts, model } = ctx;
    if (facts.statements.length === 0 || model.syntaxProblems.length > 0) return;
    const allowed = facts.statements.some(
      (s) => s.effect === 'Allow' && s.coveredActions.has('PutKeyPolicy') && s.principals.some((p) => CAN_CALL_KMS.has(p.kind)),
    );
    const deniedToAll = facts.statements.some(
      (s) => s.effect === 'Deny' && s.coveredActions.has('PutKeyPolicy') && s.hasWildcardPrincipal && !s.statement.condition?.length,
    );
    if (allowed && !deniedToAll) return;
    const range = model.statementElement ?? { start: 0, end: 1 };
    ctx.report(
      { start: range.start, end: range.start + 1 },
      deniedToAll
        ? 'A Deny to every principal covers kms:PutKeyPolicy: no one could change this policy again. KMS rejects it unless BypassPolicyLockoutSafetyCheck is set, and then the key becomes unmanageable.'
        : 'No principal is allowed kms:PutKeyPolicy: no one could change this policy again. KMS rejects it unless BypassPolicyLockoutSafetyCheck is set, and then the key becomes unmanageable. Allow the account root (kms:*) or a key administrator.',
    );
  },
};
