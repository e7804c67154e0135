// Resolves CloudFormation intrinsic functions to the strings a key policy will hold after
// deployment, as far as the template alone says. Pseudo parameters are the stack's own
// account, Partition and Region, written as fixed stand-ins (TEMPLATE_ACCOUNT) so the rules see
// a valid ARN: `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root` is the account root.
// A role of the template (`!GetAtt Role.Arn`) is that role. Whatever the template does not
// fix (imports, parameters without a default, conditions) is an unknown, never a guess.
import type { Node as JsonNode } from 'jsonc-parser';
import type { CloudFormationTemplate } from './cloudFormationTemplate';
import { memberOf } from './templateTree';

/** The stand-in for `AWS::AccountId`: the stack's own account, whatever it turns out to be. */
export const TEMPLATE_ACCOUNT = '000000000000';
export const TEMPLATE_PARTITION = 'aws';
/** The stand-in for `AWS::Region`, a real Region so Region-shaped checks accept it. */
export const TEMPLATE_REGION = 'us-east-1';

export interface Resolution {
  /** The value, or for an unknown its text with the unresolved parts as `${...}`. */
  readonly value: string;
  readonly known: boolean;
  /** What each resolved or unresolved part stands for, for hovers. */
  readonly notes: readonly string[];
}

/** A `${...}` of a Fn::Sub body. */
export const SUB_VARIABLE = /\$\{([^}]*)\}/g;

const known = (value: string, notes: string[] = []): Resolution => ({ value, known: true, notes });
const unknown = (value: string, notes: string[]): Resolution => ({ value, known: false, notes });

const PSEUDO: Readonly<Record<string, Resolution>> = {
  'AWS::AccountId': known(TEMPLATE_ACCOUNT, ['AWS::AccountId is the account the stack is deployed in (this key\'s account).']),
  'AWS::Partition': known(TEMPLATE_PARTITION, ['AWS::Partition is the stack\'s partition (aws, aws-cn, aws-us-gov...).']),
  'AWS::Region': known(TEMPLATE_REGION, ['AWS::Region is the Region the stack is deployed in.']),
  'AWS::URLSuffix': known('amazonaws.com', ['AWS::URLSuffix is the stack\'s domain suffix (amazonaws.com, amazonaws.com.cn).']),
};

/** The intrinsic of a one-key object (`{"Fn::Sub": ...}`, `{"Ref": ...}`), if it is one. */
export function intrinsicOf(node: JsonNode | undefined): { name: string; argument: JsonNode } | undefined {
  if (node?.type !== 'object' || node.children?.length !== 1) return undefined;
  const [name, argument] = node.children[0]!.children ?? [];
  if (!name || !argument || typeof name.value !== 'string') return undefined;
  return name.value === 'Ref' || name.value.startsWith('Fn::') ? { name: name.value, argument } : undefined;
}

export class IntrinsicResolver {
  constructor(private readonly template: CloudFormationTemplate) {}

  /** `Ref: AWS::NoValue`: the element is removed from the deployed document. */
  isNoValue(node: JsonNode): boolean {
    const intrinsic = intrinsicOf(node);
    return intrinsic?.name === 'Ref' && intrinsic.argument.value === 'AWS::NoValue';
  }

