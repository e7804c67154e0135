// Opens the engine that `kms-policy serve` and the in-editor bridge put behind the wire
// protocol: the environment (a file read through the environment loader, or the default one
// account whose root user has test/test), the encrypted store on disk or memory, and an
// adjustable clock so users can move time forward.
import { resolve } from 'node:path';
import { AdjustableClock } from '../core/engine/engineClock';
import type { KmsEngineService } from '../core/engine/kmsEngineApi';
import { openKmsEngine } from '../core/engine/openKmsEngine';
import { defaultEnvironment, type Environment } from '../core/environment/environmentModel';
import { readEnvironmentFile } from '../node/environmentFile';
import { openCloudTrailEventFile } from '../node/cloudTrailEventFile';
import { openFileEngineStore } from '../node/fileEngineStore';
import { ensureStoreFolder } from '../node/storeFolder';

export interface ServedEngineOptions {
  /** Path of an environment file; absent: the default environment. */
  readonly environmentFile?: string;
  /** Folder of the encrypted store; absent: state lives in memory only. */
  readonly storeDir?: string;
  /** 32 bytes encrypting the store at rest; required with `storeDir`. */
  readonly rootKey?: Uint8Array;
  readonly clock?: AdjustableClock;
}

export interface ServedEngine {
  readonly engine: KmsEngineService;
  readonly environment: Environment;
  readonly clock: AdjustableClock;
}

/** A principal of the environment with an access key the engine accepts. */
export interface ServedPrincipal {
  readonly arn: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}


export async function openServedEngine(options: ServedEngineOptions): Promise<ServedEngine> {
  const environment = options.environmentFile ? readEnvironmentFile(options.environmentFile) : defaultEnvironment();
  const clock = options.clock ?? new AdjustableClock();
  const storeDir = options.storeDir ? resolve(options.storeDir) : undefined;
  if (storeDir) await ensureStoreFolder(storeDir);
  const store = storeDir ? await openFileEngineStore(storeDir) : undefined;
  let cloudTrailEvents;
  try {
    cloudTrailEvents = storeDir ? await openCloudTrailEventFile(storeDir) : undefined;
  } catch (error) {
    await store?.close();
    throw error;
  }
  const engine = await openKmsEngine({
    environment,
    clock,
    store,
    cloudTrailEvents,
    rootKey: options.rootKey,
    storeDescription: storeDir ? `The engine store ${storeDir}` : undefined,
  });
  return { engine, environment, clock };
}

/** Every principal that has an access key, first key each: whom a client can act as. */
export function servedPrincipals(environment: Environment): ServedPrincipal[] {
  return environment.principals.flatMap((principal) =>
    principal.accessKeys.slice(0, 1).map((key) => ({ arn: principal.arn, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey })),
  );
}

/**
 * Why this environment must not be served beyond this machine, or undefined when it may be: it
 * must give access keys, and none may be the well-known test/test of the default environment
 * (every emulator documents it, so it guards nothing on a network).
 */
export function networkExposureProblem(environment: Environment): string | undefined {
  const keys = environment.principals.flatMap((principal) => principal.accessKeys);
  if (keys.length === 0) return 'the environment gives no access keys';
  const wellKnown = keys.filter((key) => key.secretAccessKey === 'test' || key.accessKeyId === 'test');
  if (wellKnown.length) return `the environment accepts the well-known credentials ${wellKnown.map((key) => key.accessKeyId).join(', ')} (secret 'test')`;
  return undefined;
}

