// Parses a CloudFormation template (YAML or JSON) into one tree shape: jsonc-parser's Node,
// with offsets into the template text. YAML's short-form intrinsics (`!Sub x`) become the
// long form (`{"Fn::Sub": x}`) whose key sits on the tag, so everything after this file reads
// one format. The `yaml` package keeps every node's source range and leaves custom tags on
// the node; jsonc-parser does the same for JSON.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { SyntaxProblem } from '../policy/policyModel';

export type TemplateFormat = 'yaml' | 'json';

export interface TemplateTree {
  readonly format: TemplateFormat;
  readonly root: JsonNode | undefined;
  readonly syntaxProblems: readonly SyntaxProblem[];
}

/** Short-form tags and the long-form key each stands for. */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!ImportValue': 'Fn::ImportValue',
  '!FindInMap': 'Fn::FindInMap',
  '!GetAZs': 'Fn::GetAZs',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!Transform': 'Fn::Transform',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

/** Past this depth a template is not a template; the recursive walk stops instead of the stack. */
const MAX_DEPTH = 256;

function node(type: JsonNode['type'], offset: number, length: number, value?: unknown): JsonNode {
  return { type, offset, length, value } as JsonNode;
}

function adopt(parent: JsonNode, children: JsonNode[]): JsonNode {
  (parent as { children?: JsonNode[] }).children = children;
  for (const child of children) (child as { parent?: JsonNode }).parent = parent;
  return parent;
}

/** Where a tag written before a node starts (`!Sub` in `!Sub "x"`): the yaml range starts after it. */
function tagStart(text: string, valueStart: number, tag: string): number {
  let i = valueStart;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return text.slice(i - tag.length, i) === tag ? i - tag.length : valueStart;
}

function fromYaml(text: string, yamlNode: YamlNode | null | undefined, fallbackOffset: number, depth: number): JsonNode {
  if (!yamlNode || depth > MAX_DEPTH) return node('null', fallbackOffset, 0, null);
  if (isAlias(yamlNode)) {
    // Aliases are rare in templates; the value is not followed here (it stays unknown).
    const [start, end] = yamlNode.range ?? [fallbackOffset, fallbackOffset];
    return node('string', start, end - start, `*${yamlNode.source}`);
  }
  const [start, rangeEnd] = yamlNode.range ?? [fallbackOffset, fallbackOffset];
  // A block collection's range runs on to the next line; the node ends at its last character.
  let valueEnd = rangeEnd;
  while (valueEnd > start && /\s/.test(text[valueEnd - 1]!)) valueEnd--;
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
    const value = yamlNode.value;
    // Numbers keep their written text: an unquoted account ID such as 012345678901 must not
    // lose its leading zero, and CloudFormation passes policy values on as strings.
    if (typeof value === 'number' || typeof value === 'bigint') result = node('string', start, valueEnd - start, yamlNode.source ?? String(value));
    else if (typeof value === 'boolean') result = node('boolean', start, valueEnd - start, value);
    else if (value === null || value === undefined) result = node('null', start, valueEnd - start, null);
    else result = node('string', start, valueEnd - start, String(value));
  } else {
    result = node('null', start, valueEnd - start, null);
  }
  const longForm = yamlNode.tag ? SHORT_FORMS[yamlNode.tag] : undefined;
  if (!longForm) return result;
  // `!GetAtt Role.Arn` and `!Ref X` are scalars; the long form of every intrinsic is a one-key object.
  const tagAt = tagStart(text, start, yamlNode.tag!);
  const key = node('string', tagAt, yamlNode.tag!.length, longForm);
  const property = adopt(node('property', tagAt, result.offset + result.length - tagAt), [key, result]);
  (property as { colonOffset?: number }).colonOffset = tagAt + yamlNode.tag!.length;
  return adopt(node('object', tagAt, property.length), [property]);
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

export function parseTemplateTree(text: string, format: TemplateFormat = templateFormatOf(text)): TemplateTree {
  return format === 'json' ? parseJson(text) : parseYaml(text);
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
