// What Terraform expressions of a module resolve to, as far as the module alone says. The
// caller's account, partition and Region (data.aws_caller_identity, data.aws_partition,
// data.aws_region) are the module's own, written as the same stand-ins CloudFormation's pseudo
// parameters get (TEMPLATE_ACCOUNT...), so every rule reads them as the key's own account. Roles
// and keys of the module are their stand-in ARNs; locals are followed. Input variables and
// anything else known only at plan or apply time are unknowns, never guesses.
import { TEMPLATE_ACCOUNT, TEMPLATE_PARTITION, TEMPLATE_REGION, templateKeyArn, type Resolution } from '../intrinsicResolver';
import type { HclExpression, HclTemplatePart } from './hclParser';
import { KEY_RESOURCE_TYPES, literalAttribute, type TerraformModule, type TerraformResource } from './terraformModule';

const known = (value: string, notes: string[] = []): Resolution => ({ value, known: true, notes });
const unknown = (value: string, notes: string[]): Resolution => ({ value, known: false, notes });

/** The module's account as Terraform writes it, for messages and quick fixes. */
export const MODULE_ACCOUNT_REFERENCE = 'data.aws_caller_identity.current.account_id';
export const MODULE_PARTITION_REFERENCE = 'data.aws_partition.current.partition';

const MAX_DEPTH = 20;

/** A resolved JSON value (jsonencode's input) with whether the module fixes it. */
export interface JsonResolution {
  readonly value: unknown;
  readonly known: boolean;
  readonly notes: readonly string[];
}

export class TerraformResolver {
  constructor(private readonly module: TerraformModule) {}

  /** A string-valued expression: a literal, a template, or a reference that yields a string. */
  resolve(expression: HclExpression, depth = 0): Resolution {
    if (depth > MAX_DEPTH) return unknown('${?}', ['This value refers to itself too deeply to resolve.']);
    switch (expression.kind) {
      case 'string':
        return this.template(expression.parts, depth);
      case 'number':
        return known(expression.text);
      case 'bool':
        return known(String(expression.value));
      case 'reference':
        return this.reference(expression.path, depth);
      case 'call':
        return unknown(`\${${expression.name}(...)}`, [`${expression.name}(...) is evaluated by Terraform at plan time. Checks that depend on it are skipped.`]);
      default:
        return unknown('${?}', ['This expression is evaluated by Terraform at plan time. Checks that depend on it are skipped.']);
    }
  }

  template(parts: readonly HclTemplatePart[], depth = 0): Resolution {
    let value = '';
    let allKnown = true;
    const notes: string[] = [];
    for (const part of parts) {
      if (part.kind === 'literal') {
        value += part.text;
        continue;
      }
      if (part.kind === 'directive') {
        allKnown = false;
        value += '%{...}';
        notes.push('A %{ } template directive is evaluated by Terraform at plan time.');
        continue;
      }
      const resolved = this.resolve(part.expression, depth + 1);
      notes.push(...resolved.notes);
      if (resolved.known) value += resolved.value;
      else {
        allKnown = false;
        value += resolved.value.startsWith('${') ? resolved.value : `\${${resolved.value}}`;
      }
    }
    return allKnown ? known(value, notes) : unknown(value, notes);
  }

