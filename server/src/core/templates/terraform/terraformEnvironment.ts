// A Terraform module (or plan) as an environment of its own, as templateEnvironment.ts makes one
// of a CloudFormation template: the module's account, its roles and users with the policies the
// module attaches to them (aws_iam_role_policy, aws_iam_user_policy, inline_policy blocks,
// aws_iam_policy attached through aws_iam_role_policy_attachment, aws_iam_user_policy_attachment
// or managed_policy_arns, permissions_boundary naming an aws_iam_policy of the module), its keys
// with their key policies, aliases, tags and aws_kms_grant grants. Simulate and Who Can Use then
// answer from the module alone, through the one scenario builder every decision uses.
//
// What the module does not say is left out rather than guessed: a policy attached to a role the
// module does not declare, a managed policy of AWS (its document is not in the module), a grant
// whose grantee or operations are computed. A value the module does not fix stays in the
// documents as its `${...}` stand-in, which matches nothing.
import type { PolicyDocument } from '../../access/scenario';
import { parseKmsArn } from '../../arn/kmsKeyReference';
import type { Environment, EnvironmentGrant, EnvironmentKey, EnvironmentPrincipal, PolicySourceInfo } from '../../environment/environmentModel';
import { TEMPLATE_ACCOUNT, TEMPLATE_PARTITION, TEMPLATE_REGION, templateKeyArn } from '../intrinsicResolver';
import { statementSpans, type TemplateEnvironment } from '../templateEnvironment';
import type { HclBody, HclExpression } from './hclParser';
import { identityPolicies } from './terraformIdentityCheck';
import type { TerraformAnalysis } from './terraformLanguageService';
import { isMultiRegionKey, keyShape } from './terraformKeyRules';
import { KEY_RESOURCE_TYPES, blocksOf, literalAttribute, referencedResource, resourcesOfType, type TerraformResource } from './terraformModule';
import { terraformPolicyOf } from './terraformPolicyTree';

export interface TerraformEnvironmentOptions {
  /** The module's folder, file or plan, as traces name it. */
  readonly source?: string;
}

const MANAGED_POLICIES: ReadonlySet<string> = new Set(['aws_iam_policy']);

/** A `{ name = "value" }` map whose keys and values the module fixes; the parts it does not are left out. */
function stringMap(analysis: TerraformAnalysis, body: HclBody, name: string): Record<string, string> | undefined {
  const value = body.attributes.get(name)?.value;
  if (value?.kind !== 'object') return undefined;
  const map: Record<string, string> = {};
  for (const element of value.elements) {
    const key = analysis.resolver.resolve(element.key);
    const item = analysis.resolver.resolve(element.value);
    if (key.known && item.known) map[key.value] = item.value;
  }
  return Object.keys(map).length ? map : undefined;
}

/** A list of strings the module fixes, or undefined when any item is computed. */
function stringList(analysis: TerraformAnalysis, expression: HclExpression | undefined): string[] | undefined {
  if (expression?.kind !== 'tuple') return undefined;
  const items = expression.items.map((item) => analysis.resolver.resolve(item));
  return items.every((i) => i.known) ? items.map((i) => i.value) : undefined;
}

/** The ARN the environment gives a key: the plan's when it shows one, else the module's stand-in. */
function keyArnIn(analysis: TerraformAnalysis, key: TerraformResource, account: string): string {
  const known = analysis.resolver.keyArn(key);
  if (known && parseKmsArn(known)) return known;
  return templateKeyArn(key.name).replace(`:${TEMPLATE_ACCOUNT}:`, `:${account}:`);
}

/** aws_kms_grant resources by the key they are for, as the grants KMS would hold; computed grants are left out. */
function grantsByKey(analysis: TerraformAnalysis): Map<TerraformResource, EnvironmentGrant[]> {
  const byKey = new Map<TerraformResource, EnvironmentGrant[]>();
  for (const grant of resourcesOfType(analysis.module, 'aws_kms_grant')) {
    const body = grant.block.body;
    const key = referencedResource(analysis.module, body.attributes.get('key_id')?.value, KEY_RESOURCE_TYPES);
    if (!key) continue;
    const grantee = body.attributes.get('grantee_principal');
    const granteeArn = grantee && analysis.resolver.resolve(grantee.value);
    const operations = stringList(analysis, body.attributes.get('operations')?.value);
    if (!granteeArn?.known || !operations) continue;
    const retiring = body.attributes.get('retiring_principal');
    const retiringArn = retiring && analysis.resolver.resolve(retiring.value);
    const constraints = blocksOf(body, 'constraints')[0];
    const equals = constraints && stringMap(analysis, constraints.body, 'encryption_context_equals');
    const subset = constraints && stringMap(analysis, constraints.body, 'encryption_context_subset');
    const name = literalAttribute(body, 'name');
    byKey.set(key, [...(byKey.get(key) ?? []), {
      grantId: grant.address,
      name: name ? name.value : grant.address,
      granteePrincipal: granteeArn.value,
      ...(retiringArn?.known ? { retiringPrincipal: retiringArn.value } : {}),
      operations,
      ...(equals || subset ? { constraints: { ...(equals ? { encryptionContextEquals: equals } : {}), ...(subset ? { encryptionContextSubset: subset } : {}) } } : {}),
    }]);
  }
  return byKey;
}

/**
 * Environments already made, per analysis and source: the grant check, the lenses and a simulate
 * request each ask for the same module's. An analysis is of one version of a module and is never
 * changed, and neither is an environment once made.
 */
