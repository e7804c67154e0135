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
      const used = new Set(ctx.model.statements.map((x) => x.sid?.value));
      let n = 2;
      while (used.has(`${s.sid.value} ${n}`)) n++;
      const renamed = `${s.sid.value} ${n}`;
      ctx.report(s.sid.range, `Sid "${s.sid.value}" is already used by statement ${first + 1}: KMS rejects a policy with duplicate Sids.`, [
        { title: `Rename to "${renamed}"`, isPreferred: true, edits: [{ range: s.sid.range, newText: JSON.stringify(renamed) }] },
      ]);
    }
  },
};
