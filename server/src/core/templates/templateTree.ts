// Parses a CloudFormation template (YAML or JSON) into one tree shape: jsonc-parser's Node,
// with offsets into the template text. YAML's short-form intrinsics (`!Sub x`) become the
// long form (`{"Fn::Sub": x}`) whose key sits on the tag, so everything after this file reads
// one format. The `yaml` package keeps every node's source range and leaves custom tags on
// the node; jsonc-parser does the same for JSON. In a large YAML stack, the resources the checks
// read are read to the same nodes from the parser's tokens, without composing a Document
// (yamlCstEntries.ts), wherever that reading vouches for them.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { SourceRange, SyntaxProblem } from '../policy/policyModel';
import { adopt, node, scalarNode, shortFormOf, tagStart, trimmedEnd, wrapShortForm } from './templateTreeNodes';
import { readYamlEntriesFromCst } from './yamlCstEntries';
import type { YamlSliceCache } from './yamlSliceCache';
import { readYamlTemplateOutline, type OutlineResource } from './yamlTemplateOutline';

export type TemplateFormat = 'yaml' | 'json';

export interface TemplateTree {
  readonly format: TemplateFormat;
  readonly root: JsonNode | undefined;
  readonly syntaxProblems: readonly SyntaxProblem[];
  /**
   * Resources not read beyond their Type (see TemplateTreeOptions.readsResource): their nodes
   * hold the Type alone, and syntax problems inside them are not reported.
   */
  readonly unread?: readonly SourceRange[];
}

export interface TemplateTreeOptions {
  /**
   * Read in full only the resources whose Type passes; the others keep their Type alone. YAML
   * only (parsing it dominates; JSON parses in a fraction of the time), and only when the text's
   * layout lets the outline be read line by line: otherwise the whole template is read.
   */
  readonly readsResource?: (type: string) => boolean;
  /**
   * The slices read by earlier readings of the same document (with readsResource): those whose
   * text is unchanged are not parsed again. Absent, every slice is parsed.
   */
  readonly slices?: YamlSliceCache;
}

/** Past this depth a template is not a template; the recursive walk stops instead of the stack. */
const MAX_DEPTH = 256;

function fromYaml(text: string, yamlNode: YamlNode | null | undefined, fallbackOffset: number, depth: number): JsonNode {
  if (!yamlNode || depth > MAX_DEPTH) return node('null', fallbackOffset, 0, null);
  if (isAlias(yamlNode)) {
    // Aliases are rare in templates; the value is not followed here (it stays unknown).
    const [start, end] = yamlNode.range ?? [fallbackOffset, fallbackOffset];
    return node('string', start, end - start, `*${yamlNode.source}`);
  }
  const [start, rangeEnd] = yamlNode.range ?? [fallbackOffset, fallbackOffset];
  // A block collection's range runs on to the next line; the node ends at its last character.
  const valueEnd = trimmedEnd(text, start, rangeEnd);
  let result: JsonNode;
  if (isMap(yamlNode)) {
    const properties: JsonNode[] = [];
    for (const pair of yamlNode.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const [keyStart, keyEnd] = pair.key.range ?? [start, start];
      const key = node('string', keyStart, keyEnd - keyStart, String(pair.key.value));
      const value = fromYaml(text, pair.value as YamlNode | null, keyEnd, depth + 1);
      const property = node('property', keyStart, Math.max(value.offset + value.length, keyEnd) - keyStart);
      (property as { colonOffset?: number }).colonOffset = keyEnd;
      properties.push(adopt(property, [key, value]));
    }
    result = adopt(node('object', start, valueEnd - start), properties);
  } else if (isSeq(yamlNode)) {
    const items = yamlNode.items.map((item) => fromYaml(text, item as YamlNode | null, start, depth + 1));
    result = adopt(node('array', start, valueEnd - start), items);
  } else if (isScalar(yamlNode)) {
    result = scalarNode(yamlNode.value, yamlNode.source, start, valueEnd - start);
  } else {
    result = node('null', start, valueEnd - start, null);
  }
  if (!yamlNode.tag || !shortFormOf(yamlNode.tag)) return result;
  return wrapShortForm(yamlNode.tag, tagStart(text, start, yamlNode.tag), result);
}

function parseYaml(text: string): TemplateTree {
  // uniqueKeys off: its check is quadratic per mapping, and DUPLICATE_JSON_KEY reports duplicates anyway.
  const document = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  const syntaxProblems = document.errors.map((e) => {
    const start = Math.min(e.pos[0], text.length);
    return { message: e.message.split('\n')[0]!, range: { start, end: Math.min(text.length, Math.max(e.pos[1], start + 1)) } };
  });
  const root = document.contents ? fromYaml(text, document.contents as YamlNode, 0, 0) : undefined;
  return { format: 'yaml', root, syntaxProblems };
}

/** Moves a tree parsed from a slice to the slice's place in the template. */
function shift(tree: JsonNode, by: number): void {
  (tree as { offset: number }).offset += by;
  const colon = (tree as { colonOffset?: number }).colonOffset;
  if (colon !== undefined) (tree as { colonOffset?: number }).colonOffset = colon + by;
  for (const child of tree.children ?? []) shift(child, by);
}

/** The entries of the block mapping written in text[start, end), as property nodes placed in the template. */
function parseYamlEntries(text: string, start: number, end: number, expected: number, problems: SyntaxProblem[], slices: YamlSliceCache | undefined): JsonNode[] | undefined {
  const read = () => {
    const before = problems.length;
    const entries = readYamlEntries(text, start, end, expected, problems);
    return entries && { entries, problems: problems.length - before };
  };
  return slices ? slices.entries(text, start, end, expected, read) : read()?.entries;
}

