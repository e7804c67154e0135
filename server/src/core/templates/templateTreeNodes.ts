// The nodes of a template's tree: jsonc-parser's Node shape, made the same way by every reader
// of a template (the YAML Document's reading and the reading from the YAML parser's tokens),
// and the long form a YAML short-form intrinsic stands for.
import type { Node as JsonNode } from 'jsonc-parser';

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

/** The long-form key a short-form tag stands for (`!Sub` is `Fn::Sub`), if it is one. */
export function shortFormOf(tag: string): string | undefined {
  return Object.hasOwn(SHORT_FORMS, tag) ? SHORT_FORMS[tag] : undefined;
}

export function node(type: JsonNode['type'], offset: number, length: number, value?: unknown): JsonNode {
  return { type, offset, length, value } as JsonNode;
}

export function adopt(parent: JsonNode, children: JsonNode[]): JsonNode {
  (parent as { children?: JsonNode[] }).children = children;
  for (const child of children) (child as { parent?: JsonNode }).parent = parent;
  return parent;
}

/**
 * A value written after a short-form tag, as its long form: `!GetAtt Role.Arn` and `!Ref X` are
 * scalars, and the long form of every intrinsic is a one-key object whose key sits on the tag.
 */
export function wrapShortForm(tag: string, tagAt: number, value: JsonNode): JsonNode {
  const key = node('string', tagAt, tag.length, shortFormOf(tag));
  const property = adopt(node('property', tagAt, value.offset + value.length - tagAt), [key, value]);
  (property as { colonOffset?: number }).colonOffset = tagAt + tag.length;
  return adopt(node('object', tagAt, property.length), [property]);
}

/** Where the written text before `end` stops (trailing white space left out, as JavaScript's `\s` reads it). */
export function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** Where a tag written before a node starts (`!Sub` in `!Sub "x"`): the yaml range starts after it. */
export function tagStart(text: string, valueStart: number, tag: string): number {
  let i = valueStart;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return text.slice(i - tag.length, i) === tag ? i - tag.length : valueStart;
}

/**
 * A YAML scalar's node, from its value as the core schema types it and its text (`source`, the
 * scalar's text with quotes and line folding resolved). Numbers keep their written text: an
 * unquoted account ID such as 012345678901 must not lose its leading zero, and CloudFormation
 * passes policy values on as strings.
 */
export function scalarNode(value: unknown, source: string | undefined, offset: number, length: number): JsonNode {
  if (typeof value === 'number' || typeof value === 'bigint') return node('string', offset, length, source ?? String(value));
  if (typeof value === 'boolean') return node('boolean', offset, length, value);
  if (value === null || value === undefined) return node('null', offset, length, null);
  return node('string', offset, length, String(value));
}
