import { DOCS, GRANT_OPERATIONS } from '../../catalog/kmsCuratedFacts';
import { wildcardMatches } from '../../catalog/wildcardMatch';
import { parseConditionOperator } from '../../catalog/conditionOperators';
import { closestMatch } from '../didYouMean';
import type { Rule } from '../rule';

export const invalidGrantOperationRule: Rule = {
  code: 'KMS_INVALID_GRANT_OPERATION',
  severity: 'warning',
  docUrl: DOCS.kmsConditions + '#conditions-kms-grant-operations',
  awsSays: 'kms:GrantOperations controls access to CreateGrant based on the grant operations in the request; a grant can include only these operations: Decrypt, Encrypt, GenerateDataKey, ... (the CreateGrant Operations values).',
  check(ctx) {
    for (const s of ctx.model.statements) {
      for (const c of s.condition ?? []) {
        if (c.key.value.toLowerCase() !== 'kms:grantoperations') continue;
        const like = /like/i.test(parseConditionOperator(c.operator.value).baseName);
        for (const v of c.values) {
          if (typeof v.value !== 'string') continue;
          const value = v.value;
          const valid = like && /[*?]/.test(value)
            ? GRANT_OPERATIONS.some((op) => wildcardMatches(value, op))
            : GRANT_OPERATIONS.includes(value);
          if (valid) continue;
          const guess = closestMatch(value.replace(/^kms:/i, ''), GRANT_OPERATIONS);
          ctx.report(
            v.range,
            `'${value}' is not a grant operation, so no grant request ever carries it and this comparison never matches.${guess ? ` Did you mean '${guess}'?` : ''}`,
            guess ? [{ title: `Change to '${guess}'`, isPreferred: true, edits: [{ range: v.range, newText: JSON.stringify(guess) }] }] : undefined,
          );
        }
      }
    }
  },
};