function readYamlEntries(text: string, start: number, end: number, expected: number, problems: SyntaxProblem[]): JsonNode[] | undefined {
  // Read from the parser's tokens where that gives the Document's nodes with no syntax problem.
  const read = readYamlEntriesFromCst(text, start, end, expected);
  if (read) return read;
  const tree = parseYaml(text.slice(start, end));
  const entries = tree.root?.type === 'object' ? (tree.root.children ?? []) : [];
  if (entries.length !== expected) return undefined;
  for (const entry of entries) shift(entry, start);
  for (const p of tree.syntaxProblems) problems.push({ message: p.message, range: { start: p.range.start + start, end: p.range.end + start } });
  return entries;
}

/** A resource read no further than its Type: `{Type: ...}` with the written ranges. */
function unreadResource(resource: OutlineResource, type: NonNullable<OutlineResource['type']>): JsonNode {
  const end = resource.contentEnd;
  const typeName = node('string', type.keyStart, 'Type'.length, 'Type');
  const typeProperty = adopt(node('property', type.keyStart, type.end - type.keyStart), [typeName, node('string', type.start, type.end - type.start, type.value)]);
  (typeProperty as { colonOffset?: number }).colonOffset = type.keyStart + 'Type'.length;
  const valueStart = resource.valueStart ?? type.keyStart;
  const value = adopt(node('object', valueStart, end - valueStart), [typeProperty]);
  const property = adopt(node('property', resource.keyStart, end - resource.keyStart), [node('string', resource.keyStart, resource.keyEnd - resource.keyStart, resource.name), value]);
  (property as { colonOffset?: number }).colonOffset = resource.keyEnd;
  return property;
}

/**
 * The template with only the resources `reads` accepts parsed, the rest kept as their Type;
 * undefined when the outline cannot be read line by line (the caller parses the whole text).
 */
function parseYamlResources(text: string, reads: (type: string) => boolean, slices: YamlSliceCache | undefined): TemplateTree | undefined {
  const outline = readYamlTemplateOutline(text);
  if (!outline) return undefined;
  slices?.begin();
  const problems: SyntaxProblem[] = [];
  const unread: SourceRange[] = [];
  const properties: JsonNode[] = [];
  // Consecutive entries that are parsed go to the parser as one slice.
  const parseRun = <T extends { lineStart: number; end: number }>(run: T[], into: JsonNode[]): boolean => {
    if (run.length === 0) return true;
    const entries = parseYamlEntries(text, run[0]!.lineStart, run.at(-1)!.end, run.length, problems, slices);
    if (!entries) return false;
    into.push(...entries);
    return true;
  };
  let run: (typeof outline.sections)[number][] = [];
  for (const section of outline.sections) {
    if (section.name !== 'Resources') {
      run.push(section);
      continue;
    }
    if (!parseRun(run, properties)) return undefined;
    run = [];
    const resourceProperties: JsonNode[] = [];
    let resourceRun: OutlineResource[] = [];
    for (const resource of outline.resources) {
      const type = resource.type;
      if (!type || reads(type.value)) {
        resourceRun.push(resource);
        continue;
      }
      if (!parseRun(resourceRun, resourceProperties)) return undefined;
      resourceRun = [];
      resourceProperties.push(unreadResource(resource, type));
      unread.push({ start: resource.lineStart, end: resource.end });
    }
    if (!parseRun(resourceRun, resourceProperties)) return undefined;
    const first = outline.resources[0];
    const valueStart = first ? first.keyStart : section.keyEnd + 1;
    const last = resourceProperties.at(-1);
    const valueEnd = last ? last.offset + last.length : valueStart;
    const value = first ? adopt(node('object', valueStart, valueEnd - valueStart), resourceProperties) : node('null', valueStart, 0, null);
    const property = adopt(node('property', section.keyStart, Math.max(valueEnd, section.keyEnd) - section.keyStart), [node('string', section.keyStart, section.keyEnd - section.keyStart, 'Resources'), value]);
    (property as { colonOffset?: number }).colonOffset = section.keyEnd;
    properties.push(property);
  }
  if (!parseRun(run, properties)) return undefined;
  slices?.finish();
  const rootStart = outline.sections[0]!.keyStart;
  const root = adopt(node('object', rootStart, trimmedEnd(text, rootStart, text.length) - rootStart), properties);
  return { format: 'yaml', root, syntaxProblems: problems.sort((a, b) => a.range.start - b.range.start), unread };
}

function parseJson(text: string): TemplateTree {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const syntaxProblems = errors.map((e) => {
    const start = Math.min(e.offset, text.length);
    const words = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return { message: words.charAt(0).toUpperCase() + words.slice(1), range: { start, end: Math.min(text.length, start + Math.max(e.length, 1)) } };
  });
  return { format: 'json', root, syntaxProblems };
}

/** JSON when the text starts like JSON, YAML otherwise (YAML is a superset, but its ranges differ). */
export function templateFormatOf(text: string): TemplateFormat {
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

export function parseTemplateTree(text: string, format: TemplateFormat = templateFormatOf(text), options: TemplateTreeOptions = {}): TemplateTree {
  if (format === 'json') return parseJson(text);
  return (options.readsResource && parseYamlResources(text, options.readsResource, options.slices)) || parseYaml(text);
}

/** Property value of an object node by exact name. */
export function memberOf(object: JsonNode | undefined, name: string): JsonNode | undefined {
  if (object?.type !== 'object') return undefined;
  return object.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1];
}

/** The name and value nodes of an object's properties. */
export function membersOf(object: JsonNode | undefined): { name: JsonNode; value: JsonNode }[] {
  if (object?.type !== 'object') return [];
  return (object.children ?? []).flatMap((p) => (p.children?.[0] && p.children[1] ? [{ name: p.children[0], value: p.children[1] }] : []));
}
