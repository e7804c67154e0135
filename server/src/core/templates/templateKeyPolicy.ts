// Turns the KeyPolicy of a template's key into the same PolicyModel a key-policy file gets:
// a copy of its tree in which each intrinsic is the string it resolves to, with the range of
// the intrinsic in the template. Every rule, hover and simulation then runs unchanged.
import { getNodeValue, type Node as JsonNode } from 'jsonc-parser';
import { buildPolicyModel, parseKeyPolicy } from '../policy/keyPolicyParser';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import { utf8Length } from '../analysis/rules/policyTooLargeRule';
import type { CloudFormationTemplate, TemplateResource } from './cloudFormationTemplate';
import { intrinsicOf, IntrinsicResolver } from './intrinsicResolver';
import { memberOf } from './templateTree';
import { policyStringOf, type MappedString, type PolicyStringStyle } from './templatePolicyString';

/** An intrinsic function of the policy and what it resolved to. */
export interface ResolvedIntrinsic {
  readonly range: SourceRange;
  readonly value: string;
  readonly known: boolean;
  readonly notes: readonly string[];
}

export interface TemplateKeyPolicy {
  readonly key: TemplateResource;
  /** The KeyPolicy value's node in the template. */
  readonly policyNode: JsonNode;
  readonly model: PolicyModel;
  readonly intrinsics: readonly ResolvedIntrinsic[];
  /** Set when the policy is a JSON string (a string, `!Sub |`, Fn::Join): how it is written there. */
  readonly asString?: { readonly style: PolicyStringStyle; readonly substituted: boolean };
}

function copy(type: JsonNode['type'], from: { offset: number; length: number }, value?: unknown): JsonNode {
  return { type, offset: from.offset, length: from.length, value } as JsonNode;
}

function adopt(parent: JsonNode, children: JsonNode[]): JsonNode {
  (parent as { children?: JsonNode[] }).children = children;
  for (const child of children) (child as { parent?: JsonNode }).parent = parent;
  return parent;
}

class PolicyTreeBuilder {
  readonly intrinsics: ResolvedIntrinsic[] = [];
  readonly contentRanges: SourceRange[] = [];
  constructor(private readonly resolver: IntrinsicResolver) {}

  build(node: JsonNode): JsonNode {
    if (intrinsicOf(node)) {
      const resolution = this.resolver.resolve(node);
      const range = { start: node.offset, end: node.offset + node.length };
      this.intrinsics.push({ range, value: resolution.value, known: resolution.known, notes: resolution.notes });
      return copy('string', node, resolution.value);
    }
    if (node.type === 'object') {
      const properties: JsonNode[] = [];
      for (const property of node.children ?? []) {
        const [name, value] = property.children ?? [];
        if (!name || !value || this.resolver.isNoValue(value)) continue;
        this.contentRanges.push({ start: name.offset, end: name.offset + name.length });
        const copied = copy('property', property);
        (copied as { colonOffset?: number }).colonOffset = property.colonOffset;
        properties.push(adopt(copied, [copy('string', name, name.value), this.build(value)]));
      }
      return adopt(copy('object', node), properties);
    }
    if (node.type === 'array') {
      return adopt(copy('array', node), (node.children ?? []).filter((c) => !this.resolver.isNoValue(c)).map((c) => this.build(c)));
    }
    this.contentRanges.push({ start: node.offset, end: node.offset + node.length });
    return copy(node.type, node, node.value);
  }
}

/** A policy document of the template (a key policy, a role's policy) as a PolicyModel. */
export function templatePolicyModel(template: CloudFormationTemplate, policyNode: JsonNode, resolver = new IntrinsicResolver(template)): { model: PolicyModel; intrinsics: ResolvedIntrinsic[] } {
  const builder = new PolicyTreeBuilder(resolver);
  const root = builder.build(policyNode);
  const model = buildPolicyModel(template.text, root, [], {
    policyBytes: utf8Length(JSON.stringify(getNodeValue(root))),
    contentRanges: builder.contentRanges.sort((a, b) => a.start - b.start),
  });
  return { model, intrinsics: builder.intrinsics };
}

