// The key-policy language service for CloudFormation templates: every key's policy checked by
// the same rules as a key-policy file, plus the checks that need the key's properties. Values
// the template does not fix are unknowns: a finding that could depend on one is dropped, so an
// unknown never raises an alarm. A quick fix is kept only where its edit is valid in the
// template's own syntax.
import type { KmsCatalog } from '../catalog/kmsCatalog';
import { kmsCatalog } from '../catalog/kmsCatalog';
import type { Finding, FindingFix, HoverResult } from '../analysis/analysisTypes';
import { doHover } from '../analysis/policyHover';
import { validatePolicy } from '../analysis/policyValidation';
import { escapeMarkdown } from '../markdown/markdownText';
import type { SourceRange } from '../policy/policyModel';
import { keyResources, readCloudFormationTemplate, type CloudFormationTemplate, type ReadTemplateOptions } from './cloudFormationTemplate';
import { IntrinsicResolver, TEMPLATE_ACCOUNT } from './intrinsicResolver';
import { keyPolicyOf, type TemplateKeyPolicy } from './templateKeyPolicy';
import { checkAliases, checkKeyProperties, isMultiRegion, keySummary } from './templateKeyRules';
import { checkTemplateIdentityPolicies } from './templateIdentityCheck';
import { checkReplicaPolicies } from './templateReplicaCheck';
import { fixInPolicyString, rootDelegationFix, writeStackAccount } from './templateFixes';
import type { TemplateFormat } from './templateTree';
import { findNodeAtOffset, type Node as JsonNode } from 'jsonc-parser';

export interface TemplateAnalysis {
  readonly template: CloudFormationTemplate;
  readonly policies: readonly TemplateKeyPolicy[];
}

/**
 * The template's keys and their policies, or undefined when the text is not a template. The
 * editor passes each document's YamlSliceCache in `options.slices`: an edit then parses again
 * only the resources whose text it changed.
 */
export function analyzeTemplate(text: string, format?: TemplateFormat, options: ReadTemplateOptions = {}): TemplateAnalysis | undefined {
  const template = readCloudFormationTemplate(text, format, options);
  if (!template) return undefined;
  const resolver = new IntrinsicResolver(template);
  const policies = keyResources(template).flatMap((key) => keyPolicyOf(template, key, resolver) ?? []);
  return { template, policies };
}

/** Findings whose truth rests on a single value: an unknown elsewhere cannot change them. */
const VALUE_LOCAL_CODES: ReadonlySet<string> = new Set([
  'JSON_SYNTAX', 'INVALID_VERSION', 'DUPLICATE_JSON_KEY', 'DUPLICATE_SID', 'UNKNOWN_ELEMENT', 'INVALID_ELEMENT_VALUE',
  'KMS_INVALID_CHARACTER', 'UNKNOWN_ACTION', 'UNKNOWN_CONDITION_KEY', 'INVALID_CONDITION_OPERATOR', 'KMS_INVALID_PRINCIPAL',
  'KMS_INVALID_REGION', 'KMS_VIA_SERVICE_FORMAT', 'ACCOUNT_VALUE_NOT_ACCOUNT_ID', 'KMS_IAM_ONLY_ACTION_IN_KEY_POLICY',
  'NULL_WITH_IF_EXISTS', 'SET_OPERATOR_ON_SINGLE_VALUED_KEY', 'CONDITION_VALUE_TYPE_MISMATCH', 'KMS_INVALID_GRANT_OPERATION',
  'KMS_RESOURCE_NOT_STAR', 'MISSING_VERSION', 'MISSING_STATEMENT', 'MISSING_EFFECT', 'MISSING_ACTION', 'MISSING_PRINCIPAL',
  'MISSING_RESOURCE', 'KMS_NOT_PRINCIPAL_WITH_ALLOW',
]);

/** Findings about the policy as a whole (who can administer it, whose key it is). */
const POLICY_WIDE_CODES: ReadonlySet<string> = new Set([
  'KMS_NO_ACCOUNT_ROOT_STATEMENT', 'KMS_LOCKOUT_RISK', 'KMS_SINGLE_ADMIN_PRINCIPAL', 'KMS_ADMIN_CAN_ESCALATE',
  'KMS_CROSS_ACCOUNT_INEFFECTIVE_ACTION', 'KMS_WILDCARD_PRINCIPAL', 'KMS_POLICY_TOO_LARGE',
]);

const overlaps = (a: SourceRange, b: SourceRange) => a.start < b.end && b.start < a.end;
const within = (inner: SourceRange, outer: SourceRange) => outer.start <= inner.start && inner.end <= outer.end;

/** Could an unknown value of the policy change this finding? Then the front-end drops it. */
export function dependsOnUnknown(finding: Finding, policy: Pick<TemplateKeyPolicy, 'model' | 'intrinsics'>): boolean {
  const unknowns = policy.intrinsics.filter((i) => !i.known).map((i) => i.range);
  if (unknowns.length === 0) return false;
  if (unknowns.some((u) => overlaps(u, finding.range))) return true;
  if (VALUE_LOCAL_CODES.has(finding.code)) return false;
  if (POLICY_WIDE_CODES.has(finding.code)) return true;
  const statement = policy.model.statements.find((s) => within(finding.range, s.range));
  return statement ? unknowns.some((u) => within(u, statement.range)) : true;
}

