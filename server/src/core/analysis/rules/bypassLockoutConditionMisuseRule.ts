import { DOCS } from '../../catalog/kmsCuratedFacts';
import { parseConditionOperator } from '../../catalog/conditionOperators';
import type { Rule } from '../rule';

export const bypassLockoutConditionMisuseRule: Rule = {
  code: 'KMS_BYPASS_LOCKOUT_CONDITION_MISUSE',
  severity: 'warning',
  docUrl: DOCS.kmsConditions + '#conditions-kms-bypass-policy-lockout-safety-check',
  awsSays: 'The kms:BypassPolicyLockoutSafetyCheck condition key ... The following example key policy statement prevents users from bypassing the policy lockout safety check by denying them permission to use CreateKey and PutKeyPolicy when the BypassPolicyLockoutSafetyCheck parameter is true.',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      for (const c of facts.statement.condition ?? []) {
        if (c.key.value.toLowerCase() !== 'kms:bypasspolicylockoutsafetycheck') continue;
        const parsed = parseConditionOperator(c.operator.value);
        if (parsed.base && parsed.base.family !== 'Bool' && parsed.base.family !== 'Null') {
          ctx.report(c.operator.range, `kms:BypassPolicyLockoutSafetyCheck is Boolean: use "Bool" (the recommended form is a Deny when it is "true"); ${c.operator.value} never matches as intended.`);
          continue;
        }
        const allowsBypass = facts.effect === 'Allow' && parsed.base?.family === 'Bool' && c.values.some((v) => String(v.value).toLowerCase() === 'true');
        if (allowsBypass) {
          ctx.report(c.key.range, 'This Allow grants permission to bypass the policy lockout safety check, so these principals can set a policy that locks everyone out of the key. Deny kms:PutKeyPolicy when kms:BypassPolicyLockoutSafetyCheck is "true" instead.');
        }
      }
    }
  },
};
