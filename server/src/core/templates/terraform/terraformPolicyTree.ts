// Turns each way Terraform writes a policy into the tree a key-policy file gets (jsonc-parser's
// Node), with ranges into the file where the policy is written, then into the same PolicyModel:
//  - jsonencode({...}): HCL object syntax, each value at its HCL expression;
//  - a heredoc or quoted JSON string (and file()/templatefile() of a JSON file): the JSON parsed
//    from the string's decoded text, every node mapped back through the escapes and interpolations;
//  - data "aws_iam_policy_document": its statement, principals and condition blocks as the JSON
//    the data source renders.
// Interpolations are resolved (TerraformResolver) and recorded like CloudFormation's intrinsics,
// so the template language service's unknown-handling applies unchanged.
import { getNodeValue, type Node as JsonNode } from 'jsonc-parser';
import { utf8Length } from '../../analysis/rules/policyTooLargeRule';
import { buildPolicyModel } from '../../policy/keyPolicyParser';
import type { PolicyModel, SourceRange, SyntaxProblem } from '../../policy/policyModel';
import { mappedStringPolicyModel, type ResolvedIntrinsic } from '../templateKeyPolicy';
import type { HclBlock, HclExpression, HclTemplatePart } from './hclParser';
import { attributeOf, blocksOf, type TerraformFile, type TerraformModule } from './terraformModule';
import type { TerraformResolver } from './terraformValues';

/** A policy of the module, with where it is written. */
export interface TerraformPolicy {
  /** The file the policy's text is in (a .tf file, or a JSON file read by file()). */
  readonly path: string;
  readonly text: string;
  /** The range of the policy in that file (the jsonencode argument, the string, the data block). */
  readonly range: SourceRange;
  /** How it is written, for hovers. */
  readonly form: 'jsonencode' | 'json string' | 'heredoc' | 'aws_iam_policy_document' | 'file';
  /** True when the policy sits inside a string: edits would need escaping, so no quick fix applies. */
  readonly inString: boolean;
  readonly model: PolicyModel;
  readonly intrinsics: readonly ResolvedIntrinsic[];
}

const MAX_DEPTH = 100;

function node(type: JsonNode['type'], range: SourceRange, value?: unknown): JsonNode {
  return { type, offset: range.start, length: range.end - range.start, value } as JsonNode;
}

function adopt(parent: JsonNode, children: JsonNode[]): JsonNode {
  (parent as { children?: JsonNode[] }).children = children;
  for (const child of children) (child as { parent?: JsonNode }).parent = parent;
  return parent;
}

function property(range: SourceRange, nameRange: SourceRange, name: string, value: JsonNode): JsonNode {
  const p = node('property', range);
  (p as { colonOffset?: number }).colonOffset = nameRange.end;
  return adopt(p, [node('string', nameRange, name), value]);
}

const spanOf = (ranges: readonly SourceRange[]): SourceRange => ({ start: Math.min(...ranges.map((r) => r.start)), end: Math.max(...ranges.map((r) => r.end)) });

class TreeBuilder {
  readonly intrinsics: ResolvedIntrinsic[] = [];
  readonly contentRanges: SourceRange[] = [];
  constructor(readonly resolver: TerraformResolver) {}

  /** A value synthesised from a resolved JSON value, every node at the range of what produced it. */
  private fromValue(value: unknown, range: SourceRange, depth: number): JsonNode {
    if (Array.isArray(value)) return adopt(node('array', range), value.map((v) => this.fromValue(v, range, depth + 1)));
    if (value !== null && typeof value === 'object' && depth < MAX_DEPTH) {
      return adopt(node('object', range), Object.entries(value).map(([k, v]) => property(range, range, k, this.fromValue(v, range, depth + 1))));
    }
    if (typeof value === 'number') return node('number', range, value);
    if (typeof value === 'boolean') return node('boolean', range, value);
    if (value === null) return node('null', range, null);
    return node('string', range, String(value));
  }

