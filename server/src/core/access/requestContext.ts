// The request context that conditions are evaluated against, derived from the request and the
// key as AWS KMS derives it: the user never has to type `kms:CallerAccount` or
// `kms:EncryptionContext:purpose`. The scenario's `context` adds to it and wins on conflicts.
import type { CallerIdentity } from './callerIdentity';
import type { AccessScenario } from './scenario';

/** A context value: single-valued keys hold one string, multivalued keys any number. */
export interface ContextValue {
  /** The key as first written, for display. */
  readonly name: string;
  readonly values: readonly string[];
  readonly multiValued: boolean;
}

/** Condition key names are case-insensitive, so the map is keyed by the lower-cased name. */
export type RequestContext = ReadonlyMap<string, ContextValue>;

/** Keys AWS defines as multivalued: they need ForAnyValue/ForAllValues. */
const MULTIVALUED = new Set([
  'kms:encryptioncontextkeys',
  'kms:grantoperations',
  'kms:resourcealiases',
  'aws:tagkeys',
  'aws:principalorgpaths',
  'aws:principalservicenamelist',
]);

export interface ContextOptions {
  /** The evaluation time (aws:CurrentTime, aws:EpochTime); defaults to now. */
  readonly now?: Date;
}

function aliasName(value: string): string {
  // "arn:aws:kms:us-east-1:111122223333:alias/demo" -> "alias/demo"
  const at = value.indexOf(':alias/');
  return at >= 0 ? value.slice(at + 1) : value;
}

export function buildRequestContext(scenario: AccessScenario, caller: CallerIdentity, options: ContextOptions = {}): Map<string, ContextValue> {
  const context = new Map<string, ContextValue>();
  const set = (name: string, value: string | readonly string[] | boolean | number | undefined | null): void => {
    if (value === undefined || value === null) return;
    const lower = name.toLowerCase();
    const multiValued = Array.isArray(value) || MULTIVALUED.has(lower);
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    context.set(lower, { name, values, multiValued });
  };
  const { request, key } = scenario;
  const now = options.now ?? new Date();

  // Global keys about the principal (IAM User Guide, "AWS global condition context keys").
  set('aws:PrincipalArn', caller.kind === 'service' || caller.kind === 'anonymous' ? undefined : caller.principalArn);
  set('aws:PrincipalAccount', caller.account);
  set('aws:PrincipalType', caller.principalType);
  if (caller.kind === 'user') set('aws:username', caller.userName);
  if (caller.kind === 'root') set('aws:userid', caller.account);
  if (caller.kind === 'service') {
    set('aws:PrincipalIsAWSService', true);
    set('aws:PrincipalServiceName', caller.serviceName);
  } else {
    set('aws:PrincipalIsAWSService', false);
  }
  set('aws:CurrentTime', now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  set('aws:EpochTime', Math.floor(now.getTime() / 1000));
  set('aws:SecureTransport', true);
  set('aws:RequestedRegion', request.region ?? key?.region);

  // KMS keys (AWS KMS Developer Guide, "AWS KMS condition keys").
  set('kms:CallerAccount', caller.account);
  const ec = request.encryptionContext;
  if (ec && typeof ec === 'object') {
    const keys = Object.keys(ec);
    for (const k of keys) set(`kms:EncryptionContext:${k}`, String(ec[k]));
    set('kms:EncryptionContextKeys', keys);
  }
  if (request.keyIdAsGiven && request.keyIdAsGiven.includes('alias/')) set('kms:RequestAlias', aliasName(request.keyIdAsGiven));
  if (key) {
    if (key.alias !== undefined) {
      const aliases = typeof key.alias === 'string' ? [key.alias] : key.alias;
      set('kms:ResourceAliases', aliases.map(aliasName));
    }
    set('kms:KeySpec', key.keySpec);
    set('kms:KeyUsage', key.keyUsage ?? (key.keySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : undefined));
    set('kms:KeyOrigin', key.origin ?? 'AWS_KMS');
    set('kms:MultiRegion', key.multiRegion ?? false);
    if (key.multiRegion) set('kms:MultiRegionKeyType', key.multiRegionKeyType ?? 'PRIMARY');
  }
  set('kms:EncryptionAlgorithm', request.encryptionAlgorithm);
  const grant = request.grant;
  if (grant) {
    set('kms:GranteePrincipal', grant.granteePrincipal);
    set('kms:RetiringPrincipal', grant.retiringPrincipal);
    set('kms:GrantOperations', grant.operations ? [...grant.operations] : undefined);
    if (grant.constraints?.encryptionContextEquals) set('kms:GrantConstraintType', 'EncryptionContextEquals');
    else if (grant.constraints?.encryptionContextSubset) set('kms:GrantConstraintType', 'EncryptionContextSubset');
  }
  if (request.viaService) set('kms:ViaService', request.viaService);

  // Whatever the scenario states explicitly wins over the derived values.
  const extra = request.context;
  if (extra && typeof extra === 'object') {
    for (const [name, value] of Object.entries(extra)) set(name, value as string | readonly string[] | boolean | number);
  }
  return context;
}

/** The context as a plain object, for the result and the trace. */
export function contextToJson(context: RequestContext): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const value of context.values()) out[value.name] = value.multiValued ? value.values : value.values[0];
  return out;
}
