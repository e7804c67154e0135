// The CloudTrail record of each KMS call, in the format AWS documents for KMS events
// (docs.aws.amazon.com/kms/latest/developerguide/ct-encrypt.html and its siblings). A call is
// kept as a compact record (what the call named, who asked, how it ended) and turned into the
// full event only when someone reads it, so recording costs little per call. No secret ever
// enters a record: request parameters are copied by name, leaving out every blob that holds
// plaintext, ciphertext, key material, signatures, MACs or public keys.
import { createHash, randomBytes } from 'node:crypto';
import { parseCaller } from '../access/callerIdentity';
import type { AuthenticatedCaller, JsonObject } from './kmsEngineApi';

/** Input and output fields AWS never logs: they hold plaintext, ciphertext or key material. */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'Plaintext',
  'CiphertextBlob',
  'CiphertextForRecipient',
  'Message',
  'Signature',
  'Mac',
  'PublicKey',
  'PrivateKeyPlaintext',
  'PrivateKeyCiphertextBlob',
  'EncryptedKeyMaterial',
  'ImportToken',
  'SharedSecret',
  'Recipient',
  'KeyStorePassword',
  'XksProxyAuthenticationCredential',
]);

/** Operations whose answer AWS logs in `responseElements` (the others log null). */
const RESPONSE_LOGGED: ReadonlySet<string> = new Set([
  'CreateKey',
  'ReplicateKey',
  'CreateGrant',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'CreateCustomKeyStore',
  'RotateKeyOnDemand',
]);

/** Operations that change nothing: `readOnly: true`. */
const READ_ONLY = /^(Describe|List|Get|Encrypt$|Decrypt$|ReEncrypt$|Generate|Sign$|Verify|DeriveSharedSecret$)/;

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';
export const KMS_KEY_RESOURCE_TYPE = 'AWS::KMS::Key';

/** What the engine keeps of one call until its event is read. */
export interface RecordedCall {
  /** The call's number in its history; with the history's seed it makes the event and request ids. */
  readonly sequence: number;
  readonly idSeed: IdSeed;
  /** Engine clock, ms since the epoch. */
  readonly time: number;
  readonly operation: string;
  readonly caller: AuthenticatedCaller;
  readonly requestParameters: JsonObject | null;
  readonly responseElements: JsonObject | null;
  readonly keyArn: string | undefined;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
}

/** The request's parameters as AWS logs them: camelCase names, secrets left out. */
export function loggedParameters(input: JsonObject | undefined | null): JsonObject | null {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return null;
  let out: Record<string, unknown> | null = null;
  for (const name in input) {
    if (SECRET_FIELDS.has(name)) continue;
    (out ??= {})[camel(name)] = camelDeep(input[name], name);
  }
  return out;
}

/** Random per history: ids are drawn once and numbered, not drawn per call (that costs µs). */
export interface IdSeed {
  readonly event: string;
  readonly request: string;
}

export function newIdSeed(): IdSeed {
  return { event: randomBytes(16).toString('hex'), request: randomBytes(16).toString('hex') };
}

