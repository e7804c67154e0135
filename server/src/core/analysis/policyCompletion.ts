// Completion keyed on the cursor's JSON path: actions, condition keys valid for the
// statement's actions, operators, enumerated values, principals and statement snippets.
import { findNodeAtOffset } from 'jsonc-parser';
import { allOperatorSpellings, parseConditionOperator } from '../catalog/conditionOperators';
import type { ConditionKeyInfo, KmsCatalog } from '../catalog/kmsCatalog';
import { ENUMERATED_CONDITION_VALUES } from '../catalog/kmsCuratedFacts';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import type { CompletionEntry, CompletionKind } from './analysisTypes';
import { exampleCondition } from './conditionKeyExamples';
import { cursorContext } from './cursorContext';
import { actionMarkdown, operatorDescriptions } from './policyHover';
import { computePolicyFacts } from './policyFacts';
import { snippetBody, STATEMENT_SNIPPETS } from './statementSnippets';

/** Service principals that commonly appear in key policies (AWS service documentation). */
const COMMON_SERVICE_PRINCIPALS = [
  'cloudtrail.amazonaws.com',
  'logs.amazonaws.com',
  'delivery.logs.amazonaws.com',
  'sns.amazonaws.com',
  'sqs.amazonaws.com',
  's3.amazonaws.com',
  'events.amazonaws.com',
  'cloudwatch.amazonaws.com',
  'ses.amazonaws.com',
  'lambda.amazonaws.com',
  'secretsmanager.amazonaws.com',
  'config.amazonaws.com',
  'guardduty.amazonaws.com',
  'backup.amazonaws.com',
];

const VIA_SERVICES = ['ec2', 's3', 'rds', 'lambda', 'secretsmanager', 'ssm', 'sqs', 'sns', 'dynamodb', 'logs', 'elasticfilesystem', 'backup'];

const STATEMENT_ELEMENT_SNIPPETS: Readonly<Record<string, string>> = {
  Sid: '"Sid": "$1"',
  Effect: '"Effect": "${1|Allow,Deny|}"',
  Principal: '"Principal": { "AWS": "$1" }',
  NotPrincipal: '"NotPrincipal": { "AWS": "$1" }',
  Action: '"Action": [\n\t"kms:$1"\n]',
  NotAction: '"NotAction": [\n\t"kms:$1"\n]',
  Resource: '"Resource": "*"',
  NotResource: '"NotResource": "*"',
  Condition: '"Condition": {\n\t"${1:StringEquals}": {\n\t\t"$2": "$3"\n\t}\n}',
};
const POLICY_ELEMENT_SNIPPETS: Readonly<Record<string, string>> = {
  Version: '"Version": "2012-10-17"',
  Id: '"Id": "$1"',
  Statement: '"Statement": [\n\t$1\n]',
};

