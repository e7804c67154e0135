// Terraform's plan JSON (`terraform show -json plan.out`) read as a module: each planned KMS and
// IAM resource of the root module and of every child module, its values at their places in the
// plan file, so the rules of .tf files (terraformLanguageService.ts) run unchanged and point into
// the plan. A plan's values are resolved: a policy is the JSON string Terraform will send, each
// of its characters mapped through the string's escapes. What the plan leaves "known after
// apply" (resource_changes[*].change.after_unknown) is an unknown, never a default. Resources are
// linked as the configuration says (its expressions' references) when a value is not yet known,
// and by the value itself (a key id, a role name, a policy ARN) when it is.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { excessiveNestingAt } from '../../policy/keyPolicyParser';
import type { SourceRange } from '../../policy/policyModel';
import { jsonStringLiteral } from '../templatePolicyString';
import type { HclAttribute, HclBlock, HclBody, HclExpression } from './hclParser';
import { KEY_RESOURCE_TYPES, type TerraformFile, type TerraformModule, type TerraformResource } from './terraformModule';

/** The resource types the checks read: keys and their policies, aliases, grants, and IAM. */
const PLANNED_TYPES: ReadonlySet<string> = new Set([
  ...KEY_RESOURCE_TYPES,
  'aws_kms_key_policy', 'aws_kms_alias', 'aws_kms_grant',
  'aws_iam_role', 'aws_iam_user', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_policy',
  'aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment',
]);

const KEYS = KEY_RESOURCE_TYPES;
const ROLES: ReadonlySet<string> = new Set(['aws_iam_role']);
const USERS: ReadonlySet<string> = new Set(['aws_iam_user']);
const MANAGED_POLICIES: ReadonlySet<string> = new Set(['aws_iam_policy']);

/** The arguments that name another resource, by resource type: what they may name. */
const LINKS: Readonly<Record<string, Readonly<Record<string, ReadonlySet<string>>>>> = {
  aws_kms_alias: { target_key_id: KEYS },
  aws_kms_grant: { key_id: KEYS },
  aws_kms_key_policy: { key_id: KEYS },
  aws_kms_replica_key: { primary_key_arn: KEYS },
  aws_iam_role_policy: { role: ROLES },
  aws_iam_user_policy: { user: USERS },
  aws_iam_role_policy_attachment: { role: ROLES, policy_arn: MANAGED_POLICIES },
  aws_iam_user_policy_attachment: { user: USERS, policy_arn: MANAGED_POLICIES },
};

/** The values by which an argument names a resource (a key by id or ARN, a role by name...). */
const IDENTIFYING_VALUES = ['key_id', 'arn', 'id', 'name'];

const MAX_DEPTH = 64;
/** Deeper than any plan (modules in modules, values in values), shallow enough for the JSON parser. */
const MAX_PLAN_NESTING = 1_000;

/** Cheap test first: a JSON document in the editor is rarely a plan. */
export function mentionsTerraformPlan(text: string): boolean {
  return text.includes('"planned_values"') && text.includes('"terraform_version"');
}

const rangeOf = (n: JsonNode): SourceRange => ({ start: n.offset, end: n.offset + n.length });

function member(node: JsonNode | undefined, name: string): JsonNode | undefined {
  if (node?.type !== 'object') return undefined;
  for (const property of node.children ?? []) {
    if (property.children?.[0]?.value === name) return property.children[1];
  }
  return undefined;
}

const stringOf = (node: JsonNode | undefined): string | undefined => (node?.type === 'string' ? (node.value as string) : undefined);
const itemsOf = (node: JsonNode | undefined): JsonNode[] => (node?.type === 'array' ? (node.children ?? []) : []);

/** Is the parsed document a plan: format_version, terraform_version and planned_values.root_module? */
function isPlan(root: JsonNode | undefined): boolean {
  return !!stringOf(member(root, 'format_version')) && !!stringOf(member(root, 'terraform_version')) && member(member(root, 'planned_values'), 'root_module')?.type === 'object';
}

