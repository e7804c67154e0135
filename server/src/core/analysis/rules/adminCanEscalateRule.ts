import { DOCS } from '../../catalog/kmsCuratedFacts';
import { GRANT_LIMITING_KEYS } from './createGrantUnrestrictedRule';
import type { Rule } from '../rule';

const ESCALATING = ['PutKeyPolicy', 'CreateGrant', 'TagResource'];
const HUMAN_OR_ROLE = new Set(['user', 'role', 'assumedRole', 'federatedUser', 'wildcard']);

export const adminCanEscalateRule: Rule = {
  code: 'KMS_ADMIN_CAN_ESCALATE',
  severity: 'information',
  docUrl: DOCS.keyAdministrators,
  awsSays: 'Key administrators ... can change the key policy (kms:PutKeyPolicy) and create grants, so they can give themselves permission to use the key in cryptographic operations; tagging can change access controlled by ABAC conditions.',
  check(ctx) {
    for (const s of ctx.facts.statements) {
      if (s.effect !== 'Allow') continue;
      const principal = s.principals.find((p) => HUMAN_OR_ROLE.has(p.kind));
      if (!principal) continue;
      const grantLimited = GRANT_LIMITING_KEYS.some((k) => s.conditionKeys.has(k));
      const escalating = ESCALATING.filter((a) => s.coveredActions.has(a) && !(a === 'CreateGrant' && grantLimited));
      if (escalating.length === 0) continue;
      const names = escalating.map((a) => `kms:${a}`).join(', ');
      ctx.report(principal.entry.value.range, `${s.statement.sid ? `"${s.statement.sid.value}": ` : ''}these principals have ${names}, so they can widen their own access to this key (rewrite the policy, grant themselves operations or retag it for ABAC).`);
    }
  },
};
