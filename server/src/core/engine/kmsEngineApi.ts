import type { AccessScenario } from '../access/scenario';
import type { ScenarioRequestInput } from '../environment/scenarioBuilder';
import type { CloudTrailLookupFilter, CloudTrailLookupPage } from './cloudTrailLookup';

// The seam between the KMS wire protocol (server/src/http) and the engine: one entry point
// that takes an operation name, its JSON input and the authenticated caller, and answers the
// JSON output or throws a KmsServiceError carrying AWS's error name, status and message.

/** Who is calling, as established by SigV4 verification of the access key (the access module's CallerIdentity is what an ARN says about a principal). */
export interface AuthenticatedCaller {
  /** ARN of the principal (user, role session, account root). */
  readonly principalArn: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  /** The Region the request was signed for (the engine serves several). */
  readonly region: string;
  /** Extra request context: `aws:SourceIp`, `aws:SecureTransport`, `kms:ViaService`, ... */
  readonly requestContext?: Readonly<Record<string, string | boolean>>;
  /** The client's User-Agent, for the call's CloudTrail event. */
  readonly userAgent?: string;
}

/** An error the KMS API answers with: `{"__type": name, "message": message}` and the status. */
export class KmsServiceError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly httpStatus: number = 400,
  ) {
    super(message);
    this.name = errorName;
  }
}

export type JsonObject = { readonly [key: string]: unknown };

export interface KmsOperationHandler {
  /** `operation` is the X-Amz-Target suffix, e.g. `Encrypt`. Blobs are base64 strings as on the wire. */
  execute(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject>;
  /**
   * The same, answering at once when the operation needs no wait (no key generation, no store
   * write), so a wire layer can answer in one go; failures are always a rejected promise.
   */
  executeNow(operation: string, input: JsonObject, caller: AuthenticatedCaller): JsonObject | Promise<JsonObject>;
}

/** The engine's time source. The engine reads it for deletion dates, rotation and import expiry. */
export interface Clock {
  now(): Date;
}

/** An access key the engine accepts, and whom it stands for. */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly principalArn: string;
  readonly accountId: string;
}

/** The simulated CloudHSM v2 API (`BaldrApiService.<Op>`), served beside KMS. */
export interface CloudHsmOperationHandler {
  executeCloudHsm(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject>;
}

/** What the wire layers (HTTP endpoint, in-editor bridge, CLI) hold: a running engine. */
export interface KmsEngineService extends KmsOperationHandler, CloudHsmOperationHandler {
  readonly defaultAccountId: string;
  readonly defaultRegion: string;
  /** For SigV4 verification: the secret and principal behind an access key id. */
  findAccessKey(accessKeyId: string): AccessKeyRecord | undefined;
  /** Subscribe to state changes (keys created, states changed...), e.g. to refresh a key explorer. */
  onDidChange(listener: () => void): () => void;
  /**
   * The access scenario the engine would decide for this request on one of its keys, so
   * *Simulate access* can explain keys that live only in the engine; undefined when the key
   * does not resolve.
   */
  scenarioFor?(request: EngineScenarioRequest): AccessScenario | undefined;
  /**
   * The ARN of the key an engine ciphertext names (AWS's AccessDenied for Decrypt does not say),
   * so a denied Decrypt can be explained; undefined when the blob is not the engine's.
   */
  keyArnOfCiphertext?(ciphertext: Uint8Array, region: string): string | undefined;
  /**
   * CloudTrail's LookupEvents over the engine's own events, newest first. With a caller, the
   * caller's IAM policies must allow `cloudtrail:LookupEvents` (AccessDeniedException otherwise).
   */
  lookupEvents?(filter: CloudTrailLookupFilter, caller?: AuthenticatedCaller): CloudTrailLookupPage;
  /** Every kept CloudTrail event in full, oldest first (to write them out as log files). */
  cloudTrailEvents?(): Iterable<JsonObject>;
  /** Flushes and releases the store. */
  close(): Promise<void>;
}

/** The request part of a scenario, as *Simulate access* asks it. */
export type EngineScenarioRequest = Pick<
  ScenarioRequestInput,
  'principalArn' | 'action' | 'keyRef' | 'region' | 'encryptionContext' | 'grantTokens' | 'context'
>;

/** What a store holds: its records in order, the first being the snapshot. */
export interface StoredEngineRecords {
  readonly records: readonly Uint8Array[];
  /** The store is a whole-state file of an earlier format: one record, to be rewritten. */
  readonly legacy?: boolean;
}

/**
 * Durable storage of the engine's state, implemented outside core (a file with a lock in
 * server/src/node, memory in tests). The engine encrypts every record before handing it over;
 * the store keeps them in order and says which of them are durable.
 */
export interface EngineStoreBackend {
  /** Every durable record in order (a torn last record, from a write never acknowledged, left out), or undefined for a new store. */
  read(): Promise<StoredEngineRecords | undefined>;
  /** Durably appends one record (fsync) after the others; when it fails, nothing of it remains. */
  append(record: Uint8Array): Promise<void>;
  /** Durably and atomically replaces every record with one snapshot record given in parts. */
  replace(snapshot: readonly Uint8Array[]): Promise<void>;
  /** Releases the lock. */
  close(): Promise<void>;
}