/** A version-4-shaped UUID: the seed's random bits with the sequence number in the last 48. */
function uuidOf(seed: string, sequence: number): string {
  const hex = seed.slice(0, 20) + sequence.toString(16).padStart(12, '0').slice(-12);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function eventIdOf(call: RecordedCall): string {
  return uuidOf(call.idSeed.event, call.sequence);
}

export function requestIdOf(call: RecordedCall): string {
  return uuidOf(call.idSeed.request, call.sequence);
}

/** Records one call; `output` is the answer (undefined for a failure). */
export function recordCall(
  sequence: number,
  idSeed: IdSeed,
  operation: string,
  input: JsonObject,
  caller: AuthenticatedCaller,
  time: number,
  keyArn: string | undefined,
  output: JsonObject | undefined,
  error: { readonly errorName: string; readonly message: string } | undefined,
): RecordedCall {
  return {
    sequence,
    idSeed,
    time,
    operation,
    caller,
    requestParameters: loggedParameters(input),
    responseElements: loggedResponse(operation, output, keyArn),
    keyArn,
    errorCode: error?.errorName,
    errorMessage: error?.message,
  };
}

function loggedResponse(operation: string, output: JsonObject | undefined, keyArn: string | undefined): JsonObject | null {
  if (!output || !RESPONSE_LOGGED.has(operation)) return null;
  // ct-creategrant: the grant id and the key's ARN, not the grant token.
  if (operation === 'CreateGrant') return { grantId: output.GrantId, keyId: keyArn };
  return loggedParameters(output);
}

/** The KMS key ARN a call is about, read from its answer where it says so. */
export function keyArnOfAnswer(output: JsonObject | undefined): string | undefined {
  if (!output) return undefined;
  const keyId = output.KeyId ?? (output.KeyMetadata as JsonObject | undefined)?.Arn ?? (output.ReplicaKeyMetadata as JsonObject | undefined)?.Arn;
  return typeof keyId === 'string' && keyId.startsWith('arn:') ? keyId : undefined;
}

export function isReadOnlyOperation(operation: string): boolean {
  return READ_ONLY.test(operation);
}

/** The name LookupEvents gives the caller: the user name, the session name, or `root`. */
export function userNameOf(caller: AuthenticatedCaller): string {
  const identity = parseCaller(caller.principalArn);
  if (identity.kind === 'root') return 'root';
  return identity.sessionName ?? identity.userName ?? identity.roleName ?? identity.serviceName ?? caller.principalArn;
}

/** The full CloudTrail event of a recorded call. */
export function cloudTrailEvent(call: RecordedCall): JsonObject {
  return {
    eventVersion: '1.09',
    userIdentity: userIdentity(call.caller),
    eventTime: isoSeconds(call.time),
    eventSource: KMS_EVENT_SOURCE,
    eventName: call.operation,
    awsRegion: call.caller.region,
    sourceIPAddress: sourceIp(call.caller),
    userAgent: call.caller.userAgent ?? 'kms-policy-studio',
    ...(call.errorCode !== undefined ? { errorCode: call.errorCode, errorMessage: call.errorMessage ?? '' } : {}),
    requestParameters: call.requestParameters,
    responseElements: call.responseElements,
    requestID: requestIdOf(call),
    eventID: eventIdOf(call),
    readOnly: isReadOnlyOperation(call.operation),
    resources: call.keyArn ? [{ accountId: accountOfKeyArn(call.keyArn), type: KMS_KEY_RESOURCE_TYPE, ARN: call.keyArn }] : [],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: call.keyArn ? accountOfKeyArn(call.keyArn) : call.caller.accountId,
    eventCategory: 'Management',
  };
}

function userIdentity(caller: AuthenticatedCaller): JsonObject {
  const identity = parseCaller(caller.principalArn);
  const base = { principalId: principalIdOf(caller), arn: caller.principalArn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
  switch (identity.kind) {
    case 'root':
      return { type: 'Root', ...base, principalId: caller.accountId };
    case 'user':
      return { type: 'IAMUser', ...base, userName: identity.userName };
    case 'assumed-role':
    case 'role':
      return {
        type: 'AssumedRole',
        ...base,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: uniqueId('AROA', identity.principalArn),
            arn: identity.principalArn,
            accountId: identity.account ?? caller.accountId,
            userName: identity.roleName,
          },
          attributes: { creationDate: isoSeconds(0), mfaAuthenticated: 'false' },
        },
      };
    case 'service':
      return { type: 'AWSService', invokedBy: identity.serviceName };
    case 'federated-user':
      return { type: 'FederatedUser', ...base };
    default:
      return { type: 'Unknown', ...base };
  }
}

/** IAM's unique ids are not known to the engine: a stable one is derived from the ARN. */
function principalIdOf(caller: AuthenticatedCaller): string {
  const identity = parseCaller(caller.principalArn);
  if (identity.kind === 'assumed-role') return `${uniqueId('AROA', identity.principalArn)}:${identity.sessionName ?? ''}`;
  if (identity.kind === 'role') return uniqueId('AROA', caller.principalArn);
  return uniqueId('AIDA', caller.principalArn);
}

function uniqueId(prefix: string, arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! & 31];
  return id;
}

function sourceIp(caller: AuthenticatedCaller): string {
  const ip = caller.requestContext?.['aws:SourceIp'];
  return typeof ip === 'string' ? ip : '127.0.0.1';
}

function accountOfKeyArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Nested objects are camel-cased too, except maps whose keys are the user's (context, tags). */
function camelDeep(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((item) => camelDeep(item, field));
  if (!value || typeof value !== 'object') return value;
  if (field === 'EncryptionContext' || field === 'EncryptionContextSubset' || field === 'EncryptionContextEquals') return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value as JsonObject)) {
    if (SECRET_FIELDS.has(name)) continue;
    out[camel(name)] = camelDeep(inner, name);
  }
  return out;
}