const environmentsMade = new WeakMap<TerraformAnalysis, Map<string, TemplateEnvironment>>();

export function terraformEnvironment(analysis: TerraformAnalysis, options: TerraformEnvironmentOptions = {}): TemplateEnvironment {
  let bySource = environmentsMade.get(analysis);
  if (!bySource) environmentsMade.set(analysis, (bySource = new Map()));
  let environment = bySource.get(options.source ?? '');
  if (!environment) bySource.set(options.source ?? '', (environment = makeEnvironment(analysis, options)));
  return environment;
}

function makeEnvironment(analysis: TerraformAnalysis, options: TerraformEnvironmentOptions): TemplateEnvironment {
  const module = analysis.module;
  const account = module.plan?.account ?? TEMPLATE_ACCOUNT;
  const where = options.source ? ` in ${options.source}` : '';
  // As plain JSON: the document Terraform would hand IAM or KMS, linked to the file that writes it
  // (a policy document data source may be in another file of the module), statement by statement.
  const documentOf = (resource: { file: TerraformResource['file'] }, expression: HclExpression | undefined, name: string): { document: PolicyDocument; source: PolicySourceInfo } | undefined => {
    const written = expression && terraformPolicyOf(module, analysis.resolver, resource.file, expression);
    const value = written?.model.value;
    if (!written || value === undefined || value === null) return undefined;
    return {
      document: JSON.parse(JSON.stringify(value)) as PolicyDocument,
      source: { name, path: written.path, text: written.text, statementSpans: statementSpans(written.model) },
    };
  };

  const attached = new Map<string, { document: PolicyDocument; source: PolicySourceInfo }[]>();
  for (const identity of identityPolicies(analysis)) {
    const read = documentOf(identity, identity.policy, `${identity.name}${where}`);
    if (!read) continue;
    for (const address of identity.attachedTo) attached.set(address, [...(attached.get(address) ?? []), read]);
  }

  const principals = new Map<string, EnvironmentPrincipal>();
  for (const resource of [...resourcesOfType(module, 'aws_iam_role'), ...resourcesOfType(module, 'aws_iam_user')]) {
    const arn = analysis.resolver.principalArn(resource.address);
    if (!arn) continue;
    const policies = attached.get(resource.address) ?? [];
    const boundaryPolicy = referencedResource(module, resource.block.body.attributes.get('permissions_boundary')?.value, MANAGED_POLICIES);
    const boundary = boundaryPolicy && documentOf(boundaryPolicy, boundaryPolicy.block.body.attributes.get('policy')?.value, `${boundaryPolicy.address} (permissions boundary)${where}`);
    const tags = stringMap(analysis, resource.block.body, 'tags');
    principals.set(resource.address, {
      arn,
      name: resource.address,
      ...(tags ? { tags } : {}),
      identityPolicies: policies.map((p) => p.document),
      identityPolicySources: policies.map((p) => p.source),
      ...(boundary ? { permissionBoundary: boundary.document, permissionBoundarySource: boundary.source } : {}),
      accessKeys: [],
    });
  }

  const aliases = new Map<TerraformResource, string[]>();
  for (const alias of resourcesOfType(module, 'aws_kms_alias')) {
    const target = referencedResource(module, alias.block.body.attributes.get('target_key_id')?.value, KEY_RESOURCE_TYPES);
    const name = literalAttribute(alias.block.body, 'name');
    if (target && name) aliases.set(target, [...(aliases.get(target) ?? []), name.value]);
  }

  const grants = grantsByKey(analysis);
  const keys = new Map<string, EnvironmentKey>();
  let partition = TEMPLATE_PARTITION;
  for (const key of analysis.keys) {
    const arn = parseKmsArn(keyArnIn(analysis, key, account))!;
    partition = arn.partition;
    const shape = keyShape(module, key);
    const written = analysis.policies.find((p) => p.key === key);
    const policy = written?.policy.model.value;
    const enabled = literalAttribute(key.block.body, 'is_enabled') ?? literalAttribute(key.block.body, 'enabled');
    const description = literalAttribute(key.block.body, 'description');
    const tags = stringMap(analysis, key.block.body, 'tags');
    keys.set(key.address, {
      keyId: arn.resource,
      account: arn.account,
      region: arn.region || TEMPLATE_REGION,
      ...(description ? { description: description.value } : {}),
      ...(shape ? { keySpec: shape.keySpec, keyUsage: shape.keyUsage } : {}),
      origin: key.type === 'aws_kms_external_key' ? 'EXTERNAL' : 'AWS_KMS',
      multiRegion: isMultiRegionKey(key) === true,
      state: enabled?.value === 'false' ? 'Disabled' : 'Enabled',
      // No policy written: KMS gives the key its default policy (the scenario builder's).
      ...(policy !== undefined && policy !== null
        ? { keyPolicy: JSON.parse(JSON.stringify(policy)) as PolicyDocument, keyPolicySource: { path: written!.policy.path, text: written!.policy.text, statementSpans: statementSpans(written!.policy.model) } }
        : {}),
      aliases: aliases.get(key) ?? [],
      ...(tags ? { tags } : {}),
      grants: grants.get(key) ?? [],
    });
  }

  const environment: Environment = {
    partition,
    defaultRegion: TEMPLATE_REGION,
    accounts: [{ id: account, serviceControlPolicies: [], resourceControlPolicies: [] }],
    principals: [...principals.values()],
    keys: [...keys.values()],
    ...(options.source ? { source: options.source } : {}),
  };
  return { environment, keys, principals };
}
