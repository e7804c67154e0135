// Checks that need the key's own properties, which a key-policy file does not have: what its
// KeySpec and KeyUsage let it do, whether it rotates, and its aliases' names.
import type { Node as JsonNode } from 'jsonc-parser';
import type { KmsCatalog } from '../catalog/kmsCatalog';
import { CRYPTOGRAPHIC_OPERATIONS } from '../access/operationRules';
import { grantOperationsFor } from '../catalog/kmsCuratedFacts';
import type { Finding, Severity } from '../analysis/analysisTypes';
import { computePolicyFacts } from '../analysis/policyFacts';
import type { CloudFormationTemplate, TemplateResource } from './cloudFormationTemplate';
import type { TemplateKeyPolicy } from './templateKeyPolicy';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import { memberOf } from './templateTree';

/** The checks of this file, described as every rule is (SARIF lists them; codes are stable). */
export interface TemplateRule {
  readonly code: string;
  readonly severity: Severity;
  readonly docUrl: string;
  readonly awsSays: string;
}

const ACTION_NOT_FOR_KEY_SPEC: TemplateRule = {
  code: 'KMS_ACTION_NOT_FOR_KEY_SPEC',
  severity: 'warning',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html',
  awsSays: 'The key usage of a KMS key determines the cryptographic operations the key supports; you cannot change it after you create the key.',
};
const ROTATION_NOT_SUPPORTED: TemplateRule = {
  code: 'KMS_ROTATION_NOT_SUPPORTED',
  severity: 'error',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  awsSays: 'Automatic key rotation is supported only on symmetric encryption KMS keys with key material that AWS KMS generates.',
};
const ROTATION_DISABLED: TemplateRule = {
  code: 'KMS_ROTATION_DISABLED',
  severity: 'information',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  awsSays: 'When you enable automatic key rotation for a KMS key, AWS KMS generates new cryptographic material for the KMS key every year (or the rotation period you choose).',
};
const ALIAS_NAME_INVALID: TemplateRule = {
  code: 'KMS_ALIAS_NAME_INVALID',
  severity: 'error',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html',
  awsSays: 'The alias must be string of 1-256 characters. It can contain only alphanumeric characters, forward slashes (/), underscores (_), and dashes (-). The alias name cannot begin with alias/aws/.',
};
export const TEMPLATE_SYNTAX: TemplateRule = {
  code: 'TEMPLATE_SYNTAX',
  severity: 'error',
  docUrl: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html',
  awsSays: 'You can author AWS CloudFormation templates in JSON or YAML formats.',
};

export const REPLICA_POLICY_DIFFERS: TemplateRule = {
  code: 'KMS_REPLICA_POLICY_DIFFERS',
  severity: 'warning',
  docUrl: 'https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html',
  awsSays: 'Key policies are not a shared property of multi-Region keys. AWS KMS does not copy or synchronize key policies among related multi-Region keys.',
};

export const TEMPLATE_RULES: readonly TemplateRule[] = [ACTION_NOT_FOR_KEY_SPEC, ROTATION_NOT_SUPPORTED, ROTATION_DISABLED, ALIAS_NAME_INVALID, REPLICA_POLICY_DIFFERS, TEMPLATE_SYNTAX];

function report(rule: TemplateRule, range: Finding['range'], message: string): Finding {
  return { code: rule.code, severity: rule.severity, docUrl: rule.docUrl, range, message };
}

const CRYPTO_OPERATIONS = CRYPTOGRAPHIC_OPERATIONS;

/** A literal string property; undefined when absent, null when written as an intrinsic. */
function literal(properties: JsonNode | undefined, name: string): { value: string; node: JsonNode } | undefined | null {
  const node = memberOf(properties, name);
  if (!node) return undefined;
  if (node.type === 'string' || node.type === 'boolean') return { value: String(node.value), node };
  return null;
}

const rangeOf = (node: JsonNode) => ({ start: node.offset, end: node.offset + node.length });

/** Is the key multi-Region? undefined when an intrinsic decides. */
export function isMultiRegion(key: TemplateResource): boolean | undefined {
  if (key.type === 'AWS::KMS::ReplicaKey') return true;
  const multiRegion = literal(key.properties, 'MultiRegion');
  return multiRegion === null ? undefined : multiRegion?.value === 'true';
}

/** The cryptographic operations a key of this spec and usage supports (KMS refuses the others on it). */
export function cryptoOperationsFor(keySpec: string, keyUsage: string): string[] {
  return grantOperationsFor(keyUsage, keySpec).filter((o) => CRYPTO_OPERATIONS.has(o));
}

/** Actions a policy allows by name that a key of this spec and usage cannot perform, any front-end. */
export function actionsNotForKey(model: PolicyModel, keySpec: string, keyUsage: string, catalog: KmsCatalog): { range: SourceRange; operation: string; supported: string[] }[] {
  const allowed = new Set(grantOperationsFor(keyUsage, keySpec));
  const supported = cryptoOperationsFor(keySpec, keyUsage);
  const found: { range: SourceRange; operation: string; supported: string[] }[] = [];
  for (const s of computePolicyFacts(model, catalog).statements) {
    if (s.effect !== 'Allow' || s.usesNotAction) continue;
    for (const entry of s.actionEntries) {
      // Named operations only: kms:* and kms:Generate* are the usual way to say "all of it".
      if (/[*?]/.test(entry.written.value) || entry.matches.length !== 1) continue;
      const operation = entry.matches[0]!.name;
      if (!CRYPTO_OPERATIONS.has(operation) || allowed.has(operation)) continue;
      found.push({ range: entry.written.range, operation, supported });
    }
  }
  return found;
}

