// What an operation handler receives: the state it reads and changes, the caller, its input,
// the time of the request, and the engine services (authorization, material, settings).
import type { Environment } from '../environment/environmentModel';
import type { EngineAuthorizer } from './engineAuthorizer';
import type { EngineState, KeyRecord } from './engineState';
import type { ResolveScope } from './keyIdentifiers';
import type { AuthenticatedCaller, JsonObject } from './kmsEngineApi';
import type { OperationInput } from './operationInput';

export interface EngineSettings {
  readonly transientStateDelayMs: number;
  readonly onDemandRotationLimit: number;
}

export interface EngineServices {
  readonly environment: Environment;
  readonly settings: EngineSettings;
  readonly authorizer: EngineAuthorizer;
  /** The decoded secret of one material generation, from a cache (material never changes). */
  materialSecret(key: KeyRecord, materialId: string): Buffer | undefined;
  /** Drops cached secrets of a key whose material was deleted or whose key was deleted. */
  forgetSecrets(key: KeyRecord): void;
}

export interface OperationContext {
  readonly operation: string;
  readonly state: EngineState;
  readonly caller: AuthenticatedCaller;
  readonly input: OperationInput;
  /** The request's time (epoch ms) from the engine clock. */
  readonly now: number;
  readonly scope: ResolveScope;
  readonly services: EngineServices;
  /** Marks the state changed: the engine persists it before the call resolves. */
  changed(): void;
}

export type OperationHandler = (context: OperationContext) => JsonObject | Promise<JsonObject>;

export type OperationTable = Readonly<Record<string, OperationHandler>>;
