// Rule codes are stable identifiers users suppress and CI matches on: unique, UPPER_SNAKE,
// each with a severity, an AWS documentation link and the sentence it follows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../../server/src/core/analysis/allRules';
import { ENVIRONMENT_RULES } from '../../../server/src/core/analysis/environment/environmentRules';

const rules = [...ALL_RULES, ...ENVIRONMENT_RULES];

describe('rule metadata', () => {
  it('has unique UPPER_SNAKE codes', () => {
    const codes = rules.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^[A-Z][A-Z0-9_]+$/);
  });
  it('links every rule to the AWS documentation and quotes what it follows', () => {
    for (const r of rules) {
      assert.match(r.docUrl, /^https:\/\/docs\.aws\.amazon\.com\//, r.code);
      assert.ok(r.awsSays.length > 40, r.code);
      assert.ok(['error', 'warning', 'information', 'hint'].includes(r.severity), r.code);
    }
  });
  it('includes every code the key-policy checks promise', () => {
    const codes = new Set(rules.map((r) => r.code));
    const promised = 'JSON_SYNTAX MISSING_VERSION INVALID_VERSION MISSING_STATEMENT MISSING_EFFECT MISSING_ACTION MISSING_PRINCIPAL MISSING_RESOURCE DUPLICATE_SID UNKNOWN_ELEMENT KMS_POLICY_TOO_LARGE KMS_INVALID_CHARACTER UNKNOWN_ACTION UNKNOWN_CONDITION_KEY CONDITION_KEY_NOT_FOR_ACTION INVALID_CONDITION_OPERATOR CONDITION_VALUE_TYPE_MISMATCH MISSING_SET_OPERATOR NULL_WITH_IF_EXISTS KMS_INVALID_PRINCIPAL KMS_NOT_PRINCIPAL_WITH_ALLOW KMS_NO_ACCOUNT_ROOT_STATEMENT KMS_LOCKOUT_RISK KMS_SINGLE_ADMIN_PRINCIPAL KMS_RESOURCE_NOT_STAR KMS_WILDCARD_PRINCIPAL KMS_IAM_ONLY_ACTION_IN_KEY_POLICY KMS_CROSS_ACCOUNT_INEFFECTIVE_ACTION KMS_CREATEGRANT_UNRESTRICTED KMS_INVALID_GRANT_OPERATION KMS_REPLICATE_WITHOUT_REGION_LIMIT KMS_INVALID_REGION KMS_VIA_SERVICE_FORMAT KMS_BYPASS_LOCKOUT_CONDITION_MISUSE KMS_ADMIN_CAN_ESCALATE';
    for (const code of promised.split(' ')) assert.ok(codes.has(code), code);
  });
});