/** A JSON value of the plan as the HCL expression a configuration would have written, at its place. */
function expressionOf(text: string, node: JsonNode, depth: number): HclExpression | undefined {
  const range = rangeOf(node);
  switch (node.type) {
    case 'string': {
      const mapped = jsonStringLiteral(text, node.offset);
      // A string this reader cannot map is an unknown, never checked at the wrong place.
      if (!mapped || mapped.text !== node.value) return { kind: 'other', range };
      return { kind: 'string', heredoc: false, range, parts: [{ kind: 'literal', text: mapped.text, offsets: [...mapped.starts, mapped.ends.at(-1) ?? node.offset + 1] }] };
    }
    case 'number':
      return { kind: 'number', text: text.slice(range.start, range.end), range };
    case 'boolean':
      return { kind: 'bool', value: node.value as boolean, range };
    case 'null':
      // In a plan, null is an argument left unset: the provider's default applies.
      return undefined;
    case 'array':
      if (depth > MAX_DEPTH) return { kind: 'other', range };
      return { kind: 'tuple', range, items: itemsOf(node).map((i) => expressionOf(text, i, depth + 1) ?? { kind: 'null', range: rangeOf(i) }) };
    case 'object': {
      if (depth > MAX_DEPTH) return { kind: 'other', range };
      const elements = [];
      for (const property of node.children ?? []) {
        const [name, value] = property.children ?? [];
        const key = name && expressionOf(text, name, depth + 1);
        if (!key || !value) continue;
        elements.push({ key, value: expressionOf(text, value, depth + 1) ?? { kind: 'null' as const, range: rangeOf(value) }, range: rangeOf(property) });
      }
      return { kind: 'object', elements, range };
    }
    default:
      return { kind: 'other', range };
  }
}

/** A resource's values as an HCL body: nested blocks are arrays of objects, as a plan writes them. */
function bodyOf(text: string, values: JsonNode | undefined, depth = 0): { attributes: Map<string, HclAttribute>; blocks: HclBlock[] } {
  const attributes = new Map<string, HclAttribute>();
  const blocks: HclBlock[] = [];
  for (const property of values?.type === 'object' ? (values.children ?? []) : []) {
    const [name, value] = property.children ?? [];
    if (name?.type !== 'string' || !value) continue;
    const items = itemsOf(value);
    if (depth < MAX_DEPTH && items.length > 0 && items.every((i) => i.type === 'object')) {
      for (const item of items) blocks.push({ type: name.value as string, typeRange: rangeOf(name), labels: [], body: bodyOf(text, item, depth + 1), range: rangeOf(item) });
      continue;
    }
    const expression = expressionOf(text, value, depth);
    if (expression) attributes.set(name.value as string, { name: name.value as string, nameRange: rangeOf(name), value: expression, range: rangeOf(property) });
  }
  return { attributes, blocks };
}

interface Planned {
  readonly address: string;
  /** The address of the module instance it is in ('' for the root module). */
  readonly moduleAddress: string;
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly node: JsonNode;
  readonly values: JsonNode | undefined;
}

/** Every resource of a module in planned_values or prior_state, with its children's. */
function plannedResources(module: JsonNode | undefined, moduleAddress: string, found: Planned[], depth = 0): Planned[] {
  for (const node of itemsOf(member(module, 'resources'))) {
    const address = stringOf(member(node, 'address'));
    const type = stringOf(member(node, 'type'));
    const name = stringOf(member(node, 'name'));
    if (!address || !type || !name) continue;
    found.push({ address, moduleAddress, mode: stringOf(member(node, 'mode')) === 'data' ? 'data' : 'resource', type, name, node, values: member(node, 'values') });
  }
  if (depth < MAX_DEPTH) {
    for (const child of itemsOf(member(module, 'child_modules'))) plannedResources(child, stringOf(member(child, 'address')) ?? moduleAddress, found, depth + 1);
  }
  return found;
}

