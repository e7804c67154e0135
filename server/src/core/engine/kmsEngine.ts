// The running engine: dispatches each operation to its handler, applies what the clock made
// due (deletions, rotations, expiries, ends of transient states), and persists every change
// before acknowledging it.
import type { Environment } from '../environment/environmentModel';
import { aliasOperations } from './aliasOperations';
import { cryptoOperations } from './cryptoOperations';
import { dataKeyPairOperations } from './dataKeyPairOperations';
import { grantOperations } from './grantOperations';
import { importOperations } from './importOperations';
import { cloudHsmOperations } from './cloudHsmClusters';
import { CloudHsmAuthorizer } from './cloudHsmAuthorizer';
import { customKeyStoreOperations } from './customKeyStoreOperations';
import { multiRegionOperations } from './multiRegionOperations';
import { rotationOperations } from './rotationOperations';
import { signingOperations } from './signingOperations';
import { tagOperations } from './tagOperations';
import type { EngineAuthorizer } from './engineAuthorizer';
import type { EnginePersistence } from './enginePersistence';
import type { EngineState, KeyRecord } from './engineState';
import { internalFailure } from './engineErrors';
import { describeStoreFailure, StateRolledBackError, StoreUnavailableError } from './enginePersistence';
import { keyLifecycleOperations } from './keyLifecycleOperations';
import { readSecret } from './keyMaterialAccess';
import { keyPolicyOperations } from './keyPolicyOperations';
import { effectiveKeyState } from './keyAccess';
import { aliasesOf, resolveKey } from './keyIdentifiers';
import type { AccessScenario } from '../access/scenario';
import {
  KmsServiceError,
  type AccessKeyRecord,
  type AuthenticatedCaller,
  type Clock,
  type JsonObject,
  type EngineScenarioRequest,
  type KmsEngineService,
} from './kmsEngineApi';
import { OperationInput } from './operationInput';
import type { EngineServices, EngineSettings, OperationContext, OperationTable } from './operationContext';
import { applyDueEvents, nextEventTime, nextEventTimeOf } from './scheduledEvents';
import { TrackedState } from './stateTracking';
import { ciphertextKeyId } from './ciphertextLookup';
import { ALIAS_KEY_ID_OPERATIONS } from '../access/operationRules';
import { awsManagedKeyToCreate, createAwsManagedKey } from './awsManagedKeys';
import { keyArnOfAnswer } from './cloudTrailEvents';
import { CloudTrailEventHistory, type CloudTrailLookupFilter, type CloudTrailLookupPage } from './cloudTrailLookup';

const KMS_OPERATIONS: OperationTable = {
  ...keyLifecycleOperations,
  ...keyPolicyOperations,
  ...aliasOperations,
  ...cryptoOperations,
  ...dataKeyPairOperations,
  ...signingOperations,
  ...grantOperations,
  ...tagOperations,
  ...rotationOperations,
  ...importOperations,
  ...multiRegionOperations,
  ...customKeyStoreOperations,
};

const CLOUDHSM_OPERATIONS: OperationTable = cloudHsmOperations;

/** The answer to a request whose change (or one it rested on) could not be made durable. */
function storeFailure(error: unknown): KmsServiceError {
  if (error instanceof KmsServiceError) return error;
  if (error instanceof StateRolledBackError || error instanceof StoreUnavailableError) return internalFailure(error.message);
  return internalFailure(`The change could not be written to the engine store (${describeStoreFailure(error)}); nothing was changed.`);
}

/** Every KMS operation the engine serves (X-Amz-Target suffixes of `TrentService`). */
export const KMS_OPERATION_NAMES: readonly string[] = Object.keys(KMS_OPERATIONS);
/** Every CloudHSM v2 operation the engine serves (suffixes of `BaldrApiService`). */
export const CLOUDHSM_OPERATION_NAMES: readonly string[] = Object.keys(CLOUDHSM_OPERATIONS);

export class KmsEngine implements KmsEngineService {
  readonly defaultAccountId: string;
  readonly defaultRegion: string;
  private readonly listeners = new Set<() => void>();
  private readonly accessKeys = new Map<string, AccessKeyRecord>();
  /** Decoded material by key id, then material id (prefixed by the key store for keys in one). */
  private readonly secretCache = new Map<string, Map<string, Buffer>>();
  private readonly services: EngineServices;
  private readonly cloudHsmAuthorizer: CloudHsmAuthorizer;
  private readonly cloudTrailAuthorizer: CloudHsmAuthorizer;
  /** Every KMS call's CloudTrail event, the newest kept in memory. */
  readonly eventHistory = new CloudTrailEventHistory();
  private nextEventAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly closeHandlers: Array<() => void | Promise<void>> = [];

