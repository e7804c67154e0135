// Rebuilds the KMS request a CloudTrail event records: who called (AWS CloudTrail User Guide,
// "CloudTrail userIdentity element"), which action on which key, and the request's condition
// keys as far as the record tells them. The decision itself is not made here: replay hands the
// request to the scenario builder and the evaluator every other feature uses.
//
// What a record can and cannot say:
// - `userIdentity.arn` is the caller; for `AssumedRole` it is the session
//   (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) and `sessionContext.sessionIssuer.arn`
//   the role, path included, which is what a key policy names.
// - For `AWSService` the caller is the service principal in `userIdentity.invokedBy`.
// - `AWSAccount` (a call from another account, as the key owner's trail shows it) names only the
//   account and an opaque principal id: the caller cannot be rebuilt and the event is skipped.
// - kms:ViaService: "The kms:ViaService condition key limits use of a KMS key to requests from
//   specified AWS services", its value "in SERVICE.REGION.amazonaws.com format" (AWS KMS
//   Developer Guide, "kms:ViaService"). CloudTrail writes the service's name where a service
//   made the call for a principal: `userIdentity.invokedBy` ("The name of the AWS service that
//   made the request"), and `sourceIPAddress`/`userAgent`, which then hold the service's DNS name
//   such as `ec2.amazonaws.com` (AWS CloudTrail User Guide, "CloudTrail record contents").
//   So a call by a principal (not `AWSService`) whose `invokedBy`, `sourceIPAddress` or
//   `userAgent` is `NAME.amazonaws.com` is taken as made through NAME in the event's Region:
//   `NAME.REGION.amazonaws.com`. `AWS Internal` names no service, and AWS says nothing more
//   precise: such a call is replayed without kms:ViaService.
// - `eventTime` is when the request was completed; it stands for aws:CurrentTime.
// - `sourceIPAddress`, when it is an IP address, is aws:SourceIp.
import type { RequestedGrant } from '../access/scenario';
import { KMS_EVENT_SOURCE } from '../engine/cloudTrailEvents';
import { tagContext } from '../engine/tagRules';
import type { CloudTrailRecord } from './cloudTrailLogParser';

type ContextValue = string | readonly string[] | boolean | number;

/** How a key policy's Principal names a caller. */
export interface PolicyPrincipal {
  readonly type: 'AWS' | 'Service';
  /** An IAM ARN (user, role with path, account root, federated user) or a service principal. */
  readonly name: string;
}