/** `module.a["x"].module.b` -> the configuration's module_calls path a, b. */
function moduleCalls(moduleAddress: string): string[] {
  return [...moduleAddress.matchAll(/(?:^|\.)module\.([^.[]+)(?:\[[^\]]*\])?/g)].map((m) => m[1]!);
}

/** The configuration's expressions of a resource (its `references` say what it names). */
function configuredExpressions(configuration: JsonNode | undefined, planned: Planned): JsonNode | undefined {
  let module = member(configuration, 'root_module');
  for (const call of moduleCalls(planned.moduleAddress)) module = member(member(member(module, 'module_calls'), call), 'module');
  const address = `${planned.mode === 'data' ? 'data.' : ''}${planned.type}.${planned.name}`;
  const resource = itemsOf(member(module, 'resources')).find((r) => stringOf(member(r, 'address')) === address);
  return member(resource, 'expressions');
}

/** `arn:partition:service:region:account:...` */
function arnParts(arn: string | undefined): { partition: string; account: string } | undefined {
  const match = arn && /^arn:([^:]+):[^:]+:[^:]*:(\d{12}):/.exec(arn);
  return match ? { partition: match[1]!, account: match[2]! } : undefined;
}

/**
 * The plan in `text` as a module whose resources are the planned KMS and IAM resources, each
 * value at its place in the plan; undefined when the text is not a Terraform plan.
 */