  /** A string-valued node: a literal, or an intrinsic that yields a string. */
  resolve(node: JsonNode, depth = 0): Resolution {
    if (node.type === 'string') return known(node.value as string);
    if (node.type === 'number' || node.type === 'boolean') return known(String(node.value));
    const intrinsic = intrinsicOf(node);
    if (!intrinsic || depth > 20) return unknown('${?}', ['This value is not a string CloudFormation can resolve from the template alone.']);
    const { name, argument } = intrinsic;
    switch (name) {
      case 'Ref':
        return argument.type === 'string' ? this.ref(argument.value as string) : unknown('${Ref}', ['Ref of a non-name.']);
      case 'Fn::GetAtt': {
        const parts = argument.type === 'string'
          ? [(argument.value as string).split('.')[0]!, (argument.value as string).split('.').slice(1).join('.')]
          : (argument.children ?? []).map((c) => (c.type === 'string' ? (c.value as string) : ''));
        return this.getAtt(parts[0] ?? '', parts[1] ?? '');
      }
      case 'Fn::Sub':
        return this.sub(argument, depth);
      case 'Fn::Join': {
        const [delimiter, list] = argument.children ?? [];
        if (delimiter?.type !== 'string' || list?.type !== 'array') return unknown('${Fn::Join}', ['Fn::Join over a list the template does not spell out.']);
        const parts = (list.children ?? []).filter((c) => !this.isNoValue(c)).map((c) => this.resolve(c, depth + 1));
        return this.combine(parts.map((p) => p.value).join(delimiter.value as string), parts);
      }
      case 'Fn::FindInMap': {
        const [map, first, second] = (argument.children ?? []).map((c) => this.resolve(c, depth + 1));
        if (!map?.known || !first?.known || !second?.known) return unknown('${Fn::FindInMap}', ['Fn::FindInMap with a key known only at deployment.']);
        const found = memberOf(memberOf(memberOf(this.template.mappings, map.value), first.value), second.value);
        return found?.type === 'string' ? known(found.value as string, [`From Mappings ${map.value}.${first.value}.${second.value}.`]) : unknown('${Fn::FindInMap}', [`Mappings ${map.value}.${first.value}.${second.value} is not a string in this template.`]);
      }
      case 'Fn::Select': {
        const [index, list] = argument.children ?? [];
        const i = index ? Number(this.resolve(index, depth + 1).value) : NaN;
        const item = list?.type === 'array' ? list.children?.[i] : undefined;
        return item ? this.resolve(item, depth + 1) : unknown('${Fn::Select}', ['Fn::Select from a list known only at deployment.']);
      }
      case 'Fn::ImportValue': {
        const exported = this.resolve(argument, depth + 1);
        return unknown(`\${ImportValue:${exported.value}}`, [`Fn::ImportValue ${exported.value}: exported by another stack, unknown here. Checks that depend on it are skipped.`]);
      }
      case 'Fn::If':
        return unknown('${Fn::If}', ['Fn::If: the value depends on a condition decided at deployment. Checks that depend on it are skipped.']);
      default:
        return unknown(`\${${name}}`, [`${name} is known only at deployment. Checks that depend on it are skipped.`]);
    }
  }

  private combine(value: string, parts: readonly Resolution[]): Resolution {
    const notes = parts.flatMap((p) => p.notes);
    return parts.every((p) => p.known) ? known(value, notes) : unknown(value, notes);
  }

  private ref(name: string): Resolution {
    const pseudo = PSEUDO[name];
    if (pseudo) return pseudo;
    if (name.startsWith('AWS::')) return unknown(`\${${name}}`, [`${name} is known only at deployment.`]);
    const parameter = this.template.parameters.get(name);
    if (parameter) {
      const type = memberOf(parameter, 'Type');
      // An SSM parameter's Default is the parameter's name, not its value; a list is not a string.
      if (type?.type === 'string' && /^(AWS::SSM::|List<|CommaDelimitedList)/.test(type.value as string)) {
        return unknown(`\${${name}}`, [`Parameter ${name} (${type.value as string}) is known only at deployment. Checks that depend on it are skipped.`]);
      }
      const fallback = memberOf(parameter, 'Default');
      if (fallback && (fallback.type === 'string' || fallback.type === 'number')) {
        return known(String(fallback.value), [`Parameter ${name}: its default '${String(fallback.value)}' is checked; a deployment may pass another value.`]);
      }
      return unknown(`\${${name}}`, [`Parameter ${name} has no default: its value is known only at deployment. Checks that depend on it are skipped.`]);
    }
    const resource = this.template.resources.get(name);
    if (resource && (resource.type === 'AWS::IAM::Role' || resource.type === 'AWS::IAM::User')) {
      const nameProperty = memberOf(resource.properties, resource.type === 'AWS::IAM::Role' ? 'RoleName' : 'UserName');
      if (nameProperty?.type === 'string') return known(nameProperty.value as string, [`${name} is the ${resource.type} of this template.`]);
      return known(name, [`${name} is the ${resource.type} of this template (its name is generated by CloudFormation).`]);
    }
    return unknown(`\${${name}}`, [resource ? `Ref ${name} (${resource.type}) is known only at deployment.` : `${name} is neither a parameter nor a resource of this template.`]);
  }

