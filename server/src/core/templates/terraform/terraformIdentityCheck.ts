// The module's IAM policies against its keys: an aws_iam_role_policy, an aws_iam_policy attached
// to a role of the module, or a role's inline_policy, that allows KMS actions on a key of the
// module whose key policy neither delegates to the account nor names the role. The decision is
// templateIdentityCheck's (ineffectiveIdentityAllows); this file finds Terraform's attachments.
import type { KmsCatalog } from '../../catalog/kmsCatalog';
import type { Finding } from '../../analysis/analysisTypes';
import { identityAllowIneffectiveRule } from '../../analysis/environment/identityPolicyDelegationCheck';
import { computePolicyFacts } from '../../analysis/policyFacts';
import { ineffectiveIdentityAllows } from '../templateIdentityCheck';
import type { HclExpression } from './hclParser';
import { blocksOf, referencedResource, resourcesOfType, type TerraformFile } from './terraformModule';
import { terraformPolicyOf } from './terraformPolicyTree';
import type { TerraformAnalysis } from './terraformLanguageService';

const ROLES: ReadonlySet<string> = new Set(['aws_iam_role']);
const USERS: ReadonlySet<string> = new Set(['aws_iam_user']);
const MANAGED: ReadonlySet<string> = new Set(['aws_iam_policy']);

export interface IdentityPolicy {
  /** Where it is written: `aws_iam_role_policy.app_kms`, or `inline_policy of aws_iam_role.app`. */
  readonly name: string;
  readonly file: TerraformFile;
  readonly policy: HclExpression;
  /** Addresses of the module's roles and users the policy is attached to. */
  readonly attachedTo: readonly string[];
}

/** The module's identity policies and the roles and users of the module they are attached to. */
export function identityPolicies(analysis: TerraformAnalysis): IdentityPolicy[] {
  const module = analysis.module;
  const found: IdentityPolicy[] = [];
  const attached = (expression: HclExpression | undefined, types: ReadonlySet<string>) => referencedResource(module, expression, types)?.address;
  for (const [type, attribute, types] of [['aws_iam_role_policy', 'role', ROLES], ['aws_iam_user_policy', 'user', USERS]] as const) {
    for (const resource of resourcesOfType(module, type)) {
      const policy = resource.block.body.attributes.get('policy')?.value;
      const principal = attached(resource.block.body.attributes.get(attribute)?.value, types);
      // A policy attached to something the module does not spell out is skipped, never guessed.
      if (policy && principal) found.push({ name: resource.address, file: resource.file, policy, attachedTo: [principal] });
    }
  }
  for (const role of resourcesOfType(module, 'aws_iam_role')) {
    for (const inline of blocksOf(role.block.body, 'inline_policy')) {
      const policy = inline.body.attributes.get('policy')?.value;
      if (policy) found.push({ name: `inline_policy of ${role.address}`, file: role.file, policy, attachedTo: [role.address] });
    }
  }
  for (const managed of resourcesOfType(module, 'aws_iam_policy')) {
    const policy = managed.block.body.attributes.get('policy')?.value;
    if (!policy) continue;
    const attachedTo: string[] = [];
    for (const [type, attribute, types] of [['aws_iam_role_policy_attachment', 'role', ROLES], ['aws_iam_user_policy_attachment', 'user', USERS]] as const) {
      for (const attachment of resourcesOfType(module, type)) {
        if (referencedResource(module, attachment.block.body.attributes.get('policy_arn')?.value, MANAGED) !== managed) continue;
        const principal = attached(attachment.block.body.attributes.get(attribute)?.value, types);
        if (principal) attachedTo.push(principal);
      }
    }
    // A role's managed_policy_arns attaches the policies it lists (and only those).
    for (const role of resourcesOfType(module, 'aws_iam_role')) {
      const arns = role.block.body.attributes.get('managed_policy_arns')?.value;
      if (arns?.kind === 'tuple' && arns.items.some((item) => referencedResource(module, item, MANAGED) === managed)) attachedTo.push(role.address);
    }
    if (attachedTo.length > 0) found.push({ name: managed.address, file: managed.file, policy, attachedTo });
  }
  return found;
}