/** One authorization the recorded call needed (ReEncrypt needs two: From and To). */
export interface KmsCallOfEvent {
  /** ms since the epoch. */
  readonly time: number;
  readonly eventId?: string;
  readonly region: string;
  /** The caller as the request carried it (a session ARN for a role session). */
  readonly callerArn: string;
  readonly policyPrincipal: PolicyPrincipal;
  /** `kms:Decrypt` */
  readonly action: string;
  /** Identifiers of the key this authorization is for, as the record gives them. */
  readonly keyRefs: readonly string[];
  /** The key identifier the caller wrote, when the record keeps it. */
  readonly keyIdAsGiven?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly encryptionAlgorithm?: string;
  readonly viaService?: string;
  readonly grantTokens?: readonly string[];
  readonly grantId?: string;
  readonly grant?: RequestedGrant;
  /** Other condition keys the record gives: aws:SourceIp and the operation's own. */
  readonly context: Readonly<Record<string, ContextValue>>;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export type EventReading =
  | { readonly calls: readonly KmsCallOfEvent[]; readonly skipped?: undefined }
  | { readonly calls?: undefined; readonly skipped: string; readonly keyRefs: readonly string[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

const SERVICE_NAME = /^([a-z0-9-]+(?:\.[a-z0-9-]+)*)\.amazonaws\.com$/;
const IP_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

/**
 * Request parameters that are condition keys of the operation (AWS KMS Developer Guide, "AWS KMS
 * condition keys": each key "controls access to the X operation based on the value of the Y
 * parameter in the request"). The engine reads the same parameters from the wire request.
 */
const PARAMETER_CONDITION_KEYS: Readonly<Record<string, readonly (readonly [parameter: string, key: string, fallback?: ContextValue])[]>> = {
  Sign: [['signingAlgorithm', 'kms:SigningAlgorithm'], ['messageType', 'kms:MessageType', 'RAW']],
  Verify: [['signingAlgorithm', 'kms:SigningAlgorithm'], ['messageType', 'kms:MessageType', 'RAW']],
  GenerateMac: [['macAlgorithm', 'kms:MacAlgorithm']],
  VerifyMac: [['macAlgorithm', 'kms:MacAlgorithm']],
  DeriveSharedSecret: [['keyAgreementAlgorithm', 'kms:KeyAgreementAlgorithm']],
  GenerateDataKeyPair: [['keyPairSpec', 'kms:DataKeyPairSpec']],
  GenerateDataKeyPairWithoutPlaintext: [['keyPairSpec', 'kms:DataKeyPairSpec']],
  GetParametersForImport: [['wrappingAlgorithm', 'kms:WrappingAlgorithm'], ['wrappingKeySpec', 'kms:WrappingKeySpec']],
  ImportKeyMaterial: [['expirationModel', 'kms:ExpirationModel']],
  ScheduleKeyDeletion: [['pendingWindowInDays', 'kms:ScheduleKeyDeletionPendingWindowInDays']],
  EnableKeyRotation: [['rotationPeriodInDays', 'kms:RotationPeriodInDays']],
  PutKeyPolicy: [['bypassPolicyLockoutSafetyCheck', 'kms:BypassPolicyLockoutSafetyCheck', false]],
  ReplicateKey: [['replicaRegion', 'kms:ReplicaRegion']],
  UpdatePrimaryRegion: [['primaryRegion', 'kms:PrimaryRegion']],
};

/** The KMS requests a record stands for, or why it stands for none that replay can decide. */
export function kmsCallsOfEvent(record: CloudTrailRecord): EventReading {
  const params = isObject(record.requestParameters) ? record.requestParameters : {};
  const resources = (Array.isArray(record.resources) ? record.resources : []).map((r) => (isObject(r) ? text(r.ARN) : undefined)).filter((a): a is string => !!a);
  const named = [params.keyId, params.targetKeyId, params.sourceKeyId, params.destinationKeyId].map(text).filter((k): k is string => !!k);
  if (record.eventSource !== KMS_EVENT_SOURCE) return { skipped: 'not an AWS KMS event', keyRefs: [] };
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const caller = callerOf(identity);
  if ('skipped' in caller) return { skipped: caller.skipped, keyRefs: [...resources, ...named] };
  const region = text(record.awsRegion) ?? '';
  const operation = record.eventName as string;

  const context: Record<string, ContextValue> = {};
  const sourceIp = text(record.sourceIPAddress);
  if (sourceIp && IP_ADDRESS.test(sourceIp)) context['aws:SourceIp'] = sourceIp;
  for (const [parameter, key, fallback] of PARAMETER_CONDITION_KEYS[operation] ?? []) {
    const value = params[parameter] ?? fallback;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') context[key] = value;
  }
  if (operation === 'TagResource' && Array.isArray(params.tags)) {
    Object.assign(context, tagContext(params.tags.filter(isObject).map((t) => ({ TagKey: String(t.tagKey), TagValue: String(t.tagValue) }))));
  }
  if (operation === 'UntagResource' && Array.isArray(params.tagKeys)) context['aws:TagKeys'] = params.tagKeys.map(String);
  if ((operation === 'CreateAlias' || operation === 'UpdateAlias') && text(params.aliasName)) context['kms:RequestAlias'] = params.aliasName as string;

  const base = {
    time: Date.parse(record.eventTime as string),
    eventId: text(record.eventID),
    region,
    callerArn: caller.callerArn,
    policyPrincipal: caller.policyPrincipal,
    viaService: caller.policyPrincipal.type === 'AWS' ? viaServiceOf(identity, record, region) : undefined,
    grantTokens: stringList(params.grantTokens),
    context,
    errorCode: text(record.errorCode),
    errorMessage: typeof record.errorMessage === 'string' ? record.errorMessage : undefined,
  };

  if (operation === 'ReEncrypt') {
    // Two authorizations: kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination.
    const destination = text(params.destinationKeyId);
    const source = text(params.sourceKeyId);
    const sourceRefs = source ? [source] : resources.filter((arn) => !destination || !sameKey(arn, destination));
    return {
      calls: [
        { ...base, action: 'kms:ReEncryptFrom', keyRefs: sourceRefs, keyIdAsGiven: source, encryptionContext: stringMap(params.sourceEncryptionContext), encryptionAlgorithm: text(params.sourceEncryptionAlgorithm) ?? 'SYMMETRIC_DEFAULT' },
        { ...base, action: 'kms:ReEncryptTo', keyRefs: destination ? [destination] : [], keyIdAsGiven: destination, encryptionContext: stringMap(params.destinationEncryptionContext), encryptionAlgorithm: text(params.destinationEncryptionAlgorithm) ?? 'SYMMETRIC_DEFAULT' },
      ],
    };
  }

  const keyId = text(params.keyId) ?? text(params.targetKeyId);
  const keyRefs = [...resources, ...(keyId ? [keyId] : [])];
  return {
    calls: [
      {
        ...base,
        action: `kms:${operation}`,
        keyRefs,
        keyIdAsGiven: keyId,
        encryptionContext: stringMap(params.encryptionContext),
        // Encrypt and Decrypt default to SYMMETRIC_DEFAULT (AWS KMS API Reference,
        // EncryptionAlgorithm); CloudTrail logs it for Decrypt "even if the encryption algorithm
        // wasn't specified in the request" (ct-decrypt), a client's own events may not.
        encryptionAlgorithm: text(params.encryptionAlgorithm) ?? (operation === 'Encrypt' || operation === 'Decrypt' ? 'SYMMETRIC_DEFAULT' : undefined),
        grantId: text(params.grantId),
        grant: operation === 'CreateGrant' ? requestedGrant(params) : undefined,
      },
    ],
  };
}

function callerOf(identity: Record<string, unknown>): { callerArn: string; policyPrincipal: PolicyPrincipal } | { skipped: string } {
  const type = text(identity.type);
  const arn = text(identity.arn);
  switch (type) {
    case 'AWSService': {
      const service = text(identity.invokedBy);
      if (!service) return { skipped: 'an AWSService caller without invokedBy' };
      return { callerArn: service, policyPrincipal: { type: 'Service', name: service } };
    }
    case 'AssumedRole': {
      const issuer = isObject(identity.sessionContext) && isObject(identity.sessionContext.sessionIssuer) ? text(identity.sessionContext.sessionIssuer.arn) : undefined;
      if (!arn) return { skipped: 'an AssumedRole caller without an arn' };
      return { callerArn: arn, policyPrincipal: { type: 'AWS', name: issuer ?? roleOfSession(arn) ?? arn } };
    }
    case 'Root':
    case 'IAMUser':
    case 'FederatedUser':
      if (!arn) return { skipped: `a ${type} caller without an arn` };
      return { callerArn: arn, policyPrincipal: { type: 'AWS', name: arn } };
    case 'AWSAccount':
      return { skipped: 'a caller of another account (userIdentity type AWSAccount names no principal)' };
    default:
      return { skipped: `a caller of userIdentity type ${type ?? '(none)'}, which names no IAM principal` };
  }
}

/** `arn:aws:sts::A:assumed-role/R/S` -> `arn:aws:iam::A:role/R` (the path is not in a session ARN). */
function roleOfSession(arn: string): string | undefined {
  const match = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : undefined;
}

function viaServiceOf(identity: Record<string, unknown>, record: CloudTrailRecord, region: string): string | undefined {
  for (const candidate of [identity.invokedBy, record.sourceIPAddress, record.userAgent]) {
    const match = typeof candidate === 'string' ? SERVICE_NAME.exec(candidate) : null;
    if (match && region) return `${match[1]}.${region}.amazonaws.com`;
  }
  return undefined;
}

function sameKey(arn: string, ref: string): boolean {
  return arn === ref || arn.endsWith(`:key/${ref}`);
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return Object.keys(out).length ? out : undefined;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length ? value.map(String) : undefined;
}

function requestedGrant(params: Record<string, unknown>): RequestedGrant | undefined {
  const grantee = text(params.granteePrincipal);
  if (!grantee) return undefined;
  const constraints = isObject(params.constraints) ? params.constraints : undefined;
  return {
    granteePrincipal: grantee,
    retiringPrincipal: text(params.retiringPrincipal),
    operations: stringList(params.operations) ?? [],
    constraints: constraints
      ? { encryptionContextEquals: stringMap(constraints.encryptionContextEquals), encryptionContextSubset: stringMap(constraints.encryptionContextSubset) }
      : null,
  };
}

/** The KMS calls of many records, and the KMS records that stand for no call replay can decide. */
export interface KmsCallsRead {
  readonly calls: KmsCallOfEvent[];
  readonly unreadable: { readonly reason: string; readonly keyRefs: readonly string[] }[];
}

export function readKmsCalls(records: Iterable<CloudTrailRecord>): KmsCallsRead {
  const unreadable: KmsCallsRead['unreadable'] = [];
  return { calls: [...kmsCallsOfRecords(records, unreadable)], unreadable };
}

/** The records' KMS calls one by one; KMS records that stand for none go to `unreadable`. */
export function* kmsCallsOfRecords(records: Iterable<CloudTrailRecord>, unreadable: KmsCallsRead['unreadable']): Generator<KmsCallOfEvent> {
  for (const record of records) {
    const reading = kmsCallsOfEvent(record);
    if (reading.calls) yield* reading.calls;
    else if (record.eventSource === KMS_EVENT_SOURCE) unreadable.push({ reason: reading.skipped, keyRefs: reading.keyRefs });
  }
}