export function doComplete(model: PolicyModel, offset: number, catalog: KmsCatalog): CompletionEntry[] {
  const ctx = cursorContext(model, offset);
  const node = ctx.node;
  const inString = node?.type === 'string';
  const range: SourceRange = inString ? { start: node!.offset, end: node!.offset + node!.length } : { start: offset, end: offset };
  const quoted = (value: string) => JSON.stringify(value);
  const entry = (label: string, kind: CompletionKind, extra: Partial<CompletionEntry> = {}): CompletionEntry => ({
    label,
    kind,
    insertText: quoted(label),
    range,
    filterText: inString ? quoted(label) : label,
    ...extra,
  });
  const facts = computePolicyFacts(model, catalog);
  const rel = ctx.inStatement;
  const path = ctx.path;

  // Between statements of the Statement array: whole-statement snippets.
  if (path[0] === 'Statement' && (path.length === 2 || path.length === 1) && model.root) {
    const container = findNodeAtOffset(model.root, offset, false);
    const inArray = container?.type === 'array' || (container?.type === 'property' && path.length === 1 && !ctx.isPropertyKey);
    if (inArray && !inString) {
      const before = model.text.slice(0, offset).trimEnd();
      const comma = before.endsWith('}') ? ',\n' : '';
      return STATEMENT_SNIPPETS.map((s, i) => ({
        label: s.label,
        kind: 'snippet' as const,
        insertText: comma + snippetBody(s, facts.keyAccount),
        isSnippet: true,
        range,
        documentation: s.description,
        sortText: String(i).padStart(2, '0'),
      }));
    }
  }
  if (path.length === 1 && ctx.isPropertyKey) {
    return Object.entries(POLICY_ELEMENT_SNIPPETS).map(([name, body]) => entry(name, 'property', hasValue(model, offset) ? {} : { insertText: body, isSnippet: true }));
  }
  if (!rel) return [];
  const element = rel[0];

  if (rel.length === 1 && ctx.isPropertyKey) {
    return Object.entries(STATEMENT_ELEMENT_SNIPPETS).map(([name, body]) => entry(name, 'property', hasValue(model, offset) ? {} : { insertText: body, isSnippet: true }));
  }
  if ((element === 'Action' || element === 'NotAction') && !ctx.isPropertyKey && rel.length <= 2) {
    return [
      entry('kms:*', 'action', { detail: 'All KMS actions', sortText: '0' }),
      ...catalog.actions.map((a) => entry(a.qualifiedName, 'action', { detail: a.accessLevel, documentation: actionMarkdown(a), sortText: `1${a.name}` })),
    ];
  }
  if (element === 'Effect' && !ctx.isPropertyKey) return ['Allow', 'Deny'].map((v) => entry(v, 'value'));
  if (element === 'Resource' && !ctx.isPropertyKey) return [entry('*', 'value', { detail: 'This KMS key' })];
  if (element === 'Condition') {
    if (rel.length === 2 && ctx.isPropertyKey) {
      const descriptions = operatorDescriptions();
      return allOperatorSpellings().map((name, i) => entry(name, 'operator', { detail: descriptions.get(parseConditionOperator(name).base?.name ?? '') ?? '', sortText: String(i).padStart(3, '0') }));
    }
    if (rel.length === 3 && ctx.isPropertyKey) return conditionKeyEntries(catalog, facts.statements.find((s) => s.statement === ctx.statement)?.coveredActions, range, inString);
    if (rel.length >= 3 && !ctx.isPropertyKey && typeof rel[2] === 'string') {
      return conditionValues(rel[2], facts.keyAccount).map((v) => entry(v.label, 'value', v.snippet ? { insertText: v.snippet, isSnippet: true } : {}));
    }
  }
  if (element === 'Principal' || element === 'NotPrincipal') {
    if (rel.length === 2 && ctx.isPropertyKey) return ['AWS', 'Service', 'Federated', 'CanonicalUser'].map((t) => entry(t, 'property'));
    if (!ctx.isPropertyKey && rel[1] === 'Service') return COMMON_SERVICE_PRINCIPALS.map((s) => entry(s, 'principal'));
    if (!ctx.isPropertyKey && (rel[1] === 'AWS' || rel.length === 1)) {
      const seen = new Set<string>();
      const items: CompletionEntry[] = [entry('*', 'principal', { detail: 'Everyone (restrict with conditions)' })];
      if (facts.keyAccount) {
        const root = `arn:aws:iam::${facts.keyAccount}:root`;
        seen.add(root);
        items.push(entry(root, 'principal', { detail: 'The account: delegates to its IAM policies', sortText: '0' }));
      } else {
        items.push(entry('arn:aws:iam::ACCOUNT:root', 'principal', { insertText: '"arn:aws:iam::${1:111122223333}:root"', isSnippet: true, detail: 'An account: delegates to its IAM policies' }));
      }
      for (const s of facts.statements) {
        for (const p of s.principals) {
          if (p.entry.type !== 'AWS' || p.kind === 'invalid' || p.kind === 'wildcard' || seen.has(p.entry.value.value)) continue;
          seen.add(p.entry.value.value);
          items.push(entry(p.entry.value.value, 'principal', { detail: 'Named elsewhere in this policy' }));
        }
      }
      return items;
    }
  }
  return [];
}

function hasValue(model: PolicyModel, offset: number): boolean {
  const rest = model.text.slice(offset, offset + 200);
  return /^[^"\n]*"?\s*:/.test(rest);
}

function conditionKeyEntries(catalog: KmsCatalog, covered: ReadonlySet<string> | undefined, range: SourceRange, inString: boolean): CompletionEntry[] {
  const applies = (k: ConditionKeyInfo) => k.global || !covered || covered.size === 0 || k.actions.length === 0 || k.actions.some((a) => covered.has(a));
  const keys = catalog.conditionKeys.filter(applies).filter((k) => !k.key.startsWith('kms:RecipientAttestation:PCR') && !k.key.startsWith('kms:RecipientAttestation:NitroTPMPCR'));
  return keys.map((k) => {
    const label = k.prefix ? `${k.prefix}…` : k.key;
    const insertText = k.prefix ? `"${k.prefix}\${1:${k.prefix.startsWith('kms:') ? 'context-key' : 'tag-key'}}"` : JSON.stringify(k.key);
    return {
      label,
      kind: 'conditionKey' as const,
      insertText,
      isSnippet: !!k.prefix,
      range,
      detail: k.type,
      documentation: `${k.description}\n\nExample: \`${exampleCondition(k)}\``,
      filterText: inString ? JSON.stringify(k.prefix ?? k.key) : (k.prefix ?? k.key),
      sortText: `${k.global ? '1' : '0'}${k.key}`,
    };
  });
}

function conditionValues(key: string, account: string | undefined): { label: string; snippet?: string }[] {
  const lower = key.toLowerCase();
  const enumerated = ENUMERATED_CONDITION_VALUES[lower];
  if (enumerated) return enumerated.map((label) => ({ label }));
  if (['kms:calleraccount', 'aws:principalaccount', 'aws:sourceaccount', 'aws:resourceaccount'].includes(lower)) {
    return account ? [{ label: account }] : [{ label: '111122223333', snippet: '"${1:111122223333}"' }];
  }
  if (lower === 'kms:viaservice') {
    return VIA_SERVICES.map((s) => ({ label: `${s}.REGION.amazonaws.com`, snippet: `"${s}.\${1:us-east-1}.amazonaws.com"` }));
  }
  if (lower === 'kms:grantisforawsresource' || lower === 'kms:bypasspolicylockoutsafetycheck' || lower === 'kms:multiregion' || lower === 'kms:reencryptonsamekey') {
    return [{ label: 'true' }, { label: 'false' }];
  }
  return [];
}
