// Reads an environment file into an Environment: JSON syntax, the schema
// (schemas/environment.schema.json) and the references between its parts are checked, and
// policy files it names (`"keyPolicyFile": "key-policy.json"`, `{"policyFile": "..."}`) are read
// through the reader the caller passes in, so this stays pure. Every problem is reported with
// the JSON path and, for referenced files, the file.
import { parseArn } from '../arn/awsArn';
import Ajv, { type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import environmentSchema from '../../../../schemas/environment.schema.json';
import { formatPath, validateWithSchema } from '../access/jsonSchemaIssues';
import type { KeyState, OrganizationPolicyLevel, PolicyDocument } from '../access/scenario';
import type {
  Environment,
  EnvironmentAccount,
  EnvironmentGrant,
  EnvironmentKey,
  EnvironmentPrincipal,
  PolicySourceInfo,
} from './environmentModel';
import { DEFAULT_REGION } from './environmentModel';

/** Returns the text of a file named in the environment (relative to the environment file); throws when it cannot. */
export type EnvironmentFileReader = (reference: string) => string;

export interface LoadEnvironmentOptions {
  /** The environment file's path or URI, for messages and `Environment.source`. */
  readonly source?: string;
  /** Reads referenced policy files. Without it, file references are reported as errors. */
  readonly readFile?: EnvironmentFileReader;
}

export interface EnvironmentIssue {
  /** JSON path in the environment file, e.g. `keys[0].keyPolicyFile`. */
  readonly path: string;
  readonly message: string;
  /** The file the problem is in, when it is a referenced file. */
  readonly file?: string;
  /** Offsets in the environment file, when known. */
  readonly range?: { readonly start: number; readonly end: number };
}

export class EnvironmentError extends Error {
  constructor(readonly issues: readonly EnvironmentIssue[], source?: string) {
    super(`${source ?? 'environment'}: ${issues.length} problem(s):\n${issues.map((i) => `  ${i.message}`).join('\n')}`);
    this.name = 'EnvironmentError';
  }
}

export interface EnvironmentParseResult {
  readonly environment?: Environment;
  readonly issues: readonly EnvironmentIssue[];
}

let validator: ValidateFunction | undefined;
function environmentValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(environmentSchema);
  return validator;
}

function syntaxMessage(error: ParseError): string {
  return printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return `line ${line}, column ${column}`;
}

