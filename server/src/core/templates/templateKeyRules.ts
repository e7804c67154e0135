// Checks that need the key's own properties, which a key-policy file does not have: what its
// KeySpec and KeyUsage let it do, whether it rotates, and its aliases' names.
import type { Node as JsonNode } from 'jsonc-parser';
import type { KmsCatalog } from '../catalog/kmsCatalog';
import { GRANT_OPERATIONS, grantOperationsFor } from '../catalog/kmsCuratedFacts';
import type { Finding } from '../analysis/analysisTypes';
import { computePolicyFacts } from '../analysis/policyFacts';
import type { CloudFormationTemplate, TemplateResource } from './cloudFormationTemplate';
import type { TemplateKeyPolicy } from './templateKeyPolicy';
import { memberOf } from './templateTree';

export const TEMPLATE_RULE_DOCS = {
  keySpec: 'https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html',
  rotation: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html',
  alias: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html',
} as const;

const CRYPTO_OPERATIONS: ReadonlySet<string> = new Set(GRANT_OPERATIONS.filter((o) => !['CreateGrant', 'RetireGrant', 'DescribeKey'].includes(o)));

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

export function checkKeyProperties(policy: TemplateKeyPolicy | undefined, key: TemplateResource, catalog: KmsCatalog): Finding[] {
  const findings: Finding[] = [];
  if (key.type !== 'AWS::KMS::Key') return findings;
  const spec = literal(key.properties, 'KeySpec');
  const usage = literal(key.properties, 'KeyUsage');
  if (spec === null || usage === null) return findings;
  const keySpec = spec?.value ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = usage?.value ?? 'ENCRYPT_DECRYPT';
  const allowed = new Set(grantOperationsFor(keyUsage, keySpec));
  if (policy) {
    for (const s of computePolicyFacts(policy.model, catalog).statements) {
      if (s.effect !== 'Allow' || s.usesNotAction) continue;
      for (const entry of s.actionEntries) {
        // Named operations only: kms:* and kms:Generate* are the usual way to say "all of it".
        if (/[*?]/.test(entry.written.value) || entry.matches.length !== 1) continue;
        const operation = entry.matches[0]!.name;
        if (!CRYPTO_OPERATIONS.has(operation) || allowed.has(operation)) continue;
        findings.push({
          code: 'KMS_ACTION_NOT_FOR_KEY_SPEC',
          severity: 'warning',
          docUrl: TEMPLATE_RULE_DOCS.keySpec,
          range: entry.written.range,
          message: `kms:${operation} allows nothing on ${key.logicalId}: a ${keySpec} key with KeyUsage ${keyUsage} supports ${[...allowed].filter((o) => CRYPTO_OPERATIONS.has(o)).map((o) => `kms:${o}`).join(', ')}, and KMS refuses ${operation} on it.`,
        });
      }
    }
  }
  const rotation = literal(key.properties, 'EnableKeyRotation');
  const origin = literal(key.properties, 'Origin');
  if (rotation?.value === 'true' && keySpec !== 'SYMMETRIC_DEFAULT') {
    findings.push({
      code: 'KMS_ROTATION_NOT_SUPPORTED',
      severity: 'error',
      docUrl: TEMPLATE_RULE_DOCS.rotation,
      range: rangeOf(rotation.node),
      message: `${key.logicalId} is a ${keySpec} key: automatic rotation is supported only on symmetric encryption keys, so creating the stack fails. Remove EnableKeyRotation.`,
    });
  } else if (rotation === undefined || rotation?.value === 'false') {
    if (keySpec === 'SYMMETRIC_DEFAULT' && keyUsage === 'ENCRYPT_DECRYPT' && (origin === undefined || origin?.value === 'AWS_KMS')) {
      findings.push({
        code: 'KMS_ROTATION_DISABLED',
        severity: 'information',
        docUrl: TEMPLATE_RULE_DOCS.rotation,
        range: rotation ? rangeOf(rotation.node) : rangeOf(key.nameNode),
        message: `${key.logicalId} does not rotate its key material: set EnableKeyRotation: true (yearly by default; RotationPeriodInDays from 90 to 2560).`,
      });
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
    const problem = !ALIAS_NAME.test(name.value)
      ? 'must begin with alias/ followed by letters, digits, /, _ or -'
      : name.value.startsWith('alias/aws/')
        ? 'may not begin with alias/aws/, which AWS keeps for AWS managed keys'
        : undefined;
    if (!problem) continue;
    findings.push({
      code: 'KMS_ALIAS_NAME_INVALID',
      severity: 'error',
      docUrl: TEMPLATE_RULE_DOCS.alias,
      range: rangeOf(name.node),
      message: `The alias name '${name.value}' ${problem}: creating the stack fails.`,
    });
  }
  return findings;
}
