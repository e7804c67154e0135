import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const missingPrincipalRule: Rule = {
  code: 'MISSING_PRINCIPAL',
  severity: 'error',
  docUrl: DOCS.putKeyPolicy,
  awsSays: 'Each statement in the key policy must contain one or more principals.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      if (s.principal || s.notPrincipal || s.malformedElements.some((m) => m.value === 'Principal' || m.value === 'NotPrincipal')) continue;
      ctx.report({ start: s.range.start, end: s.range.start + 1 }, 'The statement has no Principal: KMS rejects a key policy whose statements do not name who they apply to.');
    }
  },
};
