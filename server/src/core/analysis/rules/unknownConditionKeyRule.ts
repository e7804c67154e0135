import { DOCS } from '../../catalog/kmsCuratedFacts';
import { closestMatch } from '../didYouMean';
import type { Rule } from '../rule';

export const unknownConditionKeyRule: Rule = {
  code: 'UNKNOWN_CONDITION_KEY',
  severity: 'warning',
  docUrl: DOCS.kmsConditions,
  awsSays: 'AWS KMS supports a set of predefined condition keys that you can use in key policies and IAM policies ... and the AWS global condition context keys.',
  check(ctx) {
    const names = ctx.catalog.conditionKeys.filter((k) => !k.prefix).map((k) => k.key);
    for (const s of ctx.model.statements) {
      for (const c of s.condition ?? []) {
        const key = c.key.value;
        if (ctx.catalog.conditionKey(key)) continue;
        const guess = closestMatch(key, names);
        ctx.report(
          c.key.range,
          `'${key}' is not a KMS or AWS global condition key: it is never in a KMS request, so this condition never matches${guess ? `. Did you mean '${guess}'?` : '.'}`,
          guess ? [{ title: `Change to '${guess}'`, isPreferred: true, edits: [{ range: c.key.range, newText: JSON.stringify(guess) }] }] : undefined,
        );
      }
    }
  },
};
