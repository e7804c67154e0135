// An aws_kms_grant that is the only thing letting its grantee use the key: neither the key
// policy nor the module's IAM policies allow the grantee any of the grant's operations. AWS: "You
// can use the key policy alone to control access, which means the full scope of access to the KMS
// key is defined in a single document (the key policy)", and "Grants are an alternative to the
// key policy" (AWS KMS Developer Guide, "KMS key access and permissions", "Examining grants"):
// such access is invisible to anyone who reads the key policy to learn who can use the key, and
// shows only in ListGrants. This is information, not a fault: a grant is often the intended way.
//
// The decision is the simulator's, against the environment the module makes, with the key's
// grants taken away (whoCanUseKey tries the encryption contexts the policies ask for, so an
// Allow that needs a context counts). It is said only when the module shows everything that
// could allow the grantee: the key policy has no unknown, and the grantee is a role or user of
// the module with no policy attached from outside it.
import type { Finding } from '../../analysis/analysisTypes';
import { whoCanUseKey } from '../../environment/whoCanUseKey';
import { templateEnvironmentKeyArn } from '../templateEnvironment';
import { GRANT_ONLY_ACCESS, report } from './terraformKeyRules';
import { terraformEnvironment } from './terraformEnvironment';
import { principalsWithPoliciesElsewhere } from './terraformIdentityCheck';
import type { TerraformAnalysis } from './terraformLanguageService';

export function checkTerraformGrantOnlyAccess(analysis: TerraformAnalysis): { path: string; finding: Finding }[] {
  const grants = [...analysis.module.resources.values()].filter((r) => r.mode === 'resource' && r.type === 'aws_kms_grant');
  if (grants.length === 0) return [];
  const made = terraformEnvironment(analysis);
  const elsewhere = principalsWithPoliciesElsewhere(analysis);
  const principalByArn = new Map([...made.principals].map(([address, principal]) => [principal.arn, address]));
  const found: { path: string; finding: Finding }[] = [];
  for (const [keyAddress, key] of made.keys) {
    if (key.grants.length === 0) continue;
    // A key policy with an unknown may be what allows the grantee: say nothing.
    const written = analysis.policies.find((p) => p.key?.address === keyAddress);
    if (written && (written.policy.intrinsics.some((i) => !i.known) || written.policy.model.syntaxProblems.length > 0)) continue;
    const keyArn = templateEnvironmentKeyArn(made, keyAddress)!;
    // The environment without this key's grants: what the key policy and IAM allow on their own.
    const withoutGrants = { ...made.environment, keys: made.environment.keys.map((k) => (k === key ? { ...k, grants: [] } : k)) };
    for (const grant of key.grants) {
      const grantee = principalByArn.get(grant.granteePrincipal);
      if (!grantee || elsewhere.has(grantee)) continue;
      const table = whoCanUseKey(withoutGrants, keyArn, { actions: grant.operations.map((o) => `kms:${o}`), principals: [grant.granteePrincipal] });
      const row = table?.rows.find((r) => r.principal === grant.granteePrincipal);
      if (!row || row.cells.some((c) => c.decision === 'Allow')) continue;
      const resource = analysis.module.resources.get(grant.grantId!);
      const at = resource?.block.body.attributes.get('grantee_principal')?.value.range ?? resource?.nameRange;
      if (!resource || !at) continue;
      found.push({
        path: resource.file.path,
        finding: report(GRANT_ONLY_ACCESS, at,
          `Only ${resource.address} lets ${grantee} use ${keyAddress}: neither its key policy nor the module's IAM policies allow ${grantee} ${grant.operations.map((o) => `kms:${o}`).join(', ')}. ` +
            'A grant does not show in the key policy, so whoever reads the key policy to learn who can use the key will not see this access; ListGrants shows it.'),
      });
    }
  }
  return found;
}
