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
        if (parsed.base?.family !== 'Null' || parsed.badPrefix || (!parsed.ifExists && !parsed.setOperator) || reported.has(c.operator.range.start)) continue;
        reported.add(c.operator.range.start);
        const fixed = 'Null';
        // The IAM User Guide defines ForAnyValue/ForAllValues for operators that compare values
        // and says nothing of them before Null; evaluation treats such a condition as one that
        // never matches, and this rule says so rather than letting it pass silently.
        const message = parsed.ifExists
          ? `'${c.operator.value}' is not an operator: Null already tests whether the key exists, and IfExists cannot be added to it. KMS rejects the policy.`
          : `'${c.operator.value}' is not an operator: Null tests whether the key exists, so a set operator (${parsed.setOperator}) has no values to compare. The documentation defines no such operator; this condition never matches.`;
        ctx.report(c.operator.range, message, [
          { title: `Change to '${fixed}'`, isPreferred: true, edits: [{ range: c.operator.range, newText: JSON.stringify(fixed) }] },
        ]);
      }
    }
  },
};