export function readTerraformPlan(path: string, text: string): TerraformModule | undefined {
  if (!mentionsTerraformPlan(text)) return undefined;
  const tooDeep = excessiveNestingAt(text, MAX_PLAN_NESTING);
  // Terraform writes format_version first: only then is a document too deep to read still a plan.
  if (tooDeep !== undefined && /^\s*\{\s*"format_version"/.test(text)) {
    // Past this the JSON parser would exhaust the stack: said once, at the place, never a crash.
    const problem = { message: `Nested more than ${MAX_PLAN_NESTING} levels deep: this is not a plan Terraform wrote`, range: { start: tooDeep, end: tooDeep + 1 } };
    const file: TerraformFile = { path, hcl: { text, body: { attributes: new Map(), blocks: [] }, syntaxProblems: [problem] } };
    return { files: [file], resources: new Map(), locals: new Map(), variables: new Map(), plan: { arns: new Map() } };
  }
  if (tooDeep !== undefined) return undefined;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (!isPlan(root)) return undefined;
  const unknowns = new Map<string, JsonNode>();
  for (const change of itemsOf(member(root, 'resource_changes'))) {
    const address = stringOf(member(change, 'address'));
    const afterUnknown = member(member(change, 'change'), 'after_unknown');
    if (address && afterUnknown) unknowns.set(address, afterUnknown);
  }
  const planned = plannedResources(member(member(root, 'planned_values'), 'root_module'), '', []).filter((p) => p.mode === 'resource' && PLANNED_TYPES.has(p.type));
  const byAddress = new Map(planned.map((p) => [p.address, p]));
  const value = (p: Planned, name: string) => stringOf(member(p.values, name));

  // The account and partition: data sources read at plan time, else any known ARN.
  const prior = plannedResources(member(member(member(root, 'prior_state'), 'values'), 'root_module'), '', []);
  const known = [...prior, ...planned];
  const caller = prior.find((p) => p.mode === 'data' && p.type === 'aws_caller_identity');
  const arnFacts = known.map((p) => arnParts(value(p, 'arn'))).find((a) => a);
  const account = (caller && value(caller, 'account_id')) ?? arnFacts?.account;
  const partitionData = prior.find((p) => p.mode === 'data' && p.type === 'aws_partition');
  const partition = (partitionData && value(partitionData, 'partition')) ?? arnFacts?.partition ?? 'aws';

  const arns = new Map<string, string>();
  for (const p of planned) {
    const arn = value(p, 'arn');
    if (arn) arns.set(p.address, arn);
    else if (account && (p.type === 'aws_iam_role' || p.type === 'aws_iam_user') && value(p, 'name')) {
      // A role or user Terraform creates: its ARN is fixed by the account, its path and its name.
      const iamPath = (value(p, 'path') ?? '/').replace(/^\//, '');
      arns.set(p.address, `arn:${partition}:iam::${account}:${p.type === 'aws_iam_role' ? 'role' : 'user'}/${iamPath}${value(p, 'name')}`);
    }
  }

  /** The resource an argument names: by its known value, else by the configuration's references. */
  const linked = (p: Planned, argument: string, types: ReadonlySet<string>): string | undefined => {
    const written = value(p, argument);
    if (written !== undefined) {
      const matches = planned.filter((t) => types.has(t.type) && IDENTIFYING_VALUES.some((v) => value(t, v) === written));
      return matches.length === 1 ? matches[0]!.address : undefined;
    }
    const references = itemsOf(member(member(configuredExpressions(member(root, 'configuration'), p), argument), 'references')).map(stringOf).filter((r): r is string => !!r);
    const prefix = p.moduleAddress ? `${p.moduleAddress}.` : '';
    for (const reference of references) {
      const exact = byAddress.get(prefix + reference);
      if (exact && types.has(exact.type)) return exact.address;
    }
    for (const reference of references) {
      // `aws_kms_key.main` of a resource with count or for_each: only one instance is unambiguous.
      const instances = planned.filter((t) => types.has(t.type) && t.moduleAddress === p.moduleAddress && t.address.replace(/\[[^\]]*\]$/, '') === prefix + reference);
      if (instances.length === 1) return instances[0]!.address;
    }
    return undefined;
  };

  const blocks: HclBlock[] = [];
  const drafts: { planned: Planned; block: HclBlock; nameRange: SourceRange }[] = [];
  for (const p of planned) {
    const body = bodyOf(text, p.values);
    const addressNode = member(p.node, 'address')!;
    const nameRange = rangeOf(addressNode);
    // "known after apply": an unknown, never the provider's default.
    const afterUnknown = unknowns.get(p.address);
    for (const property of afterUnknown?.type === 'object' ? (afterUnknown.children ?? []) : []) {
      const [name, flag] = property.children ?? [];
      if (name?.type === 'string' && flag?.type === 'boolean' && flag.value === true && !body.attributes.has(name.value as string)) {
        body.attributes.set(name.value as string, { name: name.value as string, nameRange, value: { kind: 'other', range: nameRange }, range: nameRange });
      }
    }
    for (const [argument, types] of Object.entries(LINKS[p.type] ?? {})) {
      const target = linked(p, argument, types);
      if (!target) continue;
      const at = body.attributes.get(argument);
      const range = at && at.value.kind !== 'other' ? at.value.range : nameRange;
      body.attributes.set(argument, { name: argument, nameRange: at?.nameRange ?? nameRange, value: { kind: 'reference', path: [target], range }, range: at?.range ?? nameRange });
    }
    const labelRange = (name: string) => rangeOf(member(p.node, name) ?? addressNode);
    const block: HclBlock = { type: 'resource', typeRange: nameRange, labels: [{ value: p.type, range: labelRange('type') }, { value: p.name, range: labelRange('name') }], body: body as HclBody, range: rangeOf(p.node) };
    blocks.push(block);
    drafts.push({ planned: p, block, nameRange });
  }

  const syntaxProblems = errors.map((e) => {
    const words = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return { message: `${words.charAt(0).toUpperCase()}${words.slice(1)} in the plan JSON`, range: { start: e.offset, end: Math.min(text.length, e.offset + Math.max(1, e.length)) } };
  });
  const file: TerraformFile = { path, hcl: { text, body: { attributes: new Map(), blocks }, syntaxProblems } };
  const resources = new Map<string, TerraformResource>();
  for (const { planned: p, block, nameRange } of drafts) {
    resources.set(p.address, { address: p.address, mode: 'resource', type: p.type, name: p.name, file, block, nameRange });
  }
  return { files: [file], resources, locals: new Map(), variables: new Map(), plan: { account, arns } };
}
