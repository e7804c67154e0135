// The key-policy language service for Terraform modules: every key's policy (aws_kms_key,
// aws_kms_replica_key, aws_kms_external_key, aws_kms_key_policy) checked by the same rules as a
// key-policy file, with the CloudFormation front-end's unknown handling (dependsOnUnknown), plus
// the key's arguments, its aliases and grants, and the module's IAM policies that name the key.
import type { KmsCatalog } from '../../catalog/kmsCatalog';
import { kmsCatalog } from '../../catalog/kmsCatalog';
import type { Finding, FindingFix, HoverResult } from '../../analysis/analysisTypes';
import { appendStatementEdit } from '../../analysis/policyEdits';
import { doHover } from '../../analysis/policyHover';
import { validatePolicy } from '../../analysis/policyValidation';
import { rootDelegationStatement } from '../../analysis/rules/noAccountRootStatementRule';
import { escapeMarkdown } from '../../markdown/markdownText';
import type { SourceRange } from '../../policy/policyModel';
import { TEMPLATE_ACCOUNT, TEMPLATE_PARTITION } from '../intrinsicResolver';
import { dependsOnUnknown } from '../templateLanguageService';
import { checkTerraformAliases, checkTerraformGrants, checkTerraformKey, checkTerraformReplicaPolicies, GRANT_ONLY_ACCESS, isMultiRegionKey, keyShape, report, TERRAFORM_SYNTAX } from './terraformKeyRules';
import { checkTerraformGrantOnlyAccess } from './terraformGrantCheck';
import { checkTerraformIdentityPolicies } from './terraformIdentityCheck';
import { KEY_RESOURCE_TYPES, referencedResource, resourcesOfType, type TerraformModule, type TerraformResource } from './terraformModule';
import { terraformPolicyOf, type TerraformPolicy } from './terraformPolicyTree';
import { TerraformResolver } from './terraformValues';

export interface TerraformKeyPolicy {
  /** The key the policy is for; undefined when an aws_kms_key_policy names a key outside the module. */
  readonly key: TerraformResource | undefined;
  /** The resource whose `policy` argument writes it (the key, or an aws_kms_key_policy). */
  readonly owner: TerraformResource;
  readonly policy: TerraformPolicy;
}

export interface TerraformAnalysis {
  readonly module: TerraformModule;
  readonly resolver: TerraformResolver;
  readonly keys: readonly TerraformResource[];
  readonly policies: readonly TerraformKeyPolicy[];
}

export function analyzeTerraformModule(module: TerraformModule): TerraformAnalysis {
  const resolver = new TerraformResolver(module);
  const keys = [...module.resources.values()].filter((r) => r.mode === 'resource' && KEY_RESOURCE_TYPES.has(r.type));
  const policies: TerraformKeyPolicy[] = [];
  for (const owner of [...keys, ...resourcesOfType(module, 'aws_kms_key_policy')]) {
    const written = owner.block.body.attributes.get('policy');
    if (!written) continue;
    const policy = terraformPolicyOf(module, resolver, owner.file, written.value);
    if (!policy) continue;
    const key = owner.type === 'aws_kms_key_policy' ? referencedResource(module, owner.block.body.attributes.get('key_id')?.value, KEY_RESOURCE_TYPES) : owner;
    policies.push({ key, owner, policy });
  }
  return { module, resolver, keys, policies };
}

export interface TerraformValidationOptions {
  readonly disabledRules?: readonly string[];
}

/** Messages name the module's account as Terraform writes it, not its stand-in. */
function speakOfModule(message: string, asMarkdown = false): string {
  const name = '${data.aws_caller_identity.current.account_id}';
  return message.split(TEMPLATE_ACCOUNT).join(asMarkdown ? escapeMarkdown(name) : name);
}

const overlaps = (a: SourceRange, b: SourceRange) => a.start < b.end && b.start < a.end;

/** The data source names the module declares for its account and partition (any name, usually "current"). */
function callerReferences(module: TerraformModule): { account?: string; partition?: string } {
  const account = resourcesOfType(module, 'aws_caller_identity', 'data')[0];
  const partition = resourcesOfType(module, 'aws_partition', 'data')[0];
  return {
    account: account ? `\${data.aws_caller_identity.${account.name}.account_id}` : undefined,
    partition: partition ? `\${data.aws_partition.${partition.name}.partition}` : undefined,
  };
}