/**
 * Roles and users of the module that may hold policies the module does not show: an attachment
 * or managed_policy_arns entry naming a policy that is not an aws_iam_policy of the module (an AWS
 * managed policy, one made elsewhere, a computed ARN), or any aws_iam_policy_attachment naming them.
 */
export function principalsWithPoliciesElsewhere(analysis: TerraformAnalysis): Set<string> {
  const module = analysis.module;
  const elsewhere = new Set<string>();
  const inModule = (expression: HclExpression | undefined) => referencedResource(module, expression, MANAGED) !== undefined;
  for (const [type, attribute, types] of [['aws_iam_role_policy_attachment', 'role', ROLES], ['aws_iam_user_policy_attachment', 'user', USERS]] as const) {
    for (const attachment of resourcesOfType(module, type)) {
      const principal = referencedResource(module, attachment.block.body.attributes.get(attribute)?.value, types);
      if (principal && !inModule(attachment.block.body.attributes.get('policy_arn')?.value)) elsewhere.add(principal.address);
    }
  }
  for (const role of resourcesOfType(module, 'aws_iam_role')) {
    const arns = role.block.body.attributes.get('managed_policy_arns')?.value;
    if (arns && (arns.kind !== 'tuple' || !arns.items.every((item) => inModule(item)))) elsewhere.add(role.address);
  }
  for (const attachment of resourcesOfType(module, 'aws_iam_policy_attachment')) {
    for (const [attribute, types] of [['roles', ROLES], ['users', USERS]] as const) {
      const list = attachment.block.body.attributes.get(attribute)?.value;
      for (const item of list?.kind === 'tuple' ? list.items : []) {
        const principal = referencedResource(module, item, types);
        if (principal) elsewhere.add(principal.address);
      }
    }
  }
  return elsewhere;
}

export function checkTerraformIdentityPolicies(analysis: TerraformAnalysis, catalog: KmsCatalog): { path: string; finding: Finding }[] {
  // Keys whose whole policy the module fixes: an unknown anywhere could be the delegation.
  const keys = analysis.policies
    .filter((p) => p.key && p.policy.intrinsics.every((i) => i.known) && p.policy.model.syntaxProblems.length === 0)
    .map((p) => ({ name: p.key!.address, arn: analysis.resolver.keyArn(p.key!) ?? '', facts: computePolicyFacts(p.policy.model, catalog, analysis.module.plan?.account) }))
    .filter((k) => k.arn);
  if (keys.length === 0) return [];
  const found: { path: string; finding: Finding }[] = [];
  // A plan shows the account itself; a configuration names it through its data source.
  const account = analysis.module.plan?.account ?? '${data.aws_caller_identity.current.account_id}';
  for (const identity of identityPolicies(analysis)) {
    const principals = identity.attachedTo.map((id) => ({ id, arn: analysis.resolver.principalArn(id) ?? '' })).filter((p) => p.arn);
    const written = terraformPolicyOf(analysis.module, analysis.resolver, identity.file, identity.policy);
    if (!written || principals.length === 0) continue;
    for (const { range, key, unnamed } of ineffectiveIdentityAllows(written.model, principals, keys, catalog)) {
      found.push({
        path: written.path,
        finding: {
          code: identityAllowIneffectiveRule.code,
          severity: identityAllowIneffectiveRule.severity,
          docUrl: identityAllowIneffectiveRule.docUrl,
          range,
          message: `This Allow has no effect for ${unnamed.join(', ')} on ${key.name}: its key policy neither allows the account (arn:aws:iam::${account}:root) nor names ${unnamed.length === 1 ? 'this principal' : 'these principals'}, and IAM policies alone cannot grant access to a KMS key. Add the root delegation statement to the key policy, or name the principal in it.`,
        },
      });
    }
  }
  return found;
}
