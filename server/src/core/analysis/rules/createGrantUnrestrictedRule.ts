import { DOCS } from '../../catalog/kmsCuratedFacts';
import { addConditionEdit } from '../policyEdits';
import { isAccountPrincipalOnly } from '../policyFacts';
import type { Rule } from '../rule';

/** The condition keys AWS lists as limiting the grants a principal can create. */
export const GRANT_LIMITING_KEYS = ['kms:grantisforawsresource', 'kms:grantoperations', 'kms:granteeprincipal', 'kms:retiringprincipal', 'kms:grantconstrainttype', 'kms:viaservice'];

export const createGrantUnrestrictedRule: Rule = {
  code: 'KMS_CREATEGRANT_UNRESTRICTED',
  severity: 'warning',
  docUrl: DOCS.grantConditions,
  awsSays: 'A grant can give permissions that the principal creating it could not use otherwise ... Use the kms:GrantIsForAWSResource, kms:GrantOperations, kms:GranteePrincipal, kms:RetiringPrincipal, kms:GrantConstraintType or kms:ViaService condition keys to limit the grants that principals can create.',
  check(ctx) {
    for (const s of ctx.facts.statements) {
      if (s.effect !== 'Allow' || !s.coveredActions.has('CreateGrant') || isAccountPrincipalOnly(s)) continue;
      // Key administrators (PutKeyPolicy) can already rewrite the policy; KMS_ADMIN_CAN_ESCALATE says so.
      if (s.coveredActions.has('PutKeyPolicy')) continue;
      if (GRANT_LIMITING_KEYS.some((k) => s.conditionKeys.has(k))) continue;
      const entry = s.actionEntries.find((e) => e.matches.some((a) => a.name === 'CreateGrant')) ?? s.actionEntries[0];
      if (!entry) continue;
      const edit = addConditionEdit(ctx.model, s.statement, 'Bool', 'kms:GrantIsForAWSResource', 'true');
      ctx.report(
        entry.written.range,
        `${entry.written.value === 'kms:CreateGrant' ? 'kms:CreateGrant' : `'${entry.written.value}' includes kms:CreateGrant, which`} lets these principals create grants for any grantee with any operations, passing on access to this key beyond this policy. Limit it with kms:GrantIsForAWSResource, kms:GrantOperations, kms:GranteePrincipal, kms:RetiringPrincipal, kms:GrantConstraintType or kms:ViaService.`,
        edit ? [{ title: 'Allow grants only for AWS services (kms:GrantIsForAWSResource)', isPreferred: true, edits: [edit] }] : undefined,
      );
    }
  },
};
