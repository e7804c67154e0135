// Turns the KeyPolicy of a template's key into the same PolicyModel a key-policy file gets:
// a copy of its tree in which each intrinsic is the string it resolves to, with the range of
// the intrinsic in the template. Every rule, hover and simulation then runs unchanged.
import { getNodeValue, type Node as JsonNode } from 'jsonc-parser';
import { buildPolicyModel } from '../policy/keyPolicyParser';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import { utf8Length } from '../analysis/rules/policyTooLargeRule';
import type { CloudFormationTemplate, TemplateResource } from './cloudFormationTemplate';
import { intrinsicOf, IntrinsicResolver } from './intrinsicResolver';
import { memberOf } from './templateTree';

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

/** The key's policy as a PolicyModel, or undefined when the key has no KeyPolicy written. */
export function keyPolicyOf(template: CloudFormationTemplate, key: TemplateResource, resolver = new IntrinsicResolver(template)): TemplateKeyPolicy | undefined {
  const policyNode = memberOf(key.properties, 'KeyPolicy');
  // A policy written as a JSON string (often `!Sub |` with the JSON inside) has no tree whose
  // ranges map into the template; it is left unchecked rather than reported as not an object.
  if (!policyNode || policyNode.type !== 'object' || intrinsicOf(policyNode)) return undefined;
  return { key, policyNode, ...templatePolicyModel(template, policyNode, resolver) };
}