/** A stable id, so the same environment always yields the same key ids and grant ids. */
function stableHex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function stableKeyId(seed: string, multiRegion: boolean): string {
  const h = stableHex(seed, 32);
  if (multiRegion) return `mrk-${h}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Raw = Record<string, unknown>;

/** Parses, validates and resolves an environment file's text. Never throws. */
export function parseEnvironment(text: string, options: LoadEnvironmentOptions = {}): EnvironmentParseResult {
  const issues: EnvironmentIssue[] = [];
  if (!text.trim()) {
    return { issues: [{ path: '', message: 'the environment file is empty; it is a JSON object with "accounts", "principals" and "keys"' }] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !root) {
    for (const e of errors) {
      issues.push({ path: '', message: `JSON syntax: ${syntaxMessage(e)} at ${lineColumn(text, e.offset)}`, range: { start: e.offset, end: e.offset + Math.max(1, e.length) } });
    }
    if (!issues.length) issues.push({ path: '', message: 'the environment file is not a JSON object' });
    return { issues };
  }
  const value = getNodeValue(root) as unknown;
  for (const issue of validateWithSchema(environmentValidator(), value, root)) {
    issues.push({ path: issue.path, message: issue.message, range: issue.range });
  }
  if (issues.length) return { issues };
  const raw = value as Raw;

  const readPolicy = (ref: unknown, pointer: (string | number)[], field = 'policyFile'): { document: PolicyDocument; info?: PolicySourceInfo } | undefined => {
    const entry = ref as Raw;
    if (typeof entry.policyFile === 'string') {
      const file = entry.policyFile;
      const path = formatPath([...pointer, field]);
      if (!options.readFile) {
        issues.push({ path, message: `${path}: cannot read "${file}": no file reader was given`, file });
        return undefined;
      }
      let fileText: string;
      try {
        fileText = options.readFile(file);
      } catch (error) {
        issues.push({ path, message: `${path}: cannot read "${file}": ${error instanceof Error ? error.message : String(error)}`, file });
        return undefined;
      }
      const fileErrors: ParseError[] = [];
      const fileRoot = parseTree(fileText, fileErrors, { allowTrailingComma: false, disallowComments: true });
      if (fileErrors.length || !fileRoot || fileRoot.type !== 'object') {
        const first = fileErrors[0];
        const where = first ? `${syntaxMessage(first)} at ${lineColumn(fileText, first.offset)}` : 'it is not a JSON object';
        issues.push({ path, message: `${path}: "${file}" is not a valid policy document: ${where}`, file });
        return undefined;
      }
      const document = getNodeValue(fileRoot) as PolicyDocument;
      const name = typeof entry.name === 'string' ? entry.name : file;
      return { document, info: { name, path: file, text: fileText } };
    }
    if ('document' in entry && typeof entry.name === 'string') {
      return { document: entry.document as PolicyDocument, info: { name: entry.name } };
    }
    return { document: entry as PolicyDocument };
  };

  const readLevels = (list: unknown, pointer: (string | number)[]): OrganizationPolicyLevel[] =>
    ((list as Raw[] | undefined) ?? []).map((level, i) => ({
      orgIdentifier: level.orgIdentifier as string,
      policies: ((level.policies as unknown[]) ?? [])
        .map((p, j) => readPolicy(p, [...pointer, i, 'policies', j]))
        .filter((p): p is { document: PolicyDocument } => !!p)
        .map((p) => p.document),
    }));

  const partition = typeof raw.partition === 'string' ? raw.partition : 'aws';
  const defaultRegion = typeof raw.defaultRegion === 'string' ? raw.defaultRegion : DEFAULT_REGION;

  const accounts: EnvironmentAccount[] = [];
  const accountIds = new Set<string>();
  (raw.accounts as Raw[]).forEach((a, i) => {
    const id = a.id as string;
    if (accountIds.has(id)) issues.push({ path: `accounts[${i}].id`, message: `accounts[${i}].id: account ${id} is declared twice` });
    accountIds.add(id);
    accounts.push({
      id,
      name: a.name as string | undefined,
      organizationId: a.organizationId as string | undefined,
      serviceControlPolicies: readLevels(a.serviceControlPolicies, ['accounts', i, 'serviceControlPolicies']),
      resourceControlPolicies: readLevels(a.resourceControlPolicies, ['accounts', i, 'resourceControlPolicies']),
    });
  });

  const principals: EnvironmentPrincipal[] = [];
  const principalArns = new Set<string>();
  const accessKeyIds = new Map<string, string>();
  ((raw.principals as Raw[] | undefined) ?? []).forEach((p, i) => {
    const arn = p.arn as string;
    const account = parseArn(arn)?.account ?? '';
    if (!accountIds.has(account)) issues.push({ path: `principals[${i}].arn`, message: `principals[${i}].arn: account ${account} is not declared in "accounts"` });
    if (principalArns.has(arn)) issues.push({ path: `principals[${i}].arn`, message: `principals[${i}].arn: ${arn} is declared twice` });
    principalArns.add(arn);
    const identity = ((p.identityPolicies as unknown[]) ?? []).map((ref, j) => readPolicy(ref, ['principals', i, 'identityPolicies', j]));
    const boundary = p.permissionBoundary ? readPolicy(p.permissionBoundary, ['principals', i, 'permissionBoundary']) : undefined;
    const session = p.sessionPolicy ? readPolicy(p.sessionPolicy, ['principals', i, 'sessionPolicy']) : undefined;
    const accessKeys = ((p.accessKeys as Raw[]) ?? []).map((k, j) => {
      const id = k.accessKeyId as string;
      const owner = accessKeyIds.get(id);
      if (owner) issues.push({ path: `principals[${i}].accessKeys[${j}].accessKeyId`, message: `principals[${i}].accessKeys[${j}].accessKeyId: "${id}" already belongs to ${owner}` });
      accessKeyIds.set(id, arn);
      return { accessKeyId: id, secretAccessKey: k.secretAccessKey as string, sessionToken: k.sessionToken as string | undefined };
    });
    const present = identity.filter((x): x is { document: PolicyDocument; info?: PolicySourceInfo } => !!x);
    principals.push({
      arn,
      name: p.name as string | undefined,
      tags: p.tags as Record<string, string> | undefined,
      identityPolicies: present.map((x) => x.document),
      identityPolicySources: present.map((x, j) => x.info ?? { name: `identity policy ${j + 1}` }),
      permissionBoundary: boundary?.document ?? null,
      permissionBoundarySource: boundary?.info,
      sessionPolicy: session?.document ?? null,
      sessionPolicySource: session?.info,
      accessKeys,
    });
  });
  // Every account has a root user, whether or not the file lists it.
  for (const account of accounts) {
    const rootArn = `arn:${partition}:iam::${account.id}:root`;
    if (!principalArns.has(rootArn)) principals.push({ arn: rootArn, name: `${account.name ?? account.id} root`, identityPolicies: [], accessKeys: [] });
  }

  const keys: EnvironmentKey[] = [];
  const aliasOwners = new Map<string, string>();
  const keyIds = new Set<string>();
  ((raw.keys as Raw[] | undefined) ?? []).forEach((k, i) => {
    const account = k.account as string;
    const region = (k.region as string | undefined) ?? defaultRegion;
    if (!accountIds.has(account)) issues.push({ path: `keys[${i}].account`, message: `keys[${i}].account: account ${account} is not declared in "accounts"` });
    const multiRegion = k.multiRegion === true;
    const keyId = (k.keyId as string | undefined) ?? stableKeyId(`${account}:${region}:${i}:${((k.aliases as string[]) ?? []).join(',')}`, multiRegion);
    if (multiRegion !== keyId.startsWith('mrk-')) issues.push({ path: `keys[${i}].keyId`, message: `keys[${i}].keyId: multi-Region keys have ids starting with "mrk-", single-Region keys do not` });
    const keyScope = `${account}/${region}/${keyId}`;
    if (keyIds.has(keyScope)) issues.push({ path: `keys[${i}].keyId`, message: `keys[${i}].keyId: ${keyId} is declared twice in ${account} ${region}` });
    keyIds.add(keyScope);
    let keyPolicy: PolicyDocument | undefined = k.keyPolicy as PolicyDocument | undefined;
    let keyPolicySource: EnvironmentKey['keyPolicySource'];
    if (k.keyPolicy !== undefined && k.keyPolicyFile !== undefined) {
      issues.push({ path: `keys[${i}]`, message: `keys[${i}]: give either "keyPolicy" or "keyPolicyFile", not both` });
    } else if (typeof k.keyPolicyFile === 'string') {
      const read = readPolicy({ policyFile: k.keyPolicyFile }, ['keys', i], 'keyPolicyFile');
      if (read) {
        keyPolicy = read.document;
        keyPolicySource = { path: k.keyPolicyFile, text: read.info?.text ?? '' };
      }
    }
    const aliases = (k.aliases as string[] | undefined) ?? [];
    aliases.forEach((alias, j) => {
      const scope = `${account}/${region}/${alias}`;
      const owner = aliasOwners.get(scope);
      if (owner) issues.push({ path: `keys[${i}].aliases[${j}]`, message: `keys[${i}].aliases[${j}]: ${alias} already names ${owner} in ${account} ${region}` });
      aliasOwners.set(scope, keyId);
    });
    const grants: EnvironmentGrant[] = ((k.grants as Raw[] | undefined) ?? []).map((g, j) => ({
      grantId: (g.grantId as string | undefined) ?? stableHex(`${keyScope}:grant:${j}`, 64),
      name: g.name as string | undefined,
      granteePrincipal: g.granteePrincipal as string,
      retiringPrincipal: g.retiringPrincipal as string | undefined,
      operations: g.operations as string[],
      constraints: (g.constraints as EnvironmentGrant['constraints']) ?? null,
    }));
    keys.push({
      keyId,
      account,
      region,
      description: k.description as string | undefined,
      keySpec: (k.keySpec as string | undefined) ?? 'SYMMETRIC_DEFAULT',
      keyUsage: k.keyUsage as string | undefined,
      origin: k.origin as string | undefined,
      multiRegion,
      state: (k.state as KeyState | undefined) ?? 'Enabled',
      keyPolicy,
      keyPolicySource,
      aliases,
      tags: k.tags as Record<string, string> | undefined,
      grants,
      replicaRegions: k.replicaRegions as string[] | undefined,
    });
  });

  if (issues.length) return { issues };
  const environment: Environment = {
    partition,
    defaultRegion,
    accounts,
    principals,
    keys,
    source: options.source,
    ...(Array.isArray(raw.cloudHsmClusters) ? { cloudHsmClusters: raw.cloudHsmClusters } : {}),
    ...(Array.isArray(raw.customKeyStores) ? { customKeyStores: raw.customKeyStores } : {}),
  };
  return { environment, issues: [] };
}

/** Like parseEnvironment, but throws an EnvironmentError listing every problem. */
export function loadEnvironment(text: string, options: LoadEnvironmentOptions = {}): Environment {
  const result = parseEnvironment(text, options);
  if (!result.environment) throw new EnvironmentError(result.issues, options.source);
  return result.environment;
}