  /** An HCL expression as the JSON jsonencode writes. */
  expression(e: HclExpression, depth = 0): JsonNode {
    if (depth > MAX_DEPTH) return this.unknownAt(e.range, 'This value is nested too deeply to check.');
    switch (e.kind) {
      case 'object': {
        const properties: JsonNode[] = [];
        for (const element of e.elements) {
          const key = this.resolver.resolve(element.key);
          if (!key.known) {
            this.intrinsics.push({ range: element.range, value: key.value, known: false, notes: key.notes });
            continue;
          }
          if (element.key.kind !== 'string' || element.key.parts.some((p) => p.kind !== 'literal')) {
            this.intrinsics.push({ range: element.key.range, value: key.value, known: true, notes: key.notes });
          } else this.contentRanges.push(element.key.range);
          properties.push(property(element.range, element.key.range, key.value, this.expression(element.value, depth + 1)));
        }
        return adopt(node('object', e.range), properties);
      }
      case 'tuple':
        return adopt(node('array', e.range), e.items.map((i) => this.expression(i, depth + 1)));
      case 'number':
        this.contentRanges.push(e.range);
        return node('number', e.range, Number(e.text));
      case 'bool':
        this.contentRanges.push(e.range);
        return node('boolean', e.range, e.value);
      case 'null':
        return node('null', e.range, null);
      case 'string':
        if (e.parts.every((p) => p.kind === 'literal')) {
          this.contentRanges.push(e.range);
          return node('string', e.range, e.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join(''));
        }
        return this.resolved(e);
      case 'reference': {
        const json = this.resolver.json(e);
        this.intrinsics.push({ range: e.range, value: typeof json.value === 'string' ? json.value : JSON.stringify(json.value), known: json.known, notes: json.notes });
        return this.fromValue(json.value, e.range, depth);
      }
      default:
        return this.resolved(e);
    }
  }

  private resolved(e: HclExpression): JsonNode {
    const resolution = this.resolver.resolve(e);
    this.intrinsics.push({ range: e.range, value: resolution.value, known: resolution.known, notes: resolution.notes });
    return node('string', e.range, resolution.value);
  }

  private unknownAt(range: SourceRange, note: string): JsonNode {
    this.intrinsics.push({ range, value: '${?}', known: false, notes: [note] });
    return node('string', range, '${?}');
  }

  /** data "aws_iam_policy_document": the JSON the data source renders. */
  policyDocument(block: HclBlock): JsonNode {
    const body = block.body;
    const properties: JsonNode[] = [];
    const at = (name: string, jsonName: string) => {
      const attribute = attributeOf(body, name);
      if (attribute) properties.push(property(attribute.range, attribute.nameRange, jsonName, this.expression(attribute.value)));
      return attribute;
    };
    // The data source always writes Version 2012-10-17 unless told otherwise.
    if (!at('version', 'Version')) {
      const range = block.labels[0]?.range ?? block.typeRange;
      this.intrinsics.push({ range, value: '2012-10-17', known: true, notes: ['The data source writes "Version": "2012-10-17".'] });
      properties.push(property(range, range, 'Version', node('string', range, '2012-10-17')));
    }
    at('policy_id', 'Id');
    for (const name of ['source_policy_documents', 'source_json']) {
      const attribute = attributeOf(body, name);
      if (attribute) this.intrinsics.push({ range: attribute.range, value: '${?}', known: false, notes: [`${name} adds statements known only at plan time. Checks of the whole policy are skipped.`] });
    }
    for (const name of ['override_policy_documents', 'override_json']) {
      const attribute = attributeOf(body, name);
      if (attribute) this.intrinsics.push({ range: block.range, value: '${?}', known: false, notes: [`${name} may replace any statement at plan time. Checks of this policy are skipped.`] });
    }
    for (const dynamic of blocksOf(body, 'dynamic')) {
      this.intrinsics.push({ range: dynamic.range, value: '${?}', known: false, notes: ['A dynamic block writes statements known only at plan time.'] });
    }
    const statements = blocksOf(body, 'statement');
    if (statements.length > 0) {
      const span = spanOf(statements.map((s) => s.range));
      properties.push(property(span, statements[0]!.typeRange, 'Statement', adopt(node('array', span), statements.map((s) => this.statement(s)))));
    }
    return adopt(node('object', block.range), properties);
  }

