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

function put(context: Map<string, ContextValue>, name: string, value: string | readonly string[] | boolean | number | undefined | null): void {
  if (value === undefined || value === null) return;
  const lower = name.toLowerCase();
  if (Array.isArray(value)) context.set(lower, { name, values: value.map(String), multiValued: true });
  else context.set(lower, { name, values: [String(value)], multiValued: MULTIVALUED.has(lower) });
}

/** Sets a single-valued key whose lower-cased name is known, without recomputing it. */
function putKnown(context: Map<string, ContextValue>, lower: string, name: string, value: string | undefined | null): void {
  if (value !== undefined && value !== null) context.set(lower, { name, values: [typeof value === 'string' ? value : String(value)], multiValued: false });
}

// aws:CurrentTime changes once a second; format it once a second, not once a request.
let timeSecond = -1;
let timeText = '';
function currentTimeText(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== timeSecond) {
    timeSecond = second;
    timeText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return timeText;
}

export function buildRequestContext(scenario: AccessScenario, caller: CallerIdentity, options: ContextOptions = {}): Map<string, ContextValue> {
  const context = new Map<string, ContextValue>();
  const { request, key } = scenario;
  const now = options.now ?? new Date();

  // Global keys about the principal (IAM User Guide, "AWS global condition context keys").
  if (caller.kind !== 'service' && caller.kind !== 'anonymous') putKnown(context, 'aws:principalarn', 'aws:PrincipalArn', caller.principalArn);
  putKnown(context, 'aws:principalaccount', 'aws:PrincipalAccount', caller.account);
  putKnown(context, 'aws:principaltype', 'aws:PrincipalType', caller.principalType);
  if (caller.kind === 'user') putKnown(context, 'aws:username', 'aws:username', caller.userName);
  if (caller.kind === 'root') putKnown(context, 'aws:userid', 'aws:userid', caller.account);
  if (caller.kind === 'service') {
    putKnown(context, 'aws:principalisawsservice', 'aws:PrincipalIsAWSService', 'true');
    putKnown(context, 'aws:principalservicename', 'aws:PrincipalServiceName', caller.serviceName);
  } else {
    putKnown(context, 'aws:principalisawsservice', 'aws:PrincipalIsAWSService', 'false');
  }
  putKnown(context, 'aws:currenttime', 'aws:CurrentTime', currentTimeText(now));
  putKnown(context, 'aws:epochtime', 'aws:EpochTime', String(Math.floor(now.getTime() / 1000)));
  putKnown(context, 'aws:securetransport', 'aws:SecureTransport', 'true');
  putKnown(context, 'aws:requestedregion', 'aws:RequestedRegion', request.region ?? key?.region);

  // KMS keys (AWS KMS Developer Guide, "AWS KMS condition keys").
  putKnown(context, 'kms:calleraccount', 'kms:CallerAccount', caller.account);
  const ec = request.encryptionContext;
  if (ec && typeof ec === 'object') {
    const keys = Object.keys(ec);
    for (const k of keys) put(context, `kms:EncryptionContext:${k}`, String(ec[k]));
    context.set('kms:encryptioncontextkeys', { name: 'kms:EncryptionContextKeys', values: keys, multiValued: true });
  }
  if (request.keyIdAsGiven && request.keyIdAsGiven.includes('alias/')) putKnown(context, 'kms:requestalias', 'kms:RequestAlias', aliasName(request.keyIdAsGiven));
  if (key) {
    putKnown(context, 'aws:resourceaccount', 'aws:ResourceAccount', key.account);
    if (key.alias !== undefined) {
      const aliases = typeof key.alias === 'string' ? [key.alias] : Array.isArray(key.alias) ? key.alias.filter((a) => typeof a === 'string') : [];
      context.set('kms:resourcealiases', { name: 'kms:ResourceAliases', values: aliases.map(aliasName), multiValued: true });
    }
    putKnown(context, 'kms:keyspec', 'kms:KeySpec', key.keySpec);
    putKnown(context, 'kms:keyusage', 'kms:KeyUsage', key.keyUsage ?? (key.keySpec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : undefined));
    putKnown(context, 'kms:keyorigin', 'kms:KeyOrigin', key.origin ?? 'AWS_KMS');
    putKnown(context, 'kms:multiregion', 'kms:MultiRegion', key.multiRegion ? 'true' : 'false');
    if (key.multiRegion) putKnown(context, 'kms:multiregionkeytype', 'kms:MultiRegionKeyType', key.multiRegionKeyType ?? 'PRIMARY');
  }
  putKnown(context, 'kms:encryptionalgorithm', 'kms:EncryptionAlgorithm', request.encryptionAlgorithm);
  const grant = request.grant;
  if (grant) {
    putKnown(context, 'kms:granteeprincipal', 'kms:GranteePrincipal', grant.granteePrincipal);
    putKnown(context, 'kms:retiringprincipal', 'kms:RetiringPrincipal', grant.retiringPrincipal);
    if (grant.operations) context.set('kms:grantoperations', { name: 'kms:GrantOperations', values: [...grant.operations], multiValued: true });
    if (grant.constraints?.encryptionContextEquals) putKnown(context, 'kms:grantconstrainttype', 'kms:GrantConstraintType', 'EncryptionContextEquals');
    else if (grant.constraints?.encryptionContextSubset) putKnown(context, 'kms:grantconstrainttype', 'kms:GrantConstraintType', 'EncryptionContextSubset');
  }
  if (request.viaService) putKnown(context, 'kms:viaservice', 'kms:ViaService', request.viaService);
  // kms:GrantIsForAWSResource is true when an integrated AWS service makes a grant request for the caller.
  const action = request.action.toLowerCase();
  if (action === 'kms:creategrant' || action === 'kms:listgrants' || action === 'kms:revokegrant') {
    putKnown(context, 'kms:grantisforawsresource', 'kms:GrantIsForAWSResource', request.viaService ? 'true' : 'false');
  }

  // Whatever the scenario states explicitly wins over the derived values.
  const extra = request.context;
  if (extra && typeof extra === 'object') {
    for (const name in extra) put(context, name, extra[name] as string | readonly string[] | boolean | number);
  }
  return context;
}

/** The context as a plain object, for the result and the trace. */
export function contextToJson(context: RequestContext): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const value of context.values()) out[value.name] = value.multiValued ? value.values : value.values[0];
  return out;
}
