// What a JSON file handed to the checker is: a key policy, an IAM identity policy, an access
// scenario or an environment file. Decided by its `$schema`, then its name (the names the
// extension gives each language), then its shape, so `check *.json` checks each file as what it is
// and says why it skipped one it does not know.
import { parse, type ParseError } from 'jsonc-parser';

export type PolicyFileKind = 'keyPolicy' | 'identityPolicy' | 'scenario' | 'environment';

export type PolicyFileRecognition =
  | { readonly kind: PolicyFileKind; readonly because: string }
  | { readonly kind: 'unknown'; readonly because: string };

const SCHEMA_KINDS: readonly [RegExp, PolicyFileKind][] = [
  [/(^|[/\\])scenario\.schema\.json$/i, 'scenario'],
  [/(^|[/\\])environment\.schema\.json$/i, 'environment'],
  [/(^|[/\\])key-policy\.schema\.json$/i, 'keyPolicy'],
];

function baseName(path: string): string {
  return path.replace(/\\/g, '/').split('/').at(-1) ?? path;
}

function parentName(path: string): string {
  return path.replace(/\\/g, '/').split('/').at(-2) ?? '';
}

/** The file names the extension associates with each kind (package.json languages, identityPolicyGlobs). */
function kindByName(path: string): PolicyFileKind | undefined {
  const name = baseName(path);
  if (name.endsWith('.kms-scenario.json')) return 'scenario';
  if (name === 'kms-environment.json' || name.endsWith('.kms-environment.json')) return 'environment';
  if (name === 'key-policy.json' || name.endsWith('.key-policy.json') || name.endsWith('-key-policy.json')) return 'keyPolicy';
  if (name.endsWith('.iam-policy.json') || parentName(path) === 'identity-policies') return 'identityPolicy';
  return undefined;
}

const POLICY_ELEMENTS = new Set(['version', 'id', 'statement']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Statements, none naming whom they apply to: an identity policy (a resource policy such as a key policy names a Principal). */
function isIdentityShaped(statement: unknown): boolean {
  const list = Array.isArray(statement) ? statement : [statement];
  return list.length > 0 && list.every((s) => isObject(s) && !Object.keys(s).some((k) => /^(not)?principal$/i.test(k)));
}

export function recognizePolicyFile(path: string, text: string): PolicyFileRecognition {
  const errors: ParseError[] = [];
  const value = text.trim() ? (parse(text, errors, { allowTrailingComma: true }) as unknown) : undefined;
  // Not (wholly) a JSON object: the key-policy checks report the syntax, as for any policy file.
  if (!isObject(value) || errors.length > 0) {
    const named = kindByName(path);
    return { kind: named === 'identityPolicy' ? 'identityPolicy' : named === 'scenario' || named === 'environment' ? named : 'keyPolicy', because: 'it is not a JSON object' };
  }
  const schema = value['$schema'];
  if (typeof schema === 'string') {
    const match = SCHEMA_KINDS.find(([pattern]) => pattern.test(schema));
    if (match) return { kind: match[1], because: `its $schema is ${schema}` };
  }
  const named = kindByName(path);
  if (named) return { kind: named, because: `of its name ${baseName(path)}` };
  if ('request' in value && 'keyPolicy' in value) return { kind: 'scenario', because: 'it has "request" and "keyPolicy"' };
  if ('accounts' in value && ('keys' in value || 'principals' in value)) return { kind: 'environment', because: 'it has "accounts" with "keys" or "principals"' };
  const keys = Object.keys(value);
  if (keys.some((k) => POLICY_ELEMENTS.has(k.toLowerCase()))) {
    const statement = Object.entries(value).find(([k]) => k.toLowerCase() === 'statement')?.[1];
    if (isIdentityShaped(statement)) return { kind: 'identityPolicy', because: 'no statement names a Principal' };
    return { kind: 'keyPolicy', because: 'it is a policy whose statements name a Principal' };
  }
  if (typeof schema === 'string') return { kind: 'unknown', because: `its $schema ${schema} is not a key-policy, scenario or environment schema` };
  return { kind: 'unknown', because: 'it is not a key policy, IAM policy, scenario or environment file (no Statement, request or accounts)' };
}
