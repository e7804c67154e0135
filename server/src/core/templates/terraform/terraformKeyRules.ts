// The checks that need a Terraform key's own arguments, grants and aliases: the same rules
// (codes, AWS sentences, operation tables) as CloudFormation's templateKeyRules.ts, worded in
// Terraform's argument names. Values the module does not fix skip the check.
import { isPrincipalName, PRINCIPAL_NAME_FORMS } from '../../arn/awsArn';
import type { KmsCatalog } from '../../catalog/kmsCatalog';
import { GRANT_OPERATIONS, grantOperationsFor } from '../../catalog/kmsCuratedFacts';
import type { Finding } from '../../analysis/analysisTypes';
import { invalidGrantOperationRule } from '../../analysis/rules/invalidGrantOperationRule';
import type { SourceRange } from '../../policy/policyModel';
import { dependsOnUnknown } from '../templateLanguageService';
import { actionsNotForKey, aliasNameProblem, cryptoOperationsFor, TEMPLATE_RULES, type TemplateRule } from '../templateKeyRules';
import type { HclExpression } from './hclParser';
import { KEY_RESOURCE_TYPES, literalAttribute, referencedResource, resourcesOfType, type TerraformModule, type TerraformResource } from './terraformModule';
import type { TerraformPolicy } from './terraformPolicyTree';
import { defaultKeyPolicyDocument } from '../../environment/scenarioBuilder';
import { TEMPLATE_ACCOUNT, TEMPLATE_PARTITION } from '../intrinsicResolver';
import { REPLICA_POLICY_DIFFERS } from '../templateKeyRules';
import { replicaPolicyDifference } from '../templateReplicaCheck';

const PRIMARY_KEY_TYPES: ReadonlySet<string> = new Set(['aws_kms_key', 'aws_kms_external_key']);

const rule = (code: string): TemplateRule => TEMPLATE_RULES.find((r) => r.code === code)!;

export const TERRAFORM_SYNTAX: TemplateRule = {
  code: 'TERRAFORM_SYNTAX',
  severity: 'error',
  docUrl: 'https://developer.hashicorp.com/terraform/language/syntax/configuration',
  awsSays: 'AWS is silent here: Terraform\'s own documentation describes the native syntax; a file Terraform cannot parse deploys nothing.',
};

export const GRANT_ONLY_ACCESS: TemplateRule = {
  code: 'KMS_GRANT_ONLY_ACCESS',
  severity: 'information',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-grants.html',
  awsSays: 'You can use the key policy alone to control access, which means the full scope of access to the KMS key is defined in a single document (the key policy). Grants are an alternative to the key policy.',
};

export const GRANT_PRINCIPAL_INVALID: TemplateRule = {
  code: 'KMS_GRANT_PRINCIPAL_INVALID',
  severity: 'error',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html',
  awsSays: 'To specify the grantee principal, use the Amazon Resource Name (ARN) of an AWS principal. Valid principals include AWS accounts, IAM users, IAM roles, federated users, and assumed role users.',
};

/** The rules only the Terraform front-end reports (SARIF lists them beside every other rule). */
export const TERRAFORM_RULES: readonly TemplateRule[] = [TERRAFORM_SYNTAX, GRANT_ONLY_ACCESS, GRANT_PRINCIPAL_INVALID];

export function report(r: Pick<TemplateRule, 'code' | 'severity' | 'docUrl'>, range: SourceRange, message: string): Finding {
  return { code: r.code, severity: r.severity, docUrl: r.docUrl, range, message };
}

/** A key's spec and usage as the module writes them; undefined when computed at plan time. */
export interface KeyShape {
  readonly keySpec: string;
  readonly keyUsage: string;
}