/** What is wrong with an alias name, or undefined when KMS accepts it. */
export function aliasNameProblem(name: string): string | undefined {
  return !ALIAS_NAME.test(name)
    ? 'must begin with alias/ followed by letters, digits, /, _ or -'
    : name.startsWith('alias/aws/')
      ? 'may not begin with alias/aws/, which AWS keeps for AWS managed keys'
      : undefined;
}

export function checkKeyProperties(policy: TemplateKeyPolicy | undefined, key: TemplateResource, catalog: KmsCatalog): Finding[] {
  const findings: Finding[] = [];
  if (key.type !== 'AWS::KMS::Key') return findings;
  const spec = literal(key.properties, 'KeySpec');
  const usage = literal(key.properties, 'KeyUsage');
  if (spec === null || usage === null) return findings;
  const keySpec = spec?.value ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = usage?.value ?? 'ENCRYPT_DECRYPT';
  if (policy) {
    for (const { range, operation, supported } of actionsNotForKey(policy.model, keySpec, keyUsage, catalog)) {
      findings.push(report(ACTION_NOT_FOR_KEY_SPEC, range,
        `kms:${operation} allows nothing on ${key.logicalId}: a ${keySpec} key with KeyUsage ${keyUsage} supports ${supported.map((o) => `kms:${o}`).join(', ')}, and KMS refuses ${operation} on it.`,
      ));
    }
  }
  const rotation = literal(key.properties, 'EnableKeyRotation');
  const origin = literal(key.properties, 'Origin');
  if (rotation?.value === 'true' && keySpec !== 'SYMMETRIC_DEFAULT') {
    findings.push(report(ROTATION_NOT_SUPPORTED, rangeOf(rotation.node),
      `${key.logicalId} is a ${keySpec} key: automatic rotation is supported only on symmetric encryption keys, so creating the stack fails. Remove EnableKeyRotation.`,
    ));
  } else if (rotation === undefined || rotation?.value === 'false') {
    if (keySpec === 'SYMMETRIC_DEFAULT' && keyUsage === 'ENCRYPT_DECRYPT' && (origin === undefined || origin?.value === 'AWS_KMS')) {
      findings.push(report(ROTATION_DISABLED, rotation ? rangeOf(rotation.node) : rangeOf(key.nameNode),
        `${key.logicalId} does not rotate its key material: set EnableKeyRotation: true (yearly by default; RotationPeriodInDays from 90 to 2560).`,
      ));
    }
  }
  return findings;
}

const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;

export function checkAliases(template: CloudFormationTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const resource of template.resources.values()) {
    if (resource.type !== 'AWS::KMS::Alias') continue;
    const name = literal(resource.properties, 'AliasName');
    if (!name) continue;
    const problem = aliasNameProblem(name.value);
    if (!problem) continue;
    findings.push(report(ALIAS_NAME_INVALID, rangeOf(name.node), `The alias name '${name.value}' ${problem}: creating the stack fails.`));
  }
  return findings;
}

/** The aliases of the template that point at the key (TargetKeyId: !Ref Key or !GetAtt Key.Arn/KeyId). */
function templateAliasesOf(template: CloudFormationTemplate, key: TemplateResource): string[] {
  const names: string[] = [];
  for (const resource of template.resources.values()) {
    if (resource.type !== 'AWS::KMS::Alias') continue;
    const target = memberOf(resource.properties, 'TargetKeyId');
    const name = literal(resource.properties, 'AliasName');
    const argument = target?.type === 'object' && target.children?.length === 1 ? target.children[0]!.children?.[1] : undefined;
    const named = argument?.type === 'string' ? (argument.value as string).split('.')[0] : argument?.type === 'array' ? argument.children?.[0]?.value : undefined;
    if (named === key.logicalId && name) names.push(name.value);
  }
  return names;
}

/** What the template says about a key, for the hover on its logical ID. */
export function keySummary(template: CloudFormationTemplate, key: TemplateResource): string[] {
  const shown = (name: string, fallback: string) => {
    const value = literal(key.properties, name);
    return value === null ? 'set at deployment' : (value?.value ?? fallback);
  };
  const aliases = templateAliasesOf(template, key);
  return [
    `${key.type} ${key.logicalId}`,
    `KeySpec: ${key.type === 'AWS::KMS::ReplicaKey' ? "the primary key's" : shown('KeySpec', 'SYMMETRIC_DEFAULT')}`,
    `KeyUsage: ${key.type === 'AWS::KMS::ReplicaKey' ? "the primary key's" : shown('KeyUsage', 'ENCRYPT_DECRYPT')}`,
    `Automatic rotation: ${key.type === 'AWS::KMS::ReplicaKey' ? "the primary key's" : shown('EnableKeyRotation', 'false')}`,
    `Multi-Region: ${isMultiRegion(key) === undefined ? 'set at deployment' : isMultiRegion(key) ? 'yes' : 'no'}`,
    `Aliases in this template: ${aliases.length ? aliases.join(', ') : 'none'}`,
  ];
}
