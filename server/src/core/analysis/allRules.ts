// Every rule, in the order their findings are listed. Codes are stable: users suppress by them.
import { accountValueNotAccountIdRule } from './rules/accountValueNotAccountIdRule';
import { duplicateJsonKeyRule } from './rules/duplicateJsonKeyRule';
import { servicePrincipalWithoutSourceRule } from './rules/servicePrincipalWithoutSourceRule';
import { setOperatorOnSingleValuedKeyRule } from './rules/setOperatorOnSingleValuedKeyRule';
import type { Rule } from './rule';
import { jsonSyntaxRule } from './rules/jsonSyntaxRule';
import { missingVersionRule } from './rules/missingVersionRule';
import { invalidVersionRule } from './rules/invalidVersionRule';
import { missingStatementRule } from './rules/missingStatementRule';
import { missingEffectRule } from './rules/missingEffectRule';
import { missingActionRule } from './rules/missingActionRule';
import { missingPrincipalRule } from './rules/missingPrincipalRule';
import { missingResourceRule } from './rules/missingResourceRule';
import { duplicateSidRule } from './rules/duplicateSidRule';
import { unknownElementRule } from './rules/unknownElementRule';
import { invalidElementValueRule } from './rules/invalidElementValueRule';
import { policyTooLargeRule } from './rules/policyTooLargeRule';
import { invalidCharacterRule } from './rules/invalidCharacterRule';
import { unknownActionRule } from './rules/unknownActionRule';
import { unknownConditionKeyRule } from './rules/unknownConditionKeyRule';
import { conditionKeyNotForActionRule } from './rules/conditionKeyNotForActionRule';
import { invalidConditionOperatorRule } from './rules/invalidConditionOperatorRule';
import { conditionValueTypeMismatchRule } from './rules/conditionValueTypeMismatchRule';
import { missingSetOperatorRule } from './rules/missingSetOperatorRule';
import { nullWithIfExistsRule } from './rules/nullWithIfExistsRule';
import { invalidPrincipalRule } from './rules/invalidPrincipalRule';
import { notPrincipalWithAllowRule } from './rules/notPrincipalWithAllowRule';
import { noAccountRootStatementRule } from './rules/noAccountRootStatementRule';
import { lockoutRiskRule } from './rules/lockoutRiskRule';
import { singleAdminPrincipalRule } from './rules/singleAdminPrincipalRule';
import { resourceNotStarRule } from './rules/resourceNotStarRule';
import { wildcardPrincipalRule } from './rules/wildcardPrincipalRule';
import { iamOnlyActionRule } from './rules/iamOnlyActionRule';
import { crossAccountIneffectiveActionRule } from './rules/crossAccountIneffectiveActionRule';
import { createGrantUnrestrictedRule } from './rules/createGrantUnrestrictedRule';
import { invalidGrantOperationRule } from './rules/invalidGrantOperationRule';
import { replicateWithoutRegionLimitRule } from './rules/replicateWithoutRegionLimitRule';
import { invalidRegionRule } from './rules/invalidRegionRule';
import { viaServiceFormatRule } from './rules/viaServiceFormatRule';
import { bypassLockoutConditionMisuseRule } from './rules/bypassLockoutConditionMisuseRule';
import { adminCanEscalateRule } from './rules/adminCanEscalateRule';

export const ALL_RULES: readonly Rule[] = [
  jsonSyntaxRule,
  missingVersionRule,
  invalidVersionRule,
  missingStatementRule,
  missingEffectRule,
  missingActionRule,
  missingPrincipalRule,
  missingResourceRule,
  duplicateSidRule,
  duplicateJsonKeyRule,
  unknownElementRule,
  invalidElementValueRule,
  policyTooLargeRule,
  invalidCharacterRule,
  unknownActionRule,
  unknownConditionKeyRule,
  conditionKeyNotForActionRule,
  invalidConditionOperatorRule,
  conditionValueTypeMismatchRule,
  missingSetOperatorRule,
  setOperatorOnSingleValuedKeyRule,
  accountValueNotAccountIdRule,
  nullWithIfExistsRule,
  invalidPrincipalRule,
  notPrincipalWithAllowRule,
  noAccountRootStatementRule,
  lockoutRiskRule,
  singleAdminPrincipalRule,
  resourceNotStarRule,
  wildcardPrincipalRule,
  servicePrincipalWithoutSourceRule,
  iamOnlyActionRule,
  crossAccountIneffectiveActionRule,
  createGrantUnrestrictedRule,
  invalidGrantOperationRule,
  replicateWithoutRegionLimitRule,
  invalidRegionRule,
  viaServiceFormatRule,
  bypassLockoutConditionMisuseRule,
  adminCanEscalateRule,
];
