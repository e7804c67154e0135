// The environment-aware checks, listed for SARIF rule tables and documentation.
import type { EnvironmentRuleInfo } from './environmentRule';
import { identityAllowIneffectiveRule } from './identityPolicyDelegationCheck';
import { multiRegionPolicyNotSharedRule, updatePrimaryRegionOneSidedRule } from './multiRegionPolicyCheck';

export const ENVIRONMENT_RULES: readonly EnvironmentRuleInfo[] = [identityAllowIneffectiveRule, multiRegionPolicyNotSharedRule, updatePrimaryRegionOneSidedRule];
