import { parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const missingSetOperatorRule: Rule = {
  code: 'MISSING_SET_OPERATOR',
  severity: 'warning',
  docUrl: DOCS.multivaluedKeys,
  awsSays: 'Multivalued context keys ... must be used with the ForAllValues or ForAnyValue set operators.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      const conditions = s.condition ?? [];
      for (const c of conditions) {
        const info = ctx.catalog.conditionKey(c.key.value);
        if (!info || info.type !== 'ArrayOfString') continue;
        const parsed = parseConditionOperator(c.operator.value);
        if (!parsed.base || parsed.setOperator || parsed.badPrefix || parsed.base.family === 'Null') continue;
        const alone = conditions.filter((o) => o.operator.range.start === c.operator.range.start).length === 1;
        const fix = (prefix: string) => ({
          title: `Change to '${prefix}:${c.operator.value}'`,
          isPreferred: prefix === 'ForAnyValue',
          edits: [{ range: c.operator.range, newText: JSON.stringify(`${prefix}:${c.operator.value}`) }],
        });
        ctx.report(
          c.key.range,
          `'${c.key.value}' is multivalued: without ForAnyValue or ForAllValues, ${c.operator.value} compares the whole set as one value and does not match as intended.`,
          alone ? [fix('ForAnyValue'), fix('ForAllValues')] : undefined,
        );
      }
    }
  },
};