/** What a key resource is: aws_kms_key's arguments, a replica's primary, an external key's fixed shape. */
export function keyShape(module: TerraformModule, key: TerraformResource, depth = 0): KeyShape | undefined {
  if (key.type === 'aws_kms_external_key') return { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' };
  if (key.type === 'aws_kms_replica_key') {
    const primary = referencedResource(module, key.block.body.attributes.get('primary_key_arn')?.value, KEY_RESOURCE_TYPES);
    return primary && depth < 3 ? keyShape(module, primary, depth + 1) : undefined;
  }
  const spec = literalAttribute(key.block.body, 'customer_master_key_spec');
  const usage = literalAttribute(key.block.body, 'key_usage');
  if (spec === null || usage === null) return undefined;
  return { keySpec: spec?.value ?? 'SYMMETRIC_DEFAULT', keyUsage: usage?.value ?? 'ENCRYPT_DECRYPT' };
}

/** Is the key multi-Region? undefined when the module computes it. */
export function isMultiRegionKey(key: TerraformResource): boolean | undefined {
  if (key.type === 'aws_kms_replica_key') return true;
  const value = literalAttribute(key.block.body, 'multi_region');
  return value === null ? undefined : value?.value === 'true';
}

const rangeOf = (e: HclExpression) => e.range;

/** Findings about one key resource, and about its policy's actions that the key cannot perform. */
export function checkTerraformKey(module: TerraformModule, key: TerraformResource, policy: TerraformPolicy | undefined, catalog: KmsCatalog): { path: string; finding: Finding }[] {
  const found: { path: string; finding: Finding }[] = [];
  const shape = keyShape(module, key);
  if (!shape) return found;
  const { keySpec, keyUsage } = shape;
  if (policy) {
    for (const { range, operation, supported } of actionsNotForKey(policy.model, keySpec, keyUsage, catalog)) {
      const finding = report(rule('KMS_ACTION_NOT_FOR_KEY_SPEC'), range,
        `kms:${operation} allows nothing on ${key.address}: a ${keySpec} key with key_usage ${keyUsage} supports ${supported.map((o) => `kms:${o}`).join(', ')}, and KMS refuses ${operation} on it.`);
      if (!dependsOnUnknown(finding, policy)) found.push({ path: policy.path, finding });
    }
  }
  if (key.type !== 'aws_kms_key') return found;
  const rotation = literalAttribute(key.block.body, 'enable_key_rotation');
  if (rotation?.value === 'true' && keySpec !== 'SYMMETRIC_DEFAULT') {
    found.push({ path: key.file.path, finding: report(rule('KMS_ROTATION_NOT_SUPPORTED'), rangeOf(rotation.expression),
      `${key.address} is a ${keySpec} key: automatic rotation is supported only on symmetric encryption keys, so terraform apply fails. Remove enable_key_rotation.`) });
  } else if ((rotation === undefined || rotation?.value === 'false') && keySpec === 'SYMMETRIC_DEFAULT' && keyUsage === 'ENCRYPT_DECRYPT') {
    found.push({ path: key.file.path, finding: report(rule('KMS_ROTATION_DISABLED'), rotation ? rangeOf(rotation.expression) : key.nameRange,
      `${key.address} does not rotate its key material: set enable_key_rotation = true (yearly by default; rotation_period_in_days from 90 to 2560).`) });
  }
  return found;
}

export function checkTerraformAliases(module: TerraformModule): { path: string; finding: Finding }[] {
  const found: { path: string; finding: Finding }[] = [];
  for (const alias of resourcesOfType(module, 'aws_kms_alias')) {
    const name = literalAttribute(alias.block.body, 'name');
    const problem = name ? aliasNameProblem(name.value) : undefined;
    if (name && problem) {
      found.push({ path: alias.file.path, finding: report(rule('KMS_ALIAS_NAME_INVALID'), rangeOf(name.expression), `The alias name '${name.value}' ${problem}: terraform apply fails.`) });
    }
  }
  return found;
}

/**
 * aws_kms_grant: each operation must be a grant operation, and one the key can perform ("the
 * operations in a grant must be appropriate for the key"); CreateGrant refuses the grant otherwise.
 */
export function checkTerraformGrants(module: TerraformModule): { path: string; finding: Finding }[] {
  const found: { path: string; finding: Finding }[] = [];
  for (const grant of resourcesOfType(module, 'aws_kms_grant')) {
    // The grantee and retiring principal as written: KMS takes an ARN of a principal (the same test CreateGrant makes in the engine).
    for (const argument of ['grantee_principal', 'retiring_principal']) {
      const written = literalAttribute(grant.block.body, argument);
      if (written && !isPrincipalName(written.value)) {
        found.push({ path: grant.file.path, finding: report(GRANT_PRINCIPAL_INVALID, written.expression.range,
          `'${written.value}' is not a principal KMS accepts as ${argument}: use ${PRINCIPAL_NAME_FORMS}. CreateGrant refuses the grant, so terraform apply fails.`) });
      }
    }
    const operations = grant.block.body.attributes.get('operations')?.value;
    if (operations?.kind !== 'tuple') continue;
    const key = referencedResource(module, grant.block.body.attributes.get('key_id')?.value, KEY_RESOURCE_TYPES);
    const shape = key ? keyShape(module, key) : undefined;
    const valid = shape ? new Set(grantOperationsFor(shape.keyUsage, shape.keySpec)) : undefined;
    for (const item of operations.items) {
      if (item.kind !== 'string' || item.parts.some((p) => p.kind !== 'literal')) continue;
      const operation = item.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
      if (!GRANT_OPERATIONS.includes(operation)) {
        found.push({ path: grant.file.path, finding: report(invalidGrantOperationRule, item.range,
          `'${operation}' is not a grant operation: CreateGrant refuses the grant, so terraform apply fails. Grant operations are ${GRANT_OPERATIONS.join(', ')}.`) });
      } else if (valid && shape && key && !valid.has(operation)) {
        found.push({ path: grant.file.path, finding: report(rule('KMS_ACTION_NOT_FOR_KEY_SPEC'), item.range,
          `Grant operation ${operation} is not valid for ${key.address}, a key with key usage ${shape.keyUsage} and key spec ${shape.keySpec}: CreateGrant refuses the grant, so terraform apply fails. This key supports ${cryptoOperationsFor(shape.keySpec, shape.keyUsage).join(', ')}.`) });
      }
    }
  }
  return found;
}

/**
 * An aws_kms_replica_key whose policy grants other than its primary's (REPLICA_POLICY_DIFFERS):
 * "AWS KMS does not copy or synchronize key policies among related multi-Region keys". A key
 * written without a policy gets the default key policy ("If you do not specify a key policy, AWS
 * KMS attaches the default key policy"); a policy with an unknown is not compared.
 */
export function checkTerraformReplicaPolicies(module: TerraformModule, policies: readonly { key: TerraformResource | undefined; policy: TerraformPolicy }[]): { path: string; finding: Finding }[] {
  const found: { path: string; finding: Finding }[] = [];
  const policyOf = (key: TerraformResource): { value: unknown } | undefined => {
    const written = policies.find((p) => p.key === key)?.policy;
    if (!written) return { value: defaultKeyPolicyDocument(TEMPLATE_PARTITION, TEMPLATE_ACCOUNT) };
    return written.model.syntaxProblems.length === 0 && written.intrinsics.every((i) => i.known) ? { value: written.model.value } : undefined;
  };
  for (const replica of resourcesOfType(module, 'aws_kms_replica_key')) {
    const primary = referencedResource(module, replica.block.body.attributes.get('primary_key_arn')?.value, PRIMARY_KEY_TYPES);
    const mine = policyOf(replica);
    const theirs = primary && policyOf(primary);
    if (!primary || !mine || !theirs) continue;
    const message = replicaPolicyDifference(theirs.value, mine.value, primary.address, '${data.aws_caller_identity.current.account_id}');
    if (!message) continue;
    const written = policies.find((p) => p.key === replica)?.policy;
    found.push({ path: written?.path ?? replica.file.path, finding: report(rule(REPLICA_POLICY_DIFFERS.code), written?.range ?? replica.nameRange, message) });
  }
  return found;
}
