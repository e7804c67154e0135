import { parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const conditionKeyNotForActionRule: Rule = {
  code: 'CONDITION_KEY_NOT_FOR_ACTION',
  severity: 'warning',
  docUrl: DOCS.kmsConditions,
  awsSays: 'Each KMS condition key applies only to the operations listed for it; for other operations the key is not in the request context.',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      if (facts.coveredActions.size === 0) continue;
      for (const c of facts.statement.condition ?? []) {
        const info = ctx.catalog.conditionKey(c.key.value);
        if (!info || info.global || info.actions.length === 0) continue;
        const parsed = parseConditionOperator(c.operator.value);
        if (parsed.ifExists || parsed.base?.family === 'Null') continue;
        if (info.actions.some((a) => facts.coveredActions.has(a))) continue;
        const actions = [...facts.coveredActions].slice(0, 4).map((a) => `kms:${a}`).join(', ');
        const more = facts.coveredActions.size > 4 ? ', ...' : '';
        const effect = facts.effect === 'Deny' ? 'this Deny never applies' : 'this statement allows nothing';
        ctx.report(c.key.range, `'${c.key.value}' is never in the request context of ${actions}${more}: the condition never matches, so ${effect}. It applies to ${info.actions.slice(0, 5).map((a) => `kms:${a}`).join(', ')}${info.actions.length > 5 ? ', ...' : ''}.`);
      }
    }
  },
};
