import { parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const nullWithIfExistsRule: Rule = {
  code: 'NULL_WITH_IF_EXISTS',
  severity: 'error',
  docUrl: DOCS.conditionOperators,
  awsSays: 'You can add IfExists to the end of any condition operator name except the Null condition.',
  check(ctx) {
    const reported = new Set<number>();
    for (const s of ctx.model.statements) {
      for (const c of s.condition ?? []) {
        const parsed = parseConditionOperator(c.operator.value);
        if (parsed.base?.family !== 'Null' || !parsed.ifExists || reported.has(c.operator.range.start)) continue;
        reported.add(c.operator.range.start);
        const fixed = `${parsed.setOperator ? parsed.setOperator + ':' : ''}Null`;
        ctx.report(c.operator.range, `'${c.operator.value}' is not an operator: Null already tests whether the key exists, and IfExists cannot be added to it. KMS rejects the policy.`, [
          { title: `Change to '${fixed}'`, isPreferred: true, edits: [{ range: c.operator.range, newText: JSON.stringify(fixed) }] },
        ]);
      }
    }
  },
};