/** JSON string literals holding the stand-in account, rewritten as the module's own interpolation. */
function writeModuleAccount(fix: FindingFix, module: TerraformModule): FindingFix | undefined {
  if (!fix.edits.some((e) => e.newText.includes(TEMPLATE_ACCOUNT))) return fix;
  const { account, partition } = callerReferences(module);
  // Without data "aws_caller_identity" the fix would need a data source the module lacks.
  if (!account) return undefined;
  return {
    ...fix,
    edits: fix.edits.map((edit) => ({
      ...edit,
      newText: edit.newText.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => {
        if (!quoted.includes(TEMPLATE_ACCOUNT)) return quoted;
        let value = (JSON.parse(quoted) as string).split(TEMPLATE_ACCOUNT).join(account);
        if (partition) value = value.replace(new RegExp(`^arn:${TEMPLATE_PARTITION}:`), `arn:${partition}:`);
        return JSON.stringify(value);
      }),
    })),
  };
}

/**
 * A fix the module can take: JSON edits are valid HCL inside jsonencode (HCL's object syntax
 * accepts "name": value) and in a heredoc, as long as they rewrite no interpolation and write
 * none. A policy inside a quoted string or built by a data source's blocks gets no JSON edit.
 */
function renderable(fix: FindingFix, policy: TerraformPolicy): boolean {
  if (policy.inString || policy.form === 'aws_iam_policy_document' || policy.form === 'file') return false;
  return fix.edits.every((edit) =>
    !/\$\{|%\{/.test(edit.newText) &&
    !policy.intrinsics.some((i) => overlaps(i.range, edit.range) || (edit.range.start === edit.range.end && i.range.start < edit.range.start && edit.range.start < i.range.end)),
  );
}

/** The statement that enables the account's IAM policies, written in the policy's own syntax. */
function rootDelegationFix(policy: TerraformPolicy, module: TerraformModule): FindingFix | undefined {
  if (policy.form !== 'jsonencode' && policy.form !== 'heredoc') return undefined;
  const edit = appendStatementEdit(policy.model, rootDelegationStatement(TEMPLATE_ACCOUNT));
  if (!edit) return undefined;
  const fix: FindingFix = { title: "Add the statement that enables IAM policies of the module's account", isPreferred: true, edits: [edit] };
  // The account interpolation is the one thing written that is not JSON: allow it here.
  return writeModuleAccount(fix, module);
}

/** Findings by file path (a policy in a data source or a JSON file lands where it is written). */
export function validateTerraform(analysis: TerraformAnalysis, options: TerraformValidationOptions = {}, catalog: KmsCatalog = kmsCatalog()): Map<string, Finding[]> {
  const disabled = new Set(options.disabledRules ?? []);
  const byPath = new Map<string, Finding[]>();
  const add = (path: string, finding: Finding) => {
    if (disabled.has(finding.code)) return;
    const list = byPath.get(path) ?? [];
    list.push(finding);
    byPath.set(path, list);
  };
  for (const file of analysis.module.files) {
    for (const problem of file.hcl.syntaxProblems) add(file.path, report(TERRAFORM_SYNTAX, problem.range, `${problem.message}.`));
  }
  const seen = new Set<TerraformPolicy['model']>();
  for (const { key, policy } of analysis.policies) {
    // One data source may be the policy of several keys: check it once.
    if (seen.has(policy.model)) continue;
    seen.add(policy.model);
    const multiRegion = key ? isMultiRegionKey(key) : undefined;
    for (const finding of validatePolicy(policy.model, catalog, { disabledRules: options.disabledRules, keyAccount: analysis.module.plan?.account })) {
      if (dependsOnUnknown(finding, policy)) continue;
      // A single-Region key cannot be replicated: kms:ReplicateKey allows nothing on it.
      if (finding.code === 'KMS_REPLICATE_WITHOUT_REGION_LIMIT' && multiRegion !== true) continue;
      const fixes = finding.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT'
        ? [rootDelegationFix(policy, analysis.module)].filter((f): f is FindingFix => !!f)
        : (finding.fixes ?? []).filter((f) => renderable(f, policy));
      const { fixes: _dropped, ...rest } = finding;
      add(policy.path, { ...rest, message: speakOfModule(finding.message), ...(fixes.length ? { fixes } : {}) });
    }
  }
  for (const key of analysis.keys) {
    const policy = analysis.policies.find((p) => p.key === key)?.policy;
    for (const { path, finding } of checkTerraformKey(analysis.module, key, policy, catalog)) add(path, finding);
  }
  for (const { path, finding } of [...checkTerraformAliases(analysis.module), ...checkTerraformGrants(analysis.module), ...checkTerraformReplicaPolicies(analysis.module, analysis.policies)]) add(path, finding);
  for (const { path, finding } of checkTerraformIdentityPolicies(analysis, catalog)) add(path, finding);
  if (!disabled.has(GRANT_ONLY_ACCESS.code)) for (const { path, finding } of checkTerraformGrantOnlyAccess(analysis)) add(path, finding);
  for (const list of byPath.values()) list.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  return byPath;
}

/** What the module says about a key, for the hover on its name. */
function keySummary(analysis: TerraformAnalysis, key: TerraformResource): string[] {
  const shape = keyShape(analysis.module, key);
  const rotation = key.block.body.attributes.get('enable_key_rotation');
  const aliases = resourcesOfType(analysis.module, 'aws_kms_alias')
    .filter((a) => referencedResource(analysis.module, a.block.body.attributes.get('target_key_id')?.value, KEY_RESOURCE_TYPES) === key)
    .map((a) => analysis.resolver.resolve(a.block.body.attributes.get('name')?.value ?? { kind: 'other', range: a.nameRange }).value);
  const grants = resourcesOfType(analysis.module, 'aws_kms_grant').filter((g) => referencedResource(analysis.module, g.block.body.attributes.get('key_id')?.value, KEY_RESOURCE_TYPES) === key);
  const multiRegion = isMultiRegionKey(key);
  const unsettled = analysis.module.plan ? 'known after apply' : 'set at plan time';
  return [
    `${key.type} ${key.address}`,
    `Key spec: ${shape ? shape.keySpec : unsettled}`,
    `Key usage: ${shape ? shape.keyUsage : unsettled}`,
    `Automatic rotation: ${key.type !== 'aws_kms_key' ? 'not set here' : rotation ? analysis.resolver.resolve(rotation.value).value : 'false'}`,
    `Multi-Region: ${multiRegion === undefined ? unsettled : multiRegion ? 'yes' : 'no'}`,
    `Aliases in this module: ${aliases.length ? aliases.join(', ') : 'none'}`,
    `Grants in this module: ${grants.length ? grants.map((g) => g.address).join(', ') : 'none'}`,
  ];
}

/**
 * Hover on a key's name label: what the module says about the key. Inside a policy: the policy
 * help, plus what an interpolation or reference under the cursor resolves to.
 */
export function terraformHover(analysis: TerraformAnalysis, path: string, offset: number, catalog: KmsCatalog = kmsCatalog()): HoverResult | undefined {
  const key = analysis.keys.find((k) => k.file.path === path && k.nameRange.start <= offset && offset <= k.nameRange.end);
  if (key) {
    const [title, ...facts] = keySummary(analysis, key);
    return { markdown: [`**${escapeMarkdown(title!)}**`, '', ...facts.map((f) => `- ${escapeMarkdown(f)}`)].join('\n'), range: key.nameRange };
  }
  const policy = analysis.policies.map((p) => p.policy).find((p) => p.path === path && p.range.start <= offset && offset <= p.range.end);
  if (!policy) return undefined;
  const intrinsic = policy.intrinsics.filter((i) => i.range.start <= offset && offset <= i.range.end).sort((a, b) => (a.range.end - a.range.start) - (b.range.end - b.range.start))[0];
  const help = doHover(policy.model, offset, catalog);
  if (!intrinsic) return help ? { ...help, markdown: speakOfModule(help.markdown, true) } : undefined;
  const shown = speakOfModule(intrinsic.value);
  const resolution = [
    intrinsic.known ? `**Resolves to** ${escapeMarkdown(shown)}` : `**Unknown until plan**: ${escapeMarkdown(shown)}. Checks that depend on this value are skipped.`,
    ...intrinsic.notes.map((n) => `- ${escapeMarkdown(speakOfModule(n))}`),
  ].join('\n');
  return { markdown: help ? `${resolution}\n\n---\n\n${speakOfModule(help.markdown, true)}` : resolution, range: intrinsic.range };
}
