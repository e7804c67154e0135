import { DOCS } from '../../catalog/kmsCuratedFacts';
import { GRANT_LIMITING_KEYS } from './createGrantUnrestrictedRule';
import type { Rule } from '../rule';

const ESCALATING = ['PutKeyPolicy', 'CreateGrant', 'TagResource'];
const HUMAN_OR_ROLE = new Set(['user', 'role', 'assumedRole', 'federatedUser', 'wildcard']);

export const adminCanEscalateRule: Rule = {
  code: 'KMS_ADMIN_CAN_ESCALATE',
  severity: 'information',
  docUrl: DOCS.keyAdministrators,
  awsSays: 'Even though key administrators do not have permissions to use the KMS key in cryptographic operations, they do have permission to change the key policy. This means they can give themselves any AWS KMS permission.',
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