  /** `Fn::GetAtt [logicalId, attribute]`: a role's, user's or key's Arn; anything else unknown. */
  getAtt(logicalId: string, attribute: string): Resolution {
    const resource = this.template.resources.get(logicalId);
    const unresolved = unknown(`\${${logicalId}.${attribute}}`, [`${logicalId}.${attribute} is known only at deployment. Checks that depend on it are skipped.`]);
    if (!resource || attribute !== 'Arn') return unresolved;
    if (resource.type === 'AWS::IAM::Role' || resource.type === 'AWS::IAM::User') {
      const kind = resource.type === 'AWS::IAM::Role' ? 'role' : 'user';
      const nameProperty = memberOf(resource.properties, kind === 'role' ? 'RoleName' : 'UserName');
      const pathProperty = memberOf(resource.properties, 'Path');
      const path = pathProperty?.type === 'string' ? (pathProperty.value as string).replace(/^\//, '') : '';
      const resourceName = nameProperty?.type === 'string' ? (nameProperty.value as string) : logicalId;
      return known(`arn:${TEMPLATE_PARTITION}:iam::${TEMPLATE_ACCOUNT}:${kind}/${path}${resourceName}`, [`${logicalId} is the ${kind} ${logicalId} of this template, in the stack's account.`]);
    }
    if (resource.type === 'AWS::KMS::Key' || resource.type === 'AWS::KMS::ReplicaKey') {
      return known(templateKeyArn(logicalId), [`${logicalId} is the KMS key ${logicalId} of this template.`]);
    }
    return unresolved;
  }

  private sub(argument: JsonNode, depth: number): Resolution {
    const [body, variables] = argument.type === 'array' ? (argument.children ?? []) : [argument, undefined];
    if (body?.type !== 'string') return unknown('${Fn::Sub}', ['Fn::Sub of a non-string.']);
    const parts: Resolution[] = [];
    const value = (body.value as string).replace(SUB_VARIABLE, (whole, inner: string) => {
      const part = this.subVariable(inner, variables, depth);
      // ${!Literal} writes ${Literal}.
      if (!part) return `\${${inner.slice(1)}}`;
      parts.push(part);
      return part.known ? part.value : whole;
    });
    return this.combine(value, parts);
  }

  /**
   * What one `${inner}` of a Fn::Sub body stands for: a variable of its map, a resource's
   * attribute, a parameter, a pseudo parameter or a resource; undefined for `${!Literal}`,
   * which writes `${Literal}` as it is.
   */
  subVariable(inner: string, variables: JsonNode | undefined, depth = 0): Resolution | undefined {
    if (inner.startsWith('!')) return undefined;
    const name = inner.trim();
    const variable = memberOf(variables, name);
    if (variable) return this.resolve(variable, depth + 1);
    if (name.includes('.') && !name.startsWith('AWS::')) return this.getAtt(name.split('.')[0]!, name.split('.').slice(1).join('.'));
    return this.ref(name);
  }
}

/**
 * The stand-in key id of a key of the template: KMS generates the real one at deployment, and
 * a key id has a UUID's form, which evaluation checks. Derived from the logical ID (FNV-1a, four
 * seeds) so that every policy of the template names the same key by it, run after run.
 */
export function templateKeyId(logicalId: string): string {
  let hex = '';
  for (const seed of [0x811c9dc5, 0x01000193, 0x5bd1e995, 0x27d4eb2f]) {
    let hash = seed >>> 0;
    for (let i = 0; i < logicalId.length; i++) hash = Math.imul(hash ^ logicalId.charCodeAt(i), 0x01000193) >>> 0;
    hex += hash.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The stand-in ARN of a key of the template. */
export function templateKeyArn(logicalId: string): string {
  return `arn:${TEMPLATE_PARTITION}:kms:${TEMPLATE_REGION}:${TEMPLATE_ACCOUNT}:key/${templateKeyId(logicalId)}`;
}