  private statement(block: HclBlock): JsonNode {
    const body = block.body;
    const properties: JsonNode[] = [];
    const at = (name: string, jsonName: string) => {
      const attribute = attributeOf(body, name);
      if (attribute) properties.push(property(attribute.range, attribute.nameRange, jsonName, this.expression(attribute.value)));
      return attribute;
    };
    at('sid', 'Sid');
    if (!at('effect', 'Effect')) {
      this.intrinsics.push({ range: block.typeRange, value: 'Allow', known: true, notes: ['A statement without effect is an Allow: the data source writes "Effect": "Allow".'] });
      properties.push(property(block.typeRange, block.typeRange, 'Effect', node('string', block.typeRange, 'Allow')));
    }
    at('actions', 'Action');
    at('not_actions', 'NotAction');
    at('resources', 'Resource');
    at('not_resources', 'NotResource');
    for (const [blockType, jsonName] of [['principals', 'Principal'], ['not_principals', 'NotPrincipal']] as const) {
      const principals = blocksOf(body, blockType);
      if (principals.length > 0) properties.push(this.principals(principals, jsonName));
    }
    const conditions = blocksOf(body, 'condition');
    if (conditions.length > 0) properties.push(this.conditions(conditions));
    for (const dynamic of blocksOf(body, 'dynamic')) {
      this.intrinsics.push({ range: dynamic.range, value: '${?}', known: false, notes: ['A dynamic block writes part of this statement at plan time.'] });
    }
    return adopt(node('object', block.range), properties);
  }

  /** principals { type, identifiers } blocks: one Principal, each type's identifiers merged. */
  private principals(blocks: readonly HclBlock[], jsonName: string): JsonNode {
    const span = spanOf(blocks.map((b) => b.range));
    const first = blocks[0]!;
    // type = "*" with identifiers = ["*"] is how the data source writes "Principal": "*".
    if (blocks.length === 1) {
      const type = attributeOf(first.body, 'type')?.value;
      const ids = attributeOf(first.body, 'identifiers')?.value;
      if (type && this.resolver.resolve(type).value === '*' && ids?.kind === 'tuple' && ids.items.length === 1 && this.resolver.resolve(ids.items[0]!).value === '*') {
        this.contentRanges.push(ids.items[0]!.range);
        return property(span, first.typeRange, jsonName, node('string', ids.items[0]!.range, '*'));
      }
    }
    const byType = new Map<string, { typeRange: SourceRange; values: JsonNode[]; ranges: SourceRange[] }>();
    for (const block of blocks) {
      const type = attributeOf(block.body, 'type');
      const identifiers = attributeOf(block.body, 'identifiers');
      if (!type || !identifiers) continue;
      const name = this.resolver.resolve(type.value);
      if (!name.known) {
        this.intrinsics.push({ range: block.range, value: name.value, known: false, notes: name.notes });
        continue;
      }
      this.contentRanges.push(type.value.range);
      const value = this.expression(identifiers.value);
      const entry = byType.get(name.value) ?? { typeRange: type.value.range, values: [], ranges: [] };
      entry.values.push(...(value.type === 'array' ? (value.children ?? []) : [value]));
      entry.ranges.push(identifiers.value.range);
      byType.set(name.value, entry);
    }
    const object = node('object', span);
    const properties = [...byType.entries()].map(([type, entry]) => {
      const values = entry.values.length === 1 && entry.ranges.length === 1 && entry.values[0]!.type !== 'array' ? entry.values[0]! : adopt(node('array', spanOf(entry.ranges)), entry.values);
      return property(spanOf([entry.typeRange, ...entry.ranges]), entry.typeRange, type, values);
    });
    return property(span, first.typeRange, jsonName, adopt(object, properties));
  }