  /** `a.b.c` written in the module: the caller's facts, locals, the module's roles and keys. */
  reference(path: readonly string[], depth = 0): Resolution {
    const written = path.join('.').replace(/\.\[\]/g, '[]');
    const [root, type, name, attribute] = path.filter((p) => p !== '[]');
    const shown = `\${${written}}`;
    if (root === 'data' && type === 'aws_caller_identity' && attribute === 'account_id') {
      return known(TEMPLATE_ACCOUNT, [`${written} is the account Terraform runs in (this key's account).`]);
    }
    if (root === 'data' && type === 'aws_partition' && attribute === 'partition') {
      return known(TEMPLATE_PARTITION, [`${written} is the partition Terraform runs in (aws, aws-cn, aws-us-gov...).`]);
    }
    if (root === 'data' && type === 'aws_partition' && attribute === 'dns_suffix') {
      return known('amazonaws.com', [`${written} is the partition's domain suffix (amazonaws.com, amazonaws.com.cn).`]);
    }
    if (root === 'data' && type === 'aws_region' && (attribute === 'name' || attribute === 'region' || attribute === 'id')) {
      return known(TEMPLATE_REGION, [`${written} is the Region Terraform runs in.`]);
    }
    if (root === 'local' && type !== undefined) {
      const local = this.module.locals.get(type);
      if (!local) return unknown(shown, [`local.${type} is not defined in this module.`]);
      if (path.length > 2) return unknown(shown, [`${written} is a part of local.${type}, known at plan time.`]);
      const resolved = this.resolve(local.attribute.value, depth + 1);
      return resolved.known ? known(resolved.value, [`local.${type} = ${resolved.value}`, ...resolved.notes]) : unknown(shown, [`local.${type} is known only at plan time.`, ...resolved.notes]);
    }
    if (root === 'var' && type !== undefined) {
      const variable = this.module.variables.get(type);
      const fallback = variable ? literalAttribute(variable.block.body, 'default') : undefined;
      const defaultNote = fallback ? ` (its default is '${fallback.value}', but a caller may pass another value)` : '';
      return unknown(shown, [`var.${type} is an input variable: its value is known only at plan time${defaultNote}. Checks that depend on it are skipped.`]);
    }
    if (root !== undefined && type !== undefined && root !== 'data') {
      const address = `${root}.${type}`;
      const resource = this.module.resources.get(address);
      if (resource && (resource.type === 'aws_iam_role' || resource.type === 'aws_iam_user') && name === 'arn') {
        return known(this.principalArn(address)!, [`${address} is the ${resource.type === 'aws_iam_role' ? 'role' : 'user'} ${address} of this module, in its account.`]);
      }
      if (resource && KEY_RESOURCE_TYPES.has(resource.type) && name === 'arn') {
        return known(templateKeyArn(resource.name), [`${address} is the KMS key ${address} of this module.`]);
      }
    }
    return unknown(shown, [`${written} is known only when Terraform plans or applies the configuration. Checks that depend on it are skipped.`]);
  }

  /** The stand-in ARN of a role or user of the module (its name, or its address when Terraform names it). */
  principalArn(address: string): string | undefined {
    const resource = this.module.resources.get(address);
    if (!resource || (resource.type !== 'aws_iam_role' && resource.type !== 'aws_iam_user')) return undefined;
    if (this.module.plan) return this.module.plan.arns.get(address);
    const kind = resource.type === 'aws_iam_role' ? 'role' : 'user';
    const name = literalAttribute(resource.block.body, 'name');
    const path = literalAttribute(resource.block.body, 'path');
    const prefix = path ? path.value.replace(/^\//, '') : '';
    return `arn:${TEMPLATE_PARTITION}:iam::${TEMPLATE_ACCOUNT}:${kind}/${prefix}${name ? name.value : resource.name}`;
  }

  /** The ARN an identity policy names a key of the module by: the plan's, or its stand-in. */
  keyArn(key: TerraformResource): string | undefined {
    return this.module.plan ? this.module.plan.arns.get(key.address) : templateKeyArn(key.name);
  }

  /** An expression as the JSON value jsonencode would write, or unknown. */
  json(expression: HclExpression, depth = 0): JsonResolution {
    if (depth > MAX_DEPTH) return { value: null, known: false, notes: [] };
    switch (expression.kind) {
      case 'null':
        return { value: null, known: true, notes: [] };
      case 'bool':
        return { value: expression.value, known: true, notes: [] };
      case 'number':
        return { value: Number(expression.text), known: true, notes: [] };
      case 'tuple': {
        const items = expression.items.map((i) => this.json(i, depth + 1));
        return { value: items.map((i) => i.value), known: items.every((i) => i.known), notes: items.flatMap((i) => i.notes) };
      }
      case 'object': {
        const value: Record<string, unknown> = {};
        let allKnown = true;
        const notes: string[] = [];
        for (const element of expression.elements) {
          const key = this.resolve(element.key, depth + 1);
          const item = this.json(element.value, depth + 1);
          allKnown &&= key.known && item.known;
          notes.push(...key.notes, ...item.notes);
          value[key.value] = item.value;
        }
        return { value, known: allKnown, notes };
      }
      case 'reference': {
        const [root, name] = expression.path;
        if (root === 'local' && name !== undefined && expression.path.length === 2) {
          const local = this.module.locals.get(name);
          if (local && local.attribute.value.kind !== 'string') {
            const resolved = this.json(local.attribute.value, depth + 1);
            return { ...resolved, notes: [`From local.${name}.`, ...resolved.notes] };
          }
        }
        const resolved = this.resolve(expression, depth + 1);
        return { value: resolved.value, known: resolved.known, notes: resolved.notes };
      }
      default: {
        const resolved = this.resolve(expression, depth + 1);
        return { value: resolved.value, known: resolved.known, notes: resolved.notes };
      }
    }
  }
}
