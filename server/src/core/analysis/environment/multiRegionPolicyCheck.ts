// Multi-Region keys: each related key has its own key policy (KMS never shares or syncs
// it), and UpdatePrimaryRegion needs permission on both the primary and the replica.
import type { KmsCatalog } from '../../catalog/kmsCatalog';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Environment, EnvironmentKey } from '../../environment/environmentModel';
import type { PolicyModel } from '../../policy/policyModel';
import type { Finding } from '../analysisTypes';
import { computePolicyFacts } from '../policyFacts';
import { allowedByPrincipal, keysWithPolicies } from './environmentKeyPolicies';
import type { EnvironmentRuleInfo } from './environmentRule';

export const multiRegionPolicyNotSharedRule: EnvironmentRuleInfo = {
  code: 'KMS_MULTI_REGION_POLICY_NOT_SHARED',
  severity: 'information',
  docUrl: DOCS.multiRegion,
  awsSays: 'Unlike IAM policies, which are global, key policies are Regional. The key policy is not a shared property of multi-Region keys. You can specify the same key policy or a different key policy for each key in a set of related multi-Region keys. KMS does not synchronize this property.',
};

export const updatePrimaryRegionOneSidedRule: EnvironmentRuleInfo = {
  code: 'KMS_UPDATE_PRIMARY_REGION_ONE_SIDED',
  severity: 'warning',
  docUrl: DOCS.multiRegion,
  awsSays: 'To update the primary Region, the principal needs kms:UpdatePrimaryRegion permission in both Regions: on the primary key and on the replica key.',
};

function finding(rule: EnvironmentRuleInfo, model: PolicyModel, message: string): Finding {
  const start = model.statementElement?.start ?? model.root?.offset ?? 0;
  return { code: rule.code, severity: rule.severity, docUrl: rule.docUrl, range: { start, end: Math.min(start + 1, model.text.length) }, message };
}

/** Findings for the key policy `model` of environment key `key`. */
export function checkMultiRegionPolicy(model: PolicyModel, key: EnvironmentKey, environment: Environment, catalog: KmsCatalog): Finding[] {
  if (!key.multiRegion) return [];
  const related = keysWithPolicies(environment, catalog).filter((k) => k.key !== key && k.key.keyId === key.keyId && k.key.region !== key.region);
  const regions = [...new Set([...related.map((k) => k.key.region), ...(key.replicaRegions ?? [])])].filter((r) => r !== key.region);
  if (regions.length === 0) return [];
  const findings: Finding[] = [];
  const here = allowedByPrincipal(computePolicyFacts(model, catalog, key.account));
  const differences: string[] = [];
  const oneSided: string[] = [];
  for (const other of related) {
    const there = allowedByPrincipal(other.facts);
    for (const principal of new Set([...here.keys(), ...there.keys()])) {
      const a = here.get(principal) ?? new Set<string>();
      const b = there.get(principal) ?? new Set<string>();
      const onlyHere = [...a].filter((x) => !b.has(x));
      const onlyThere = [...b].filter((x) => !a.has(x));
      if (onlyHere.length || onlyThere.length) {
        differences.push(
          `${principal}: ${[onlyHere.length ? `${onlyHere.slice(0, 3).map((x) => `kms:${x}`).join(', ')}${onlyHere.length > 3 ? ', ...' : ''} only here` : '', onlyThere.length ? `${onlyThere.slice(0, 3).map((x) => `kms:${x}`).join(', ')}${onlyThere.length > 3 ? ', ...' : ''} only in ${other.key.region}` : ''].filter(Boolean).join('; ')}`,
        );
      }
      if (a.has('UpdatePrimaryRegion') !== b.has('UpdatePrimaryRegion')) {
        oneSided.push(`${principal} is allowed kms:UpdatePrimaryRegion ${a.has('UpdatePrimaryRegion') ? `here but not in ${other.key.region}` : `in ${other.key.region} but not here`}`);
      }
    }
  }
  findings.push(
    finding(
      multiRegionPolicyNotSharedRule,
      model,
      `This policy applies only to ${key.keyId} in ${key.region}; the related multi-Region keys in ${regions.join(', ')} have their own key policies, which KMS never synchronizes.` +
        (differences.length ? ` Permissions differ: ${differences.slice(0, 4).join(' | ')}${differences.length > 4 ? ' | ...' : ''}.` : related.length ? ' The known policies allow the same permissions.' : ''),
    ),
  );
  if (oneSided.length) {
    findings.push(finding(updatePrimaryRegionOneSidedRule, model, `UpdatePrimaryRegion fails unless it is allowed on both the primary and the replica: ${oneSided.slice(0, 3).join('; ')}.`));
  }
  return findings;
}
