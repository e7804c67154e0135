import { allOperatorSpellings, parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import { closestMatch } from '../didYouMean';
import type { Rule } from '../rule';

export const invalidConditionOperatorRule: Rule = {
  code: 'INVALID_CONDITION_OPERATOR',
  severity: 'error',
  docUrl: DOCS.conditionOperators,
  awsSays: 'Use condition operators in the Condition element to match the condition key and value in the policy against values in the request context.',
  check(ctx) {
    const reported = new Set<number>();
    for (const s of ctx.model.statements) {
      for (const c of s.condition ?? []) {
        if (reported.has(c.operator.range.start)) continue;
        const parsed = parseConditionOperator(c.operator.value);
        if (parsed.base && !parsed.badPrefix) continue;
        reported.add(c.operator.range.start);
        const guess = closestMatch(c.operator.value, allOperatorSpellings());
        const why = parsed.badPrefix
          ? `'${parsed.badPrefix}:' is not a set operator (ForAnyValue or ForAllValues)`
          : `'${c.operator.value}' is not a condition operator`;
        ctx.report(
          c.operator.range,
          `${why}: KMS rejects the policy.${guess ? ` Did you mean '${guess}'?` : ''}`,
          guess ? [{ title: `Change to '${guess}'`, isPreferred: true, edits: [{ range: c.operator.range, newText: JSON.stringify(guess) }] }] : undefined,
        );
      }
    }
  },
};