  /** condition { test, variable, values } blocks: one Condition, grouped by operator then key. */
  private conditions(blocks: readonly HclBlock[]): JsonNode {
    const span = spanOf(blocks.map((b) => b.range));
    const byTest = new Map<string, { testRange: SourceRange; ranges: SourceRange[]; entries: JsonNode[] }>();
    for (const block of blocks) {
      const test = attributeOf(block.body, 'test');
      const variable = attributeOf(block.body, 'variable');
      const values = attributeOf(block.body, 'values');
      if (!test || !variable || !values) continue;
      const operator = this.resolver.resolve(test.value);
      const key = this.resolver.resolve(variable.value);
      if (!operator.known || !key.known) {
        this.intrinsics.push({ range: block.range, value: `${operator.value} ${key.value}`, known: false, notes: [...operator.notes, ...key.notes] });
        continue;
      }
      this.contentRanges.push(test.value.range, variable.value.range);
      const entry = byTest.get(operator.value) ?? { testRange: test.value.range, ranges: [], entries: [] };
      entry.ranges.push(block.range);
      entry.entries.push(property(spanOf([variable.value.range, values.value.range]), variable.value.range, key.value, this.expression(values.value)));
      byTest.set(operator.value, entry);
    }
    const properties = [...byTest.entries()].map(([operator, entry]) => property(spanOf(entry.ranges), entry.testRange, operator, adopt(node('object', spanOf(entry.ranges)), entry.entries)));
    return property(span, blocks[0]!.typeRange, 'Condition', adopt(node('object', span), properties));
  }
}

/** Decoded text with, for each UTF-16 unit, its offset in the source (one more entry for the end). */
export interface MappedText {
  text: string;
  offsets: number[];
}

/** Is position `text.length` inside a JSON string literal? */
function insideJsonString(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inside && c === '\\') i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

/** The JSON a string template writes, interpolations resolved (unknowns kept as `${...}`). */
function mappedTemplate(parts: readonly HclTemplatePart[], resolver: TerraformResolver, intrinsics: ResolvedIntrinsic[], fallbackEnd: number): MappedText {
  const mapped: MappedText = { text: '', offsets: [] };
  let end = fallbackEnd;
  for (const part of parts) {
    if (part.kind === 'literal') {
      mapped.text += part.text;
      mapped.offsets.push(...part.offsets.slice(0, part.text.length));
      end = part.offsets[part.text.length] ?? end;
      continue;
    }
    end = part.range.end;
    const resolution = part.kind === 'interpolation'
      ? resolver.resolve(part.expression)
      : { value: '%{...}', known: false, notes: ['A %{ } template directive is evaluated by Terraform at plan time.'] };
    intrinsics.push({ range: part.range, value: resolution.value, known: resolution.known, notes: resolution.notes });
    const inString = insideJsonString(mapped.text);
    const written = inString ? JSON.stringify(resolution.value).slice(1, -1) : resolution.known ? resolution.value : JSON.stringify(resolution.value);
    mapped.text += written;
    for (let i = 0; i < written.length; i++) mapped.offsets.push(part.range.start);
  }
  mapped.offsets.push(end);
  return mapped;
}

/**
 * A policy held in a string (a heredoc, quoted JSON, a file, a plan's value), read by the one
 * reader of policies in strings (templateKeyPolicy's), each node where its characters are written.
 */