/** A node of the tree parsed from the policy string, moved to where its text is written in the template. */
function placed(node: JsonNode, policy: MappedString, fallback: number, contentRanges: SourceRange[]): JsonNode {
  const at = (i: number) => (i < policy.text.length ? policy.starts[i]! : (policy.ends.at(-1) ?? fallback));
  const start = at(node.offset);
  const end = node.length > 0 ? policy.ends[node.offset + node.length - 1]! : start;
  const copied = { type: node.type, offset: start, length: end - start, value: node.value } as JsonNode;
  if (node.colonOffset !== undefined) (copied as { colonOffset?: number }).colonOffset = at(node.colonOffset);
  if (node.type !== 'object' && node.type !== 'array' && node.type !== 'property') contentRanges.push({ start, end });
  return node.children ? adopt(copied, node.children.map((c) => placed(c, policy, fallback, contentRanges))) : copied;
}

/**
 * A policy written as a JSON string, parsed as KMS parses a policy document, with its ranges
 * mapped into the template; undefined when the value is not a string this front-end can map.
 */
export function templateStringPolicyModel(template: CloudFormationTemplate, policyNode: JsonNode, resolver = new IntrinsicResolver(template)): { model: PolicyModel; intrinsics: ResolvedIntrinsic[]; asString: NonNullable<TemplateKeyPolicy['asString']> } | undefined {
  const policy = policyStringOf(template, policyNode, resolver);
  if (!policy) return undefined;
  const model = mappedStringPolicyModel(template.text, policy, policyNode.offset);
  return { model, intrinsics: [...policy.intrinsics], asString: { style: policy.style, substituted: policy.substituted } };
}

/**
 * The one reading of a policy held in a string literal (a template's JSON string, a Terraform
 * heredoc, a plan's `policy` value): parsed as KMS parses a policy document, every node and
 * syntax problem moved to where its characters are written in `sourceText`. `fallback` is
 * where an empty string's findings point.
 */
export function mappedStringPolicyModel(sourceText: string, policy: MappedString, fallback: number): PolicyModel {
  const parsed = parseKeyPolicy(policy.text);
  const contentRanges: SourceRange[] = [];
  const root = parsed.root && placed(parsed.root, policy, fallback, contentRanges);
  const at = (i: number) => (i < policy.text.length ? policy.starts[i]! : (policy.ends.at(-1) ?? fallback));
  const syntaxProblems = parsed.syntaxProblems.map((p) => {
    const start = at(p.range.start);
    const end = p.range.end > p.range.start ? policy.ends[Math.min(p.range.end, policy.text.length) - 1] ?? start : start;
    return { message: p.message, range: { start, end: Math.max(end, start) } };
  });
  return buildPolicyModel(sourceText, root, syntaxProblems, {
    // The string is the document KMS receives, white space and all.
    policyBytes: utf8Length(policy.text),
    contentRanges: contentRanges.sort((a, b) => a.start - b.start),
  });
}

/**
 * A policy document of the template (KeyPolicy, PolicyDocument) written as an object or as a
 * JSON string (often `!Sub |` with the JSON inside, or what Fn::Join builds). One written in a
 * way the front-end cannot map exactly is undefined: unchecked, never checked at the wrong place.
 */
export function templatePolicyDocument(template: CloudFormationTemplate, policyNode: JsonNode, resolver = new IntrinsicResolver(template)): Omit<TemplateKeyPolicy, 'key' | 'policyNode'> | undefined {
  if (policyNode.type === 'object' && !intrinsicOf(policyNode)) return templatePolicyModel(template, policyNode, resolver);
  return templateStringPolicyModel(template, policyNode, resolver);
}

/** The key's policy as a PolicyModel, or undefined when the key has no KeyPolicy written. */
export function keyPolicyOf(template: CloudFormationTemplate, key: TemplateResource, resolver = new IntrinsicResolver(template)): TemplateKeyPolicy | undefined {
  const policyNode = memberOf(key.properties, 'KeyPolicy');
  const document = policyNode && templatePolicyDocument(template, policyNode, resolver);
  return document && { key, policyNode: policyNode!, ...document };
}