  constructor(
    private readonly state: EngineState,
    private readonly environment: Environment,
    private readonly clock: Clock,
    authorizer: EngineAuthorizer,
    private readonly persistence: EnginePersistence,
    settings: EngineSettings,
  ) {
    this.defaultAccountId = environment.accounts[0]?.id ?? '111122223333';
    this.defaultRegion = environment.defaultRegion;
    for (const principal of environment.principals) {
      const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal.arn)?.[1] ?? this.defaultAccountId;
      for (const key of principal.accessKeys) {
        this.accessKeys.set(key.accessKeyId, { ...key, principalArn: principal.arn, accountId: account });
      }
    }
    this.services = {
      environment,
      settings,
      authorizer,
      materialSecret: (key, materialId) => this.materialSecret(key, materialId),
      forgetSecrets: (key) => this.forgetSecrets(key),
    };
    this.cloudHsmAuthorizer = new CloudHsmAuthorizer(environment);
    this.cloudTrailAuthorizer = new CloudHsmAuthorizer(environment, 'cloudtrail', 'AccessDeniedException');
    this.nextEventAt = nextEventTime(state);
    this.scheduleTimer();
  }

  findAccessKey(accessKeyId: string): AccessKeyRecord | undefined {
    return this.accessKeys.get(accessKeyId);
  }

  keyArnOfCiphertext(ciphertext: Uint8Array, region: string): string | undefined {
    const keyId = ciphertextKeyId(Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength));
    if (!keyId) return undefined;
    // Replicas of a multi-Region key share its id: prefer the one in the Region asked about.
    const keys = Object.values(this.state.keys).filter((k) => k.keyId === keyId);
    return (keys.find((k) => k.region === region) ?? keys[0])?.arn;
  }

  scenarioFor(request: EngineScenarioRequest): AccessScenario | undefined {
    const accountId = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(request.principalArn)?.[1] ?? this.defaultAccountId;
    const region = request.region ?? /^arn:[^:]+:kms:([^:]+):/.exec(request.keyRef)?.[1] ?? this.defaultRegion;
    let key: KeyRecord;
    try {
      key = resolveKey(this.state, request.keyRef, { partition: this.environment.partition, region, account: accountId }).key;
    } catch {
      return undefined;
    }
    return this.services.authorizer.keyScenario({
      caller: { principalArn: request.principalArn, accountId, accessKeyId: '', region },
      action: request.action,
      key,
      keyState: effectiveKeyState(this.state, key),
      aliases: aliasesOf(this.state, key),
      keyIdAsGiven: request.keyRef,
      encryptionContext: request.encryptionContext,
      grantTokens: request.grantTokens,
      context: request.context,
    });
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  execute(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject> {
    return Promise.resolve(this.executeNow(operation, input, caller));
  }

  executeNow(operation: string, input: JsonObject, caller: AuthenticatedCaller): JsonObject | Promise<JsonObject> {
    const handler = Object.prototype.hasOwnProperty.call(KMS_OPERATIONS, operation) ? KMS_OPERATIONS[operation] : undefined;
    if (!handler) return Promise.reject(new KmsServiceError('UnknownOperationException', ''));
    const time = this.clock.now().getTime();
    const answer = this.run(operation, this.withAwsManagedKey(operation, handler, input), input, caller);
    if (!(answer instanceof Promise)) {
      this.record(operation, input, caller, time, answer, undefined);
      return answer;
    }
    return answer.then(
      (output) => {
        this.record(operation, input, caller, time, output, undefined);
        return output;
      },
      (error: unknown) => {
        this.record(operation, input, caller, time, undefined, error);
        throw error;
      },
    );
  }

  /** Keeps the call's CloudTrail event (built only when read). */
  private record(operation: string, input: JsonObject, caller: AuthenticatedCaller, time: number, output: JsonObject | undefined, error: unknown): void {
    let keyArn = keyArnOfAnswer(output);
    if (keyArn === undefined && input && typeof input === 'object') {
      const given = operation === 'ReEncrypt' ? input.DestinationKeyId : input.KeyId;
      if (typeof given === 'string') {
        try {
          keyArn = resolveKey(this.state, given, { partition: this.environment.partition, region: caller.region, account: caller.accountId }).key.arn;
        } catch {
          // A key that does not resolve names no resource, as in AWS's events for NotFoundException.
        }
      } else if (typeof input.CiphertextBlob === 'string') {
        // A failed Decrypt still names the key its ciphertext was made under.
        keyArn = this.keyArnOfCiphertext(Buffer.from(input.CiphertextBlob, 'base64'), caller.region);
      }
    }
    const failure = error instanceof KmsServiceError ? error : error === undefined ? undefined : { errorName: 'KMSInternalException', message: '' };
    this.eventHistory.record(operation, input, caller, time, keyArn, output, failure);
  }

  lookupEvents(filter: CloudTrailLookupFilter, caller?: AuthenticatedCaller): CloudTrailLookupPage {
    if (caller) this.cloudTrailAuthorizer.authorize(caller, 'LookupEvents', '*', this.clock.now());
    return this.eventHistory.lookup(filter);
  }

  cloudTrailEvents(): Iterable<JsonObject> {
    return this.eventHistory.events();
  }

  /**
   * A request that names a predefined AWS alias (`alias/aws/s3`) with no key yet first creates
   * that AWS managed key, as the service would on first use; then the operation runs as usual.
   */
  private withAwsManagedKey(operation: string, handler: OperationTable[string], input: JsonObject): OperationTable[string] {
    if (!ALIAS_KEY_ID_OPERATIONS.has(operation) || !input || typeof input !== 'object') return handler;
    const given = operation === 'ReEncrypt' ? input.DestinationKeyId : input.KeyId;
    if (typeof given !== 'string' || !given.includes('alias/aws/')) return handler;
    return async (context) => {
      const alias = awsManagedKeyToCreate(context, given);
      if (alias) await createAwsManagedKey(context, alias);
      return handler(context);
    };
  }

  executeCloudHsm(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject> {
    const handler = Object.prototype.hasOwnProperty.call(CLOUDHSM_OPERATIONS, operation) ? CLOUDHSM_OPERATIONS[operation] : undefined;
    if (!handler) return Promise.reject(new KmsServiceError('UnknownOperationException', ''));
    const authorized: OperationTable[string] = (context) => {
      const clusterId = typeof input?.ClusterId === 'string' ? input.ClusterId : undefined;
      const resource = clusterId ? `arn:${this.environment.partition}:cloudhsm:${caller.region}:${caller.accountId}:cluster/${clusterId}` : '*';
      this.cloudHsmAuthorizer.authorize(caller, operation, resource, new Date(context.now));
      return handler(context);
    };
    return Promise.resolve(this.run(operation, authorized, input, caller));
  }

  /** Applies whatever the clock has made due; called after the user advances the clock. */
  async refresh(): Promise<void> {
    if (this.closed) return;
    const due = this.applyDue(this.clock.now().getTime());
    if (due) await this.afterChange(this.persistence.begin(), due);
  }

  /** Runs `cleanup` when the engine closes. */
  onClose(cleanup: () => void | Promise<void>): void {
    this.closeHandlers.push(cleanup);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Before the store is released: a cleanup may still write to it (the CloudTrail events).
    for (const cleanup of this.closeHandlers.splice(0)) await cleanup();
    if (this.timer) clearTimeout(this.timer);
    await this.persistence.close();
  }

  /**
   * Runs one operation. Most operations (every cryptographic one) neither wait for key
   * generation nor write the store, and their answer comes back at once when no change is
   * waiting for the disk, so a caller can answer in one go; the others answer with a promise.
   * No answer is given before every change made until then is durable (a client must never hold
   * a ciphertext under a key or material a crash could take away). A failure is always a
   * rejected promise.
   */
  private run(operation: string, handler: OperationTable[string], input: JsonObject, caller: AuthenticatedCaller): JsonObject | Promise<JsonObject> {
    const epoch = this.persistence.epoch;
    // The entries this operation reaches are the ones its write carries.
    const view = new TrackedState(this.state);
    let ticket: number | undefined;
    const markChanged = () => {
      ticket ??= this.persistence.begin();
      this.services.authorizer.stateChanged();
    };
    try {
      if (this.closed) throw internalFailure('The engine has been closed.');
      this.persistence.assertUsable();
      if (!input || typeof input !== 'object' || Array.isArray(input)) {
        throw new KmsServiceError('SerializationException', 'The request body must be a JSON object.');
      }
      const now = this.clock.now().getTime();
      // What the clock made due is written on its own, not held back with this operation.
      const due = this.applyDue(now);
      if (due) void this.afterChange(this.persistence.begin(), due).catch(() => undefined);
      const context: OperationContext = {
        operation,
        state: view,
        caller,
        input: new OperationInput(input),
        now,
        scope: { partition: this.environment.partition, region: caller.region, account: caller.accountId },
        services: this.services,
        changed: markChanged,
      };
      const result = handler(context);
      if (result instanceof Promise) return this.finish(operation, result, () => ticket, view, epoch);
      if (ticket !== undefined) return this.afterChange(ticket, view.touched, epoch).then(() => result);
      const wait = this.persistence.whenSettled(epoch);
      return wait ? this.answerWhenSettled(wait, result) : result;
    } catch (error) {
      return this.fail(operation, error, ticket, view, epoch);
    }
  }

  private async answerWhenSettled(wait: Promise<void>, result: JsonObject): Promise<JsonObject> {
    try {
      await wait;
    } catch (error) {
      throw storeFailure(error);
    }
    return result;
  }

  private async finish(operation: string, pending: Promise<JsonObject>, ticket: () => number | undefined, view: TrackedState, epoch: number): Promise<JsonObject> {
    let result: JsonObject;
    try {
      result = await pending;
    } catch (error) {
      return this.fail(operation, error, ticket(), view, epoch);
    }
    const changed = ticket();
    if (changed !== undefined) await this.afterChange(changed, view.touched, epoch);
    else {
      const wait = this.persistence.whenSettled(epoch);
      if (wait) await this.answerWhenSettled(wait, result);
    }
    return result;
  }

  private async fail(operation: string, error: unknown, ticket: number | undefined, view: TrackedState, epoch: number): Promise<never> {
    // A handler that changed state before failing still has its change made durable, and an
    // error is no more given early than an answer is.
    if (ticket !== undefined) await this.afterChange(ticket, view.touched, epoch);
    else {
      const wait = this.persistence.whenSettled(epoch);
      if (wait) await wait.catch((failure: unknown) => Promise.reject(storeFailure(failure)));
    }
    if (error instanceof KmsServiceError) throw error;
    throw internalFailure(`The engine failed to run ${operation}: ${error instanceof Error ? describeStoreFailure(error) : String(error)}`);
  }

  private async afterChange(ticket: number, entries: ReadonlySet<string>, epoch?: number): Promise<void> {
    // Also here: a handler may change more after it first said so.
    this.services.authorizer.stateChanged();
    // Only the entries reached can have gained an event; one that lost its event makes the
    // engine wake up early once, find nothing due, and look at everything again.
    const next = nextEventTimeOf(this.state, entries);
    if (next < this.nextEventAt) {
      this.nextEventAt = next;
      this.scheduleTimer();
    }
    try {
      await this.persistence.commit(ticket, entries);
      const wait = epoch === undefined ? undefined : this.persistence.whenSettled(epoch);
      if (wait) await wait;
    } catch (error) {
      // The state is back to what is durable: forget what was derived from the discarded one.
      this.afterRollBack();
      throw storeFailure(error);
    } finally {
      this.emitChange();
    }
  }

  private afterRollBack(): void {
    this.secretCache.clear();
    this.services.authorizer.stateChanged();
    this.nextEventAt = nextEventTime(this.state);
    this.scheduleTimer();
  }

  /** Applies what is due; answers the entries it reached when it changed anything. */
  private applyDue(now: number): ReadonlySet<string> | undefined {
    if (now < this.nextEventAt) return undefined;
    const view = new TrackedState(this.state);
    const changed = applyDueEvents(view, now, this.services);
    if (changed) this.services.authorizer.stateChanged();
    this.nextEventAt = nextEventTime(this.state);
    this.scheduleTimer();
    return changed ? view.touched : undefined;
  }

  /** Wakes up for the next due event so listeners (a key explorer) see it without a call. */
  private scheduleTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || !Number.isFinite(this.nextEventAt)) return;
    // Timers cannot wait longer than about 24 days; a far event is re-checked then.
    const delay = Math.min(2_000_000_000, Math.max(0, this.nextEventAt - this.clock.now().getTime()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().catch(() => undefined);
    }, delay + 1);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private emitChange(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the engine goes on.
      }
    }
  }

  private materialSecret(key: KeyRecord, materialId: string): Buffer | undefined {
    let secrets = this.secretCache.get(key.keyId);
    if (!secrets) this.secretCache.set(key.keyId, (secrets = new Map()));
    const cacheKey = key.customKeyStoreId ? `${key.customKeyStoreId}/${materialId}` : materialId;
    let secret = secrets.get(cacheKey);
    if (!secret) {
      secret = readSecret(this.state, key, materialId);
      if (secret) secrets.set(cacheKey, secret);
    }
    return secret;
  }

  private forgetSecrets(key: KeyRecord): void {
    this.secretCache.delete(key.keyId);
  }
}