export function stringPolicyModel(sourceText: string, mapped: MappedText): PolicyModel {
  const length = mapped.text.length;
  const placed = { text: mapped.text, starts: mapped.offsets.slice(0, length), ends: mapped.offsets.slice(1, length + 1) };
  const model = mappedStringPolicyModel(sourceText, placed, mapped.offsets[0] ?? 0);
  // The AWS provider sends the policy as minified JSON: that is the size KMS checks.
  const policyBytes = model.root ? utf8Length(JSON.stringify(getNodeValue(model.root))) : 0;
  return { ...model, embedded: { ...model.embedded!, policyBytes } };
}

function modelOf(text: string, root: JsonNode | undefined, syntaxProblems: SyntaxProblem[], contentRanges: SourceRange[]): PolicyModel {
  return buildPolicyModel(text, root, syntaxProblems, {
    policyBytes: root ? utf8Length(JSON.stringify(getNodeValue(root))) : 0,
    contentRanges: contentRanges.sort((a, b) => a.start - b.start),
  });
}

/** A JSON text with `${...}` interpolations (a templatefile() template), its vars resolved from the call. */
function templateFileParts(text: string, vars: HclExpression | undefined, resolver: TerraformResolver, intrinsics: ResolvedIntrinsic[]): MappedText {
  const mapped: MappedText = { text: '', offsets: [] };
  const pattern = /(\$\$\{|%%\{)|\$\{([^}]*)\}|%\{[^}]*\}/g;
  let last = 0;
  const literal = (from: number, to: number) => {
    mapped.text += text.slice(from, to);
    for (let i = from; i < to; i++) mapped.offsets.push(i);
  };
  for (const match of text.matchAll(pattern)) {
    literal(last, match.index);
    last = match.index + match[0].length;
    if (match[1]) {
      // $${ and %%{ write ${ and %{ literally.
      mapped.text += match[1].slice(1);
      for (let i = 1; i < match[1].length; i++) mapped.offsets.push(match.index + i);
      continue;
    }
    const name = match[2]?.trim();
    const element = name && vars?.kind === 'object' ? vars.elements.find((el) => resolver.resolve(el.key).value === name) : undefined;
    const resolution = element
      ? resolver.resolve(element.value)
      : { value: match[0], known: false, notes: [name ? `${name} is not a literal variable of the templatefile() call: known only at plan time.` : 'A %{ } directive is evaluated at plan time.'] };
    const range = { start: match.index, end: last };
    intrinsics.push({ range, value: resolution.value, known: resolution.known, notes: element ? [`${name} is passed by templatefile()${resolution.known ? ` as '${resolution.value}'` : ''}.`, ...resolution.notes] : resolution.notes });
    const written = insideJsonString(mapped.text) ? JSON.stringify(resolution.value).slice(1, -1) : resolution.known ? resolution.value : JSON.stringify(resolution.value);
    mapped.text += written;
    for (let i = 0; i < written.length; i++) mapped.offsets.push(match.index);
  }
  literal(last, text.length);
  mapped.offsets.push(text.length);
  return mapped;
}

/**
 * The policy an expression of `file` writes (a `policy` argument, a local it names), or undefined
 * when only Terraform knows it (a variable, a module output, a function of unknowns).
 */
/**
 * Policies already read, per analysis (its resolver) and expression: the key rules, the IAM
 * cross-check and the module's environment each ask for the same policies. A resolver belongs to
 * one analysis of one module, whose parsed expressions never change.
 */
const readPolicies = new WeakMap<TerraformResolver, WeakMap<HclExpression, TerraformPolicy | null>>();

export function terraformPolicyOf(module: TerraformModule, resolver: TerraformResolver, file: TerraformFile, expression: HclExpression, depth = 0): TerraformPolicy | undefined {
  let read = readPolicies.get(resolver);
  if (!read) readPolicies.set(resolver, (read = new WeakMap()));
  const cached = read.get(expression);
  if (cached !== undefined) return cached ?? undefined;
  const policy = readPolicy(module, resolver, file, expression, depth);
  read.set(expression, policy ?? null);
  return policy;
}

