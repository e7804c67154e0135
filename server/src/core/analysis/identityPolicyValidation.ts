// An IAM identity policy checked on its own: only the rules that hold for any IAM policy and for
// its KMS statements. Key-policy-only rules (a missing Principal, Resource "*", the account root,
// lockout) say nothing true about an identity policy, and its other services' actions are not ours.
import type { KmsCatalog } from '../catalog/kmsCatalog';
import type { PolicyModel } from '../policy/policyModel';
import type { Finding } from './analysisTypes';
import { ALL_RULES } from './allRules';
import { validatePolicy } from './policyValidation';

/** Rule codes that apply to an identity policy as written. */
export const IDENTITY_POLICY_RULE_CODES: ReadonlySet<string> = new Set([
  'JSON_SYNTAX',
  'DUPLICATE_JSON_KEY',
  'MISSING_VERSION',
  'INVALID_VERSION',
  'MISSING_EFFECT',
  'MISSING_ACTION',
  'DUPLICATE_SID',
  'UNKNOWN_ACTION',
  'CONDITION_KEY_NOT_FOR_ACTION',
  'INVALID_CONDITION_OPERATOR',
  'CONDITION_VALUE_TYPE_MISMATCH',
  'MISSING_SET_OPERATOR',
  'SET_OPERATOR_ON_SINGLE_VALUED_KEY',
  'NULL_WITH_IF_EXISTS',
  'KMS_INVALID_GRANT_OPERATION',
  'KMS_VIA_SERVICE_FORMAT',
  'KMS_INVALID_REGION',
]);

/** Actions of other services: an identity policy may grant them, so UNKNOWN_ACTION does not speak of them. */
function otherServiceActionStarts(model: PolicyModel): Set<number> {
  const starts = new Set<number>();
  for (const s of model.statements) {
    for (const a of [...(s.action ?? []), ...(s.notAction ?? [])]) {
      const colon = a.value.indexOf(':');
      if (colon > 0 && a.value.slice(0, colon).toLowerCase() !== 'kms') starts.add(a.range.start);
    }
  }
  return starts;
}

export function validateStandaloneIdentityPolicy(model: PolicyModel, catalog: KmsCatalog, disabledRules: readonly string[] = []): Finding[] {
  const notApplicable = ALL_RULES.map((r) => r.code).filter((code) => !IDENTITY_POLICY_RULE_CODES.has(code));
  const otherServices = otherServiceActionStarts(model);
  return validatePolicy(model, catalog, { disabledRules: [...disabledRules, ...notApplicable] })
    .filter((f) => !(f.code === 'UNKNOWN_ACTION' && otherServices.has(f.range.start)))
    // The rules speak of key policies, which KMS validates; IAM validates an identity policy.
    .map((f) => ({ ...f, message: f.message.replace(/\bKMS rejects (the policy|it)\b/g, 'IAM rejects $1') }));
}