/** Does this tree node's range come straight from the template (not from an intrinsic)? */
function literalNodeAt(policy: TemplateKeyPolicy, range: SourceRange): JsonNode | undefined {
  if (!policy.model.root) return undefined;
  const node = findNodeAtOffset(policy.model.root, range.start, true);
  for (let n: JsonNode | undefined = node; n; n = n.parent) {
    if (n.offset === range.start && n.offset + n.length === range.end && n.type !== 'property') {
      return policy.intrinsics.some((i) => overlaps(i.range, range)) ? undefined : n;
    }
  }
  return undefined;
}

/**
 * A fix the template can take. JSON: the rules' edits are JSON, valid as long as no intrinsic is
 * rewritten. YAML: only an edit that replaces one whole node with a one-line JSON value, which
 * YAML reads as a flow value in either block or flow context.
 */
function renderable(fix: FindingFix, policy: TemplateKeyPolicy, format: TemplateFormat): boolean {
  return fix.edits.every((edit) => {
    if (policy.intrinsics.some((i) => overlaps(i.range, edit.range) || (edit.range.start === edit.range.end && within(edit.range, i.range)))) return false;
    if (format === 'json') return true;
    if (!literalNodeAt(policy, edit.range) || /[\r\n]/.test(edit.newText)) return false;
    try {
      JSON.parse(edit.newText);
      return true;
    } catch {
      return false;
    }
  });
}

/** Messages name the stack's account as CloudFormation writes it, not its stand-in. */
function speakOfTemplate(message: string, asMarkdown = false): string {
  const name = '${AWS::AccountId}';
  return message.split(TEMPLATE_ACCOUNT).join(asMarkdown ? escapeMarkdown(name) : name);
}

export interface TemplateValidationOptions {
  readonly disabledRules?: readonly string[];
}

export function validateTemplate(analysis: TemplateAnalysis, options: TemplateValidationOptions = {}, catalog: KmsCatalog = kmsCatalog()): Finding[] {
  const disabled = new Set(options.disabledRules ?? []);
  const format = analysis.template.tree.format;
  const findings: Finding[] = [];
  for (const policy of analysis.policies) {
    const multiRegion = isMultiRegion(policy.key);
    for (const finding of validatePolicy(policy.model, catalog, { disabledRules: options.disabledRules })) {
      if (dependsOnUnknown(finding, policy)) continue;
      // A single-Region key cannot be replicated: kms:ReplicateKey allows nothing on it.
      if (finding.code === 'KMS_REPLICATE_WITHOUT_REGION_LIMIT' && multiRegion !== true) continue;
      const fixes = finding.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'
        ? [rootDelegationFix(policy, format)].filter((f): f is FindingFix => !!f)
        : policy.asString
          ? finding.fixes?.flatMap((f) => fixInPolicyString(f, policy) ?? [])
          : finding.fixes?.filter((f) => renderable(f, policy, format)).map((f) => writeStackAccount(f, format));
      const { fixes: _dropped, ...rest } = finding;
      findings.push({ ...rest, message: speakOfTemplate(finding.message), ...(fixes?.length ? { fixes } : {}) });
    }
  }
  for (const key of keyResources(analysis.template)) {
    const policy = analysis.policies.find((p) => p.key === key);
    findings.push(...checkKeyProperties(policy, key, catalog));
  }
  findings.push(...checkAliases(analysis.template));
  findings.push(...checkTemplateIdentityPolicies(analysis.template, analysis.policies, catalog));
  findings.push(...checkReplicaPolicies(analysis.template, analysis.policies));
  return findings.filter((f) => !disabled.has(f.code)).sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
}

/**
 * Hover on a key's logical ID: what the template says about the key (spec, rotation, aliases).
 * Inside its policy: the policy help, plus what an intrinsic under the cursor resolves to.
 */
export function templateHover(analysis: TemplateAnalysis, offset: number, catalog: KmsCatalog = kmsCatalog()): HoverResult | undefined {
  const key = keyResources(analysis.template).find((k) => k.nameNode.offset <= offset && offset <= k.nameNode.offset + k.nameNode.length);
  if (key) {
    const [title, ...facts] = keySummary(analysis.template, key);
    return { markdown: [`**${escapeMarkdown(title!)}**`, '', ...facts.map((f) => `- ${escapeMarkdown(f)}`)].join('\n'), range: { start: key.nameNode.offset, end: key.nameNode.offset + key.nameNode.length } };
  }
  const policy = analysis.policies.find((p) => p.policyNode.offset <= offset && offset <= p.policyNode.offset + p.policyNode.length);
  if (!policy) return undefined;
  const intrinsic = policy.intrinsics.find((i) => i.range.start <= offset && offset <= i.range.end);
  const help = doHover(policy.model, offset, catalog);
  if (!intrinsic) return help ? { ...help, markdown: speakOfTemplate(help.markdown, true) } : undefined;
  const shown = speakOfTemplate(intrinsic.value);
  const resolution = [
    intrinsic.known ? `**Resolves to** ${escapeMarkdown(shown)}` : `**Unknown until deployment**: ${escapeMarkdown(shown)}. Checks that depend on this value are skipped.`,
    ...intrinsic.notes.map((n) => `- ${escapeMarkdown(n)}`),
  ].join('\n');
  return { markdown: help ? `${resolution}\n\n---\n\n${speakOfTemplate(help.markdown, true)}` : resolution, range: intrinsic.range };
}
