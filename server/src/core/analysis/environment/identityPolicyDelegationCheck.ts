// An IAM (identity) policy that allows KMS actions on a key whose key policy does not let
// the account's IAM policies grant access: that Allow has no effect.
import type { KmsCatalog } from '../../catalog/kmsCatalog';
import { wildcardMatches } from '../../catalog/wildcardMatch';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Environment } from '../../environment/environmentModel';
import type { PolicyModel } from '../../policy/policyModel';
import type { Finding } from '../analysisTypes';
import { computePolicyFacts } from '../policyFacts';
import { delegatesTo, keysWithPolicies, type KeyWithPolicy } from './environmentKeyPolicies';
import type { EnvironmentRuleInfo } from './environmentRule';

export const identityAllowIneffectiveRule: EnvironmentRuleInfo = {
  code: 'KMS_IDENTITY_ALLOW_INEFFECTIVE',
  severity: 'warning',
  docUrl: DOCS.defaultKeyPolicy,
  awsSays: 'Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key. Without permission from the key policy, IAM policies that allow permissions have no effect.',
};

function matchingKeys(resource: string, keys: readonly KeyWithPolicy[]): KeyWithPolicy[] {
  if (resource === '*') return [...keys];
  return keys.filter((k) => wildcardMatches(resource, k.arn) || k.key.aliases.some((alias) => wildcardMatches(resource, k.arn.replace(/key\/.*$/, alias))));
}

/**
 * Findings for an identity policy used by principals of `principalAccounts` (the accounts
 * whose principals attach it; the key's own account when unknown).
 */
export function checkIdentityPolicy(
  model: PolicyModel,
  environment: Environment,
  catalog: KmsCatalog,
  principalAccounts: readonly string[] = [],
): Finding[] {
  const keys = keysWithPolicies(environment, catalog);
  if (keys.length === 0) return [];
  const facts = computePolicyFacts(model, catalog);
  const findings: Finding[] = [];
  for (const s of facts.statements) {
    if (s.effect !== 'Allow' || s.statement.principal || s.statement.notPrincipal) continue;
    const keyActions = new Set([...s.coveredActions].filter((a) => catalog.action(`kms:${a}`)?.resourceTypes.includes('key')));
    if (keyActions.size === 0) continue;
    const resources = s.statement.resource ?? [];
    for (const resource of resources) {
      const matched = matchingKeys(resource.value, keys);
      if (matched.length === 0) continue;
      const ineffective = matched.filter((k) => {
        const accounts = principalAccounts.length ? principalAccounts : [k.key.account];
        return accounts.every((account) => !delegatesTo(k.facts, account, keyActions));
      });
      // Report only when the Allow works on none of the keys it names: otherwise it has an effect.
      if (ineffective.length !== matched.length) continue;
      const names = matched.slice(0, 3).map((k) => k.key.aliases[0] ?? k.key.keyId).join(', ') + (matched.length > 3 ? ', ...' : '');
      const accountList = principalAccounts.length ? principalAccounts : [...new Set(matched.map((k) => k.key.account))];
      const accounts = accountList.map((a) => `${a} (arn:aws:iam::${a}:root)`).join(', ');
      findings.push({
        code: identityAllowIneffectiveRule.code,
        severity: identityAllowIneffectiveRule.severity,
        docUrl: identityAllowIneffectiveRule.docUrl,
        range: resource.range,
        message: `This Allow has no effect on ${names}: ${matched.length === 1 ? 'its key policy does' : 'their key policies do'} not allow ${accounts}, so IAM policies cannot grant access to ${matched.length === 1 ? 'it' : 'them'}. Add the root delegation statement to the key policy, or name the principal in it.`,
      });
    }
  }
  return findings;
}
