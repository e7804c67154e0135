import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const missingActionRule: Rule = {
  code: 'MISSING_ACTION',
  severity: 'error',
  docUrl: DOCS.keyPolicyElements,
  awsSays: 'If either of the required Resource or Action elements are missing from a key policy statement, the policy statement has no effect.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      if (s.action || s.notAction || s.malformedElements.some((m) => m.value === 'Action' || m.value === 'NotAction')) continue;
      ctx.report({ start: s.range.start, end: s.range.start + 1 }, 'The statement has no Action: KMS accepts the policy but the statement has no effect.');
    }
  },
};
