// Hover help keyed on the cursor's JSON path: actions, condition keys, operators, principals.
import { CONDITION_OPERATORS, parseConditionOperator } from '../catalog/conditionOperators';
import type { KmsAction, KmsCatalog } from '../catalog/kmsCatalog';
import { CROSS_ACCOUNT_ACTIONS, DOCS, ENUMERATED_CONDITION_VALUES } from '../catalog/kmsCuratedFacts';
import type { PolicyModel, PrincipalType } from '../policy/policyModel';
import type { HoverResult } from './analysisTypes';
import { exampleCondition } from './conditionKeyExamples';
import { cursorContext } from './cursorContext';
import { nodeRange } from './policyEdits';
import { classifyPrincipal } from './principalClassifier';
import { escapeMarkdown } from '../markdown/markdownText';

const MAX_LISTED = 8;

function listCode(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).map((i) => `\`${i}\``).join(', ');
  return items.length > MAX_LISTED ? `${shown} (+${items.length - MAX_LISTED} more)` : shown;
}

export function apiReferenceUrl(action: KmsAction): string {
  const operation = action.name === 'ReEncryptFrom' || action.name === 'ReEncryptTo' ? 'ReEncrypt' : action.name;
  return `https://docs.aws.amazon.com/kms/latest/APIReference/API_${operation}.html`;
}

export function actionMarkdown(action: KmsAction): string {
  const keyPolicy = action.resourceTypes.length > 0
    ? 'yes: the key policy controls it (IAM policies too, when the key policy delegates to the account)'
    : 'no: not performed on a key, so only IAM policies control it';
  const crossAccount = action.resourceTypes.length === 0 ? 'not applicable' : CROSS_ACCOUNT_ACTIONS.has(action.name) ? 'yes' : 'no: only principals of the key\'s account can call it';
  // The dozens of attestation keys (one per PCR) read better as one family.
  const attestation = action.conditionKeys.filter((k) => k.startsWith('kms:RecipientAttestation:'));
  const keys = [...action.conditionKeys.filter((k) => !attestation.includes(k)), ...(attestation.length ? [`kms:RecipientAttestation:* (${attestation.length} keys)`] : [])];
  return [
    `**${action.qualifiedName}** (${action.accessLevel})`,
    '',
    `${action.description}.`,
    '',
    `- Key policy: ${keyPolicy}`,
    `- Cross-account: ${crossAccount}`,
    ...(keys.length ? [`- Condition keys: ${listCode(keys)}`] : []),
    '',
    `[AWS API reference](${apiReferenceUrl(action)})`,
  ].join('\n');
}

function actionHover(catalog: KmsCatalog, written: string): string | undefined {
  if (!/[*?]/.test(written)) {
    const action = catalog.action(written);
    return action ? actionMarkdown(action) : undefined;
  }
  const matches = catalog.matchActions(written);
  const shown = escapeMarkdown(written);
  if (matches.length === 0) return `**${shown}** matches no KMS action.`;
  if (matches.length === catalog.actions.length) return `**${shown}** matches every KMS action (${matches.length}).`;
  const iamOnly = matches.filter((m) => m.resourceTypes.length === 0).map((m) => m.qualifiedName);
  return [
    `**${shown}** matches ${matches.length} KMS action${matches.length === 1 ? '' : 's'}: ${listCode(matches.map((m) => m.qualifiedName))}`,
    ...(iamOnly.length ? ['', `IAM-only (no effect in a key policy): ${listCode(iamOnly)}`] : []),
  ].join('\n');
}

function conditionKeyHover(catalog: KmsCatalog, written: string): string | undefined {
  const info = catalog.conditionKey(written);
  if (!info) return undefined;
  const values = ENUMERATED_CONDITION_VALUES[info.key.toLowerCase()];
  const applies = info.global
    ? 'every action (AWS global condition key)'
    : info.actions.length
      ? listCode(info.actions.map((a) => `kms:${a}`))
      : 'operations on keys with aliases (not listed per action)';
  return [
    `**${escapeMarkdown(written)}** (${info.type})`,
    '',
    info.description.endsWith('.') ? info.description : `${info.description}.`,
    '',
    `- Applies to: ${applies}`,
    ...(values ? [`- Values: ${listCode(values)}`] : []),
    `- Example: \`${exampleCondition(info, written)}\``,
    '',
    `[AWS documentation](${info.global ? DOCS.globalKeys : DOCS.kmsConditions})`,
  ].join('\n');
}

function operatorHover(written: string): string | undefined {
  const parsed = parseConditionOperator(written);
  if (!parsed.base) return undefined;
  const lines = [`**${escapeMarkdown(written)}** (${parsed.base.family} condition operator)`, '', parsed.base.description];
  if (parsed.ifExists) lines.push('', '`IfExists`: also matches when the key is absent from the request.');
  if (parsed.setOperator === 'ForAnyValue') lines.push('', '`ForAnyValue`: matches when at least one value in the request matches one in the policy.');
  if (parsed.setOperator === 'ForAllValues') lines.push('', '`ForAllValues`: matches when every value in the request matches one in the policy (and when the key is absent or empty).');
  lines.push('', `[AWS documentation](${DOCS.conditionOperators})`);
  return lines.join('\n');
}

