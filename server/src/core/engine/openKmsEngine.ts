// Opens the embedded KMS/HSM engine: reads (and decrypts) the stored state or starts empty,
// seeds the environment's keys, and answers a KmsEngineService for the wire layers.
import { randomBytes } from 'node:crypto';
import { simulateAccess } from '../access/simulateAccess';
import type { Environment } from '../environment/environmentModel';
import { CloudTrailEventPersistence, type CloudTrailEventBackend } from './cloudTrailEventLog';
import { AdjustableClock, systemClock } from './engineClock';
import { EngineAuthorizer, type AccessDecider } from './engineAuthorizer';
import { describeStoreFailure, EnginePersistence, type StorePosition } from './enginePersistence';
import { openRecords } from './engineJournal';
import { EngineStoreError } from './engineSnapshot';
import { replaceStateContents, type EngineState } from './engineState';
import { seedEnvironmentKeys } from './environmentSeeding';
import { seedEnvironmentClusters } from './environmentClusters';
import type { Clock, EngineStoreBackend } from './kmsEngineApi';
import { KmsEngine } from './kmsEngine';

export interface OpenKmsEngineOptions {
  readonly environment: Environment;
  /** Defaults to the system clock; pass an AdjustableClock to let users move time forward. */
  readonly clock?: Clock;
  /** Durable storage; absent means the state lives in memory only. */
  readonly store?: EngineStoreBackend;
  /** 32 bytes: the state is encrypted at rest with AES-256-GCM under it. Required with `store`. */
  readonly rootKey?: Uint8Array;
  /** How long Creating, Updating, CONNECTING and cluster provisioning last (default 50 ms). */
  readonly transientStateDelayMs?: number;
  /** On-demand rotations allowed per key (default 25, the 2026 API reference's limit). */
  readonly onDemandRotationLimit?: number;
  /** Where the store lives, for error messages. */
  readonly storeDescription?: string;
  /** Where the CloudTrail events are kept across restarts (with `store`); absent: in memory only. */
  readonly cloudTrailEvents?: CloudTrailEventBackend;
  /** Replaces the access evaluator (tests of the engine alone); defaults to simulateAccess. */
  readonly decideAccess?: AccessDecider;
}

export async function openKmsEngine(options: OpenKmsEngineOptions): Promise<KmsEngine> {
  const clock = options.clock ?? systemClock;
  const where = options.storeDescription ?? 'The engine store';
  if (options.store && (!options.rootKey || options.rootKey.length !== 32)) {
    await options.store.close();
    throw new EngineStoreError(`${where} needs a 32-byte root key to encrypt its state.`);
  }
  const store = options.store;
  const rootKey = options.rootKey ?? randomBytes(32);
  const load = async (): Promise<{ state: EngineState; position: StorePosition }> => {
    const stored = store ? await store.read() : undefined;
    const opened = openRecords(stored?.records ?? [], rootKey, where, stored?.legacy);
    const { sequence, snapshotBytes, journalBytes } = opened;
    return { state: opened.state, position: { sequence, snapshotBytes, journalBytes, needsSnapshot: !stored?.records.length || stored.legacy === true } };
  };
  let state: EngineState;
  let position: StorePosition;
  try {
    ({ state, position } = await load());
  } catch (error) {
    // Release the lock; the file stays exactly as it was.
    await store?.close();
    throw error;
  }
  const persistence = new EnginePersistence(store, rootKey, state, position, async () => {
    const durable = await load();
    replaceStateContents(state, durable.state);
    return durable.position;
  });
  let seeded: boolean;
  try {
    const seededClusters = seedEnvironmentClusters(state, options.environment, clock.now().getTime());
    seeded = (await seedEnvironmentKeys(state, options.environment, clock.now().getTime())) || seededClusters;
  } catch (error) {
    await options.store?.close();
    throw error;
  }
  const decide: AccessDecider = options.decideAccess ?? ((scenario) => simulateAccess(scenario, { now: clock.now() }));
  const engine = new KmsEngine(
    state,
    options.environment,
    clock,
    new EngineAuthorizer(options.environment, decide),
    persistence,
    {
      transientStateDelayMs: options.transientStateDelayMs ?? 50,
      onDemandRotationLimit: options.onDemandRotationLimit ?? 25,
    },
  );
  if (seeded || (store && position.needsSnapshot)) {
    try {
      await persistence.commit(persistence.begin());
    } catch (error) {
      await engine.close();
      throw new EngineStoreError(`${where} could not be written (${describeStoreFailure(error)}).`);
    }
  }
  if (store && options.cloudTrailEvents) {
    try {
      const events = await CloudTrailEventPersistence.open(options.cloudTrailEvents, rootKey, engine.eventHistory, clock, where);
      engine.onClose(() => events.close());
    } catch (error) {
      await options.cloudTrailEvents.close().catch(() => undefined);
      await engine.close();
      throw error;
    }
  }
  // Advancing an adjustable clock applies what became due at once, so listeners see it.
  if (clock instanceof AdjustableClock) {
    const unsubscribe = clock.onDidAdvance(() => void engine.refresh().catch(() => undefined));
    engine.onClose(unsubscribe);
  }
  return engine;
}

export { AdjustableClock, systemClock } from './engineClock';
export type { KmsEngine } from './kmsEngine';
