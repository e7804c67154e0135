import { parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

/** Condition keys whose value is a 12-digit account id. */
const ACCOUNT_VALUED_KEYS = new Set(['aws:sourceaccount', 'kms:calleraccount', 'aws:principalaccount', 'aws:resourceaccount']);

export const accountValueNotAccountIdRule: Rule = {
  code: 'ACCOUNT_VALUE_NOT_ACCOUNT_ID',
  severity: 'warning',
  docUrl: DOCS.globalKeys,
  awsSays: 'kms:CallerAccount, aws:SourceAccount, aws:PrincipalAccount and aws:ResourceAccount hold the 12-digit AWS account ID of the caller, the source, the principal or the resource.',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      for (const c of facts.statement.condition ?? []) {
        if (!ACCOUNT_VALUED_KEYS.has(c.key.value.toLowerCase())) continue;
        const parsed = parseConditionOperator(c.operator.value);
        if (!parsed.base || parsed.base.family !== 'String') continue;
        const like = parsed.baseName.includes('Like');
        for (const value of c.values) {
          if (typeof value.value !== 'string') continue;
          const text = value.value;
          if (/^\d{12}$/.test(text) || text.includes('${') || (like && /^[\d*?]+$/.test(text))) continue;
          const hint = /^arn:/.test(text) ? ' (an ARN; write the account ID alone)' : /^\d+$/.test(text) ? ` (${text.length} digits)` : '';
          ctx.report(
            value.range,
            `'${text}' is not a 12-digit account ID${hint}: ${c.key.value} never equals it, so ${facts.effect === 'Deny' ? 'this Deny ' + (parsed.base.negated ? 'always applies' : 'never applies') : parsed.base.negated ? 'the condition matches every account' : 'this statement never matches'}.`,
          );
        }
      }
    }
  },
};
