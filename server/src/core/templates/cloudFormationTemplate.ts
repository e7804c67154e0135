// A CloudFormation (or SAM, or CDK-synthesized) template read from its tree: its parameters,
// mappings and resources, and the KMS keys among them with the properties the rules need.
// A file is a template when it has AWSTemplateFormatVersion or a Resources section whose
// resources have AWS:: types; anything else is left alone (it may be any YAML or JSON).
import type { Node as JsonNode } from 'jsonc-parser';
import { memberOf, membersOf, parseTemplateTree, type TemplateFormat, type TemplateTree } from './templateTree';
import type { YamlSliceCache } from './yamlSliceCache';

export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  /** The logical ID's node (the key of the resource's entry). */
  readonly nameNode: JsonNode;
  readonly node: JsonNode;
  readonly properties: JsonNode | undefined;
}

export interface CloudFormationTemplate {
  readonly text: string;
  readonly tree: TemplateTree;
  readonly parameters: ReadonlyMap<string, JsonNode>;
  readonly mappings: JsonNode | undefined;
  /** Resources by logical ID, CDK's metadata resources left out. */
  readonly resources: ReadonlyMap<string, TemplateResource>;
}

export const KEY_TYPES: ReadonlySet<string> = new Set(['AWS::KMS::Key', 'AWS::KMS::ReplicaKey']);

/** Resources that describe the tooling, not the stack (CDK writes one per stack). */
const IGNORED_TYPES: ReadonlySet<string> = new Set(['AWS::CDK::Metadata']);

function isTemplateRoot(root: JsonNode | undefined): boolean {
  if (root?.type !== 'object') return false;
  if (memberOf(root, 'AWSTemplateFormatVersion')) return true;
  return membersOf(memberOf(root, 'Resources')).some(({ value }) => {
    const type = memberOf(value, 'Type');
    return type?.type === 'string' && (type.value as string).startsWith('AWS::');
  });
}

/**
 * The resources whose properties the key-policy checks, the identity cross-check and the
 * template's environment read: keys, aliases, and IAM's principals and policies. Other resources
 * are known by their Type alone (a Ref to one is an unknown, whatever its properties say).
 */
export function isReadResourceType(type: string): boolean {
  return type.startsWith('AWS::KMS::') || type.startsWith('AWS::IAM::');
}

export interface ReadTemplateOptions {
  /**
   * Parse every resource, not only those isReadResourceType names: for the template's syntax
   * problems anywhere in it. Reading only what the checks use is what keeps a large YAML stack
   * fast to check as it is typed.
   */
  readonly wholeTemplate?: boolean;
  /** The document's slices read by its earlier analyses (TemplateTreeOptions.slices); absent, none are kept. */
  readonly slices?: YamlSliceCache;
}

/** The template, or undefined when the text is not a CloudFormation template. */
export function readCloudFormationTemplate(text: string, format?: TemplateFormat, options: ReadTemplateOptions = {}): CloudFormationTemplate | undefined {
  // Cheap test first: most YAML and JSON files in a workspace are not templates.
  if (!/AWSTemplateFormatVersion|Resources/.test(text)) return undefined;
  const tree = parseTemplateTree(text, format, options.wholeTemplate ? {} : { readsResource: isReadResourceType, slices: options.slices });
  if (!isTemplateRoot(tree.root)) return undefined;
  const parameters = new Map<string, JsonNode>();
  for (const { name, value } of membersOf(memberOf(tree.root, 'Parameters'))) parameters.set(String(name.value), value);
  const resources = new Map<string, TemplateResource>();
  for (const { name, value } of membersOf(memberOf(tree.root, 'Resources'))) {
    const type = memberOf(value, 'Type');
    if (type?.type !== 'string' || IGNORED_TYPES.has(type.value as string)) continue;
    const logicalId = String(name.value);
    resources.set(logicalId, { logicalId, type: type.value as string, nameNode: name, node: value, properties: memberOf(value, 'Properties') });
  }
  return { text, tree, parameters, mappings: memberOf(tree.root, 'Mappings'), resources };
}

export function keyResources(template: CloudFormationTemplate): TemplateResource[] {
  return [...template.resources.values()].filter((r) => KEY_TYPES.has(r.type));
}
