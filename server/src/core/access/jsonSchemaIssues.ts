// Turns ajv's validation errors into messages a person can act on: one per problem, naming the
// JSON path (`request.action: must be a string like "kms:Decrypt"`), with the source range of
// the offending value when the text is known. Schemas may give a friendly message for a value
// with the `x-message` keyword, which ajv ignores and this reads.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';

export interface JsonIssue {
  /** `request.action`, `keys[0].aliases[1]`; empty for the document itself. */
  readonly path: string;
  readonly pointer: readonly (string | number)[];
  readonly message: string;
  /** Offsets (end exclusive) of the value, when a syntax tree was given. */
  readonly range?: { readonly start: number; readonly end: number };
}

function pointerOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function formatPath(pointer: readonly (string | number)[]): string {
  let out = '';
  for (const part of pointer) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function friendly(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { 'x-message'?: unknown } | undefined;
  return typeof schema?.['x-message'] === 'string' ? schema['x-message'] : undefined;
}

function describe(error: ErrorObject): string {
  const custom = friendly(error);
  if (custom) return custom;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${/^[aeiou]/.test(String(params.type)) ? 'an' : 'a'} ${String(params.type)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'minLength':
      return 'must not be empty';
    case 'pattern':
      return `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is not valid';
  }
}

function rangeFor(root: JsonNode | undefined, pointer: readonly (string | number)[], preferKey: boolean): JsonIssue['range'] {
  if (!root) return undefined;
  const node = findNodeAtLocation(root, [...pointer]);
  if (!node) return undefined;
  // For a property, point at its name (a short, readable squiggle) when asked.
  if (preferKey && node.parent?.type === 'property' && node.parent.children?.[0]) {
    const keyNode = node.parent.children[0];
    return { start: keyNode.offset, end: keyNode.offset + keyNode.length };
  }
  if (node.type === 'object' || node.type === 'array') return { start: node.offset, end: node.offset + 1 };
  return { start: node.offset, end: node.offset + node.length };
}

/** Validates `value` and returns one issue per problem (empty when valid). */
export function validateWithSchema(validate: ValidateFunction, value: unknown, root?: JsonNode): JsonIssue[] {
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // An anyOf with its own message stands for all the errors of its branches.
  const covered = errors
    .filter((e) => e.keyword === 'anyOf' && friendly(e))
    .map((e) => e.instancePath);
  const issues: JsonIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'anyOf' && !friendly(error)) continue;
    if (error.keyword !== 'anyOf' && covered.some((p) => error.instancePath === p || error.instancePath.startsWith(p + '/'))) continue;
    if (error.keyword === 'if') continue;
    // In an anyOf, the branch whose type fits reports deeper errors; the other branch's type error is noise.
    if (error.keyword === 'type' && !friendly(error) && errors.some((e) => e.instancePath.startsWith(error.instancePath + '/'))) continue;
    const at = pointerOf(error.instancePath);
    const params = error.params as Record<string, unknown>;
    let pointer = at;
    let rangePointer = at;
    let preferKey = false;
    let text: string;
    if (error.keyword === 'required') {
      // The missing property has no range; point at the object that lacks it.
      pointer = [...at, String(params.missingProperty)];
      text = 'is required';
      preferKey = true;
    } else if (error.keyword === 'additionalProperties') {
      pointer = [...at, String(params.additionalProperty)];
      rangePointer = pointer;
      text = 'is not a known property';
      preferKey = true;
    } else {
      text = describe(error);
    }
    const message = `${formatPath(pointer) || '(document)'}: ${text}`;
    if (seen.has(message)) continue;
    seen.add(message);
    issues.push({ path: formatPath(pointer), pointer, message, range: rangeFor(root, rangePointer, preferKey) });
  }
  return issues;
}
