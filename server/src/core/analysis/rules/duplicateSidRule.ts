import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const duplicateSidRule: Rule = {
  code: 'DUPLICATE_SID',
  severity: 'error',
  docUrl: DOCS.iamSid,
  awsSays: 'In IAM, the Sid value must be unique within a JSON policy.',
  check(ctx) {
    const seen = new Map<string, number>();
    for (const s of ctx.model.statements) {
      if (!s.sid) continue;
      const first = seen.get(s.sid.value);
      if (first === undefined) {
        seen.set(s.sid.value, s.index);
        continue;
      }
      ctx.report(s.sid.range, `Sid "${s.sid.value}" is already used by statement ${first + 1}: KMS rejects a policy with duplicate Sids.`);
    }
  },
};