function readPolicy(module: TerraformModule, resolver: TerraformResolver, file: TerraformFile, expression: HclExpression, depth = 0): TerraformPolicy | undefined {
  if (depth > 10) return undefined;
  const text = file.hcl.text;
  if (expression.kind === 'call' && expression.name === 'jsonencode' && expression.args.length === 1) {
    const builder = new TreeBuilder(resolver);
    const root = builder.expression(expression.args[0]!);
    return { path: file.path, text, range: expression.args[0]!.range, form: 'jsonencode', inString: false, model: modelOf(text, root, [], builder.contentRanges), intrinsics: builder.intrinsics };
  }
  if (expression.kind === 'string') {
    const intrinsics: ResolvedIntrinsic[] = [];
    const mapped = mappedTemplate(expression.parts, resolver, intrinsics, expression.range.end);
    if (!mapped.text.trim()) return undefined;
    return { path: file.path, text, range: expression.range, form: expression.heredoc ? 'heredoc' : 'json string', inString: !expression.heredoc, model: stringPolicyModel(text, mapped), intrinsics };
  }
  if (expression.kind === 'reference') {
    const [root, type, name, attribute] = expression.path.filter((p) => p !== '[]');
    if (root === 'data' && type === 'aws_iam_policy_document' && (attribute === 'json' || attribute === 'minified_json')) {
      const resource = module.resources.get(`data.${type}.${name}`);
      if (!resource) return undefined;
      const builder = new TreeBuilder(resolver);
      const tree = builder.policyDocument(resource.block);
      return { path: resource.file.path, text: resource.file.hcl.text, range: resource.block.range, form: 'aws_iam_policy_document', inString: false, model: modelOf(resource.file.hcl.text, tree, [], builder.contentRanges), intrinsics: builder.intrinsics };
    }
    if (root === 'local' && type !== undefined && expression.path.length === 2) {
      const local = module.locals.get(type);
      return local ? terraformPolicyOf(module, resolver, local.file, local.attribute.value, depth + 1) : undefined;
    }
    return undefined;
  }
  if (expression.kind === 'call' && (expression.name === 'file' || expression.name === 'templatefile') && expression.args[0]) {
    const relative = moduleRelativePath(expression.args[0], resolver);
    const read = relative ? module.readModuleFile?.(relative) : undefined;
    if (!read) return undefined;
    const intrinsics: ResolvedIntrinsic[] = [];
    const mapped = expression.name === 'file'
      ? { text: read.text, offsets: Array.from({ length: read.text.length + 1 }, (_, i) => i) }
      : templateFileParts(read.text, expression.args[1], resolver, intrinsics);
    return { path: read.path, text: read.text, range: { start: 0, end: read.text.length }, form: 'file', inString: expression.name === 'templatefile', model: stringPolicyModel(read.text, mapped), intrinsics };
  }
  return undefined;
}

/** `"${path.module}/policy.json"` or `"policy.json"`: the path relative to the module; undefined otherwise. */
function moduleRelativePath(expression: HclExpression, resolver: TerraformResolver): string | undefined {
  if (expression.kind !== 'string') return undefined;
  let path = '';
  for (const [i, part] of expression.parts.entries()) {
    if (part.kind === 'literal') path += part.text;
    else if (part.kind === 'interpolation' && i === 0 && part.expression.kind === 'reference' && part.expression.path.join('.') === 'path.module') path += '.';
    else {
      const resolved = part.kind === 'interpolation' ? resolver.resolve(part.expression) : undefined;
      if (!resolved?.known) return undefined;
      path += resolved.value;
    }
  }
  // Absolute paths and paths out of the module are not the module's files.
  if (!path || path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.split(/[\\/]/).includes('..')) return undefined;
  return path.replace(/^\.\//, '');
}
