// Completion keyed on the cursor's JSON path: whole-policy templates in an empty file, actions
// (those a key policy cannot control ranked last), condition keys valid for the statement's
// actions, operators, enumerated values, principals (the environment's too) and statement snippets.
import { findNodeAtOffset } from 'jsonc-parser';
import { accountRootArnOf } from '../arn/awsArn';
import { allOperatorSpellings, parseConditionOperator } from '../catalog/conditionOperators';
import type { ConditionKeyInfo, KmsCatalog } from '../catalog/kmsCatalog';
import { AWS_REGIONS, ENUMERATED_CONDITION_VALUES } from '../catalog/kmsCuratedFacts';
import type { Environment, EnvironmentKey } from '../environment/environmentModel';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import type { CompletionEntry, CompletionKind } from './analysisTypes';
import { exampleCondition } from './conditionKeyExamples';
import { cursorContext } from './cursorContext';
import { actionMarkdown, operatorDescriptions } from './policyHover';
import { computePolicyFacts } from './policyFacts';
import { KEY_POLICY_TEMPLATES, templateBody } from './keyPolicyTemplates';
import { snippetBody, STATEMENT_SNIPPETS } from './statementSnippets';

/** What completion may know beyond the document: the workspace environment and this policy's key. */
export interface CompletionOptions {
  readonly environment?: Environment;
  /** The environment's key whose policy this document is. */
  readonly environmentKey?: EnvironmentKey;
}

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

export function doComplete(model: PolicyModel, offset: number, catalog: KmsCatalog, options: CompletionOptions = {}): CompletionEntry[] {
  // An empty file: a whole policy to start from.
  if (!model.text.trim()) {
    const account = options.environmentKey?.account;
    return KEY_POLICY_TEMPLATES.map((t, i) => ({
      label: t.label,
      kind: 'snippet' as const,
      insertText: templateBody(t, account),
      isSnippet: true,
      range: { start: 0, end: model.text.length },
      documentation: t.description,
      sortText: String(i).padStart(2, '0'),
    }));
  }
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
  const facts = computePolicyFacts(model, catalog, options.environmentKey?.account);
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
    // Actions not performed on a key (CreateKey, ListKeys...) do nothing in a key policy: last, and marked.
    return [
      entry('kms:*', 'action', { detail: 'All KMS actions', sortText: '0' }),
      ...catalog.actions.map((a) =>
        a.resourceTypes.length > 0
          ? entry(a.qualifiedName, 'action', { detail: a.accessLevel, documentation: actionMarkdown(a), sortText: `1${a.name}` })
          : entry(a.qualifiedName, 'action', { detail: `${a.accessLevel} · IAM policies only: no effect in a key policy`, documentation: actionMarkdown(a), sortText: `9${a.name}` }),
      ),
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
      return conditionValues(rel[2], facts.keyAccount, preferredRegions(options)).map((v) =>
        entry(v.label, 'value', { ...(v.snippet ? { insertText: v.snippet, isSnippet: true } : {}), ...(v.sortText ? { sortText: v.sortText } : {}) }),
      );
    }
  }
  if (element === 'Principal' || element === 'NotPrincipal') {
    if (rel.length === 2 && ctx.isPropertyKey) return ['AWS', 'Service', 'Federated', 'CanonicalUser'].map((t) => entry(t, 'property'));
    if (!ctx.isPropertyKey && rel[1] === 'Service') return COMMON_SERVICE_PRINCIPALS.map((s) => entry(s, 'principal'));
    if (!ctx.isPropertyKey && (rel[1] === 'AWS' || rel.length === 1)) {
      // The key's account first, then the environment's accounts and principals, then what the policy names, then "*".
      const seen = new Set<string>();
      const items: CompletionEntry[] = [];
      const add = (arn: string, sortText: string, detail: string) => {
        if (seen.has(arn)) return;
        seen.add(arn);
        items.push(entry(arn, 'principal', { detail, sortText: `${sortText}${arn}` }));
      };
      const partition = options.environment?.partition ?? 'aws';
      if (facts.keyAccount) {
        add(accountRootArnOf(facts.keyAccount, partition), '0', 'The key\u2019s account: delegates to its IAM policies');
      } else {
        items.push(entry('arn:aws:iam::ACCOUNT:root', 'principal', { insertText: '"arn:aws:iam::${1:111122223333}:root"', isSnippet: true, detail: 'An account: delegates to its IAM policies', sortText: '0' }));
      }
      for (const account of options.environment?.accounts ?? []) {
        add(accountRootArnOf(account.id, partition), '1', `Account ${account.name ? `${account.name} (${account.id})` : account.id} of the environment: delegates to its IAM policies`);
      }
      for (const principal of options.environment?.principals ?? []) add(principal.arn, '2', 'Principal of the environment');
      for (const s of facts.statements) {
        for (const p of s.principals) {
          if (p.entry.type !== 'AWS' || p.kind === 'invalid' || p.kind === 'wildcard') continue;
          add(p.entry.value.value, '3', 'Named elsewhere in this policy');
        }
      }
      items.push(entry('*', 'principal', { detail: 'Everyone (restrict with conditions)', sortText: '4' }));
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

/** The Regions this policy most likely names: its key's, then the environment's default. */
function preferredRegions(options: CompletionOptions): string[] {
  return [...new Set([options.environmentKey?.region, options.environment?.defaultRegion].filter((r): r is string => !!r))];
}

/**
 * The domain of a Region's service endpoints, from the AWS SDK's partition data: China's Regions
 * answer on amazonaws.com.cn, the others on amazonaws.com. Undefined for the European Sovereign
 * Cloud, which that data does not name.
 */
function endpointDomain(region: string): string | undefined {
  if (region.startsWith('eusc-')) return undefined;
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function conditionValues(key: string, account: string | undefined, regions: readonly string[] = []): { label: string; snippet?: string; sortText?: string }[] {
  const lower = key.toLowerCase();
  const enumerated = ENUMERATED_CONDITION_VALUES[lower];
  if (enumerated) return enumerated.map((label) => ({ label }));
  if (['kms:calleraccount', 'aws:principalaccount', 'aws:sourceaccount', 'aws:resourceaccount'].includes(lower)) {
    return account ? [{ label: account }] : [{ label: '111122223333', snippet: '"${1:111122223333}"' }];
  }
  if (lower === 'kms:viaservice') {
    // Every service in every Region, the key's Region and the environment's first.
    const ordered = [...regions.filter((r) => AWS_REGIONS.includes(r)), ...AWS_REGIONS.filter((r) => !regions.includes(r))];
    return ordered.flatMap((region, rank) => {
      const domain = endpointDomain(region);
      return domain ? VIA_SERVICES.map((s) => ({ label: `${s}.${region}.${domain}`, sortText: `${String(rank).padStart(2, '0')}${s}` })) : [];
    });
  }
  if (lower === 'kms:grantisforawsresource' || lower === 'kms:bypasspolicylockoutsafetycheck' || lower === 'kms:multiregion' || lower === 'kms:reencryptonsamekey') {
    return [{ label: 'true' }, { label: 'false' }];
  }
  return [];
}