function principalHover(type: PrincipalType | '*', value: string): string {
  const p = classifyPrincipal({ type, value: { value, range: { start: 0, end: 0 } } });
  // Everything below that comes from the policy is escaped: a principal can carry a link or an image.
  const name = escapeMarkdown(value);
  const account = escapeMarkdown(p.account ?? '');
  switch (p.kind) {
    case 'account':
      return `**${name}**: the AWS account ${account}\n\nDelegates to IAM policies of this account; grants no one directly. A user or role of ${account} gets this access only when its IAM policies allow it too.`;
    case 'wildcard':
      return `**${name}**: every principal in every AWS account, including anonymous callers\n\nIn an Allow, restrict who with \`kms:CallerAccount\`, \`aws:PrincipalOrgID\`, \`aws:PrincipalArn\`, \`aws:SourceAccount\` or \`aws:SourceArn\`.`;
    case 'role':
      return `**${name}**: IAM role in account ${account}\n\nEvery session of this role gets the access directly from the key policy, whatever its IAM policies say (IAM denies, SCPs and boundaries still apply).`;
    case 'user':
      return `**${name}**: IAM user in account ${account}\n\nThe user gets the access directly from the key policy, whatever its IAM policies say (IAM denies, SCPs and boundaries still apply).`;
    case 'assumedRole':
      return `**${name}**: one role session in account ${account}\n\nOnly the session with this name matches.`;
    case 'federatedUser':
      return `**${name}**: federated user session in account ${account}`;
    case 'service':
      return `**${name}**: AWS service principal\n\nThe service itself calls KMS (not on a user's behalf). Restrict it with \`aws:SourceAccount\` or \`aws:SourceArn\` so it acts only for your resources.`;
    case 'federated':
      return `**${name}**: federated identity provider`;
    case 'canonicalUser':
      return `**${name}**: Amazon S3 canonical user ID`;
    case 'invalid':
      return `**${name}**: not a valid principal\n\n${escapeMarkdown(p.problem ?? "")}`;
  }
}

/** What each policy element means in a key policy. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html */
const ELEMENT_HELP: Readonly<Record<string, string>> = {
  Version: 'The policy language version. Use `"2012-10-17"`; without it, policy variables are not replaced.',
  Id: 'An optional identifier for the policy.',
  Statement: 'The statements of the key policy. Every KMS key has exactly one key policy; it is the primary way to control access to the key.',
  Sid: 'An optional statement identifier. In a key policy it may contain spaces; it must be unique in the policy.',
  Effect: '`Allow` or `Deny`. An explicit Deny overrides any Allow, in this policy or elsewhere.',
  Principal: 'Who the statement applies to. Every key-policy statement needs one. The account principal (`arn:aws:iam::ACCOUNT:root`) delegates to the account\'s IAM policies.',
  NotPrincipal: 'Everyone except the named principals. Use only with `Deny`.',
  Action: 'The KMS operations the statement allows or denies (`kms:Decrypt`, `kms:*`, `kms:Create*`).',
  NotAction: 'Every KMS operation except the ones named.',
  Resource: 'In a key policy, `"*"`: this KMS key. KMS rejects any other value.',
  NotResource: 'Not accepted in key policies: use `"Resource": "*"`.',
  Condition: 'Conditions under which the statement applies: operators, each with condition keys and values.',
};

export function doHover(model: PolicyModel, offset: number, catalog: KmsCatalog): HoverResult | undefined {
  const ctx = cursorContext(model, offset);
  const node = ctx.node;
  if (!node || node.type !== 'string') return undefined;
  const value = node.value as string;
  const range = nodeRange(node);
  if (ctx.isPropertyKey && ctx.path.length === 1 && ['Version', 'Id', 'Statement'].includes(value)) {
    return { markdown: `**${value}**: ${ELEMENT_HELP[value]}\n\n[AWS documentation](${DOCS.keyPolicyElements})`, range };
  }
  if (!ctx.inStatement) return undefined;
  const rel = ctx.inStatement;
  let markdown: string | undefined;
  const element = rel[0];
  if (ctx.isPropertyKey && rel.length === 1) {
    const help = ELEMENT_HELP[value];
    return help ? { markdown: `**${value}**: ${help}\n\n[AWS documentation](${DOCS.keyPolicyElements})`, range } : undefined;
  }
  if ((element === 'Action' || element === 'NotAction') && !ctx.isPropertyKey && rel.length <= 2) {
    markdown = actionHover(catalog, value);
  } else if (element === 'Condition') {
    if (rel.length === 2 && ctx.isPropertyKey) markdown = operatorHover(value);
    else if (rel.length === 3 && ctx.isPropertyKey) markdown = conditionKeyHover(catalog, value);
  } else if ((element === 'Principal' || element === 'NotPrincipal') && !ctx.isPropertyKey) {
    if (rel.length === 1) markdown = principalHover('*', value);
    else if (typeof rel[1] === 'string' && ['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(rel[1])) {
      markdown = principalHover(rel[1] as PrincipalType, value);
    }
  } else if (element === 'Resource' && !ctx.isPropertyKey && value === '*') {
    markdown = '**"*"**: in a key policy, this KMS key (the key the policy is attached to).';
  }
  return markdown ? { markdown, range } : undefined;
}

/** Operator names for completion, with their descriptions. */
export function operatorDescriptions(): ReadonlyMap<string, string> {
  return new Map(CONDITION_OPERATORS.map((o) => [o.name, o.description]));
}
