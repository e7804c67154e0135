// The in-editor bridge to the embedded engine. The extension's KMS client forwards each signed
// SDK request here (`kmsPolicyStudio/kmsRequest`) and gets the answer `kms-policy serve` would
// give; `engineInfo` says whom the client can act as; `engineChanged` tells it to refresh. A
// loopback endpoint beside it lets a terminal's SDK or AWS CLI reach the same engine.
import { ResponseError, ErrorCodes, type ServerCapabilities } from 'vscode-languageserver';
import { EnvironmentError } from '../core/environment/environmentLoader';
import { AdjustableClock } from '../core/engine/engineClock';
import { KmsServiceError } from '../core/engine/kmsEngineApi';
import { setEngineScenarioSource } from './simulateFeature';
import { startKmsHttpServer, type RunningKmsHttpServer } from '../http/kmsHttpServer';
import { openServedEngine, servedPrincipals, type ServedEngine } from '../http/servedEngine';
import { readEnvironmentFile } from '../node/environmentFile';
import { advanceFrom, createStudioAdminRoute } from '../http/studioAdminRoutes';
import { errorResponse } from '../http/wireErrors';
import { handleWireRequest } from '../http/wireRequestHandler';
import { EngineStoreLockedError } from '../node/fileEngineStore';
import {
  AdvanceEngineClockRequest,
  CiphertextKeyRequest,
  EngineChangedNotification,
  EngineClockRequest,
  EngineInfoRequest,
  KmsWireRequest,
  type AdvanceEngineClockParams,
  type AdvanceEngineClockResult,
  type CiphertextKeyParams,
  type CiphertextKeyResult,
  type EngineInfoResult,
  type KmsWireRequestParams,
  type KmsWireRequestResult,
} from '../protocol';
import { workspaceTrusted, type RecordedKeyCalls, type ServerContext } from './serverContext';
import { onRequest, sendNotification } from './typedMessages';

/** Coalesces bursts of engine changes (a key created, then Enabled) into one notification. */
const CHANGE_NOTIFY_DELAY_MS = 100;

interface RunningBridge {
  readonly served: ServedEngine;
  readonly endpoint?: RunningKmsHttpServer;
  readonly unsubscribe: () => void;
}

export function registerEngineFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const bridge = new EngineBridge(ctx);
  ctx.recordedKeyCalls = (keyArn) => bridge.recordedKeyCalls(keyArn);
  onRequest(ctx.connection, KmsWireRequest, (params) => bridge.kmsRequest(params));
  onRequest(ctx.connection, EngineInfoRequest, () => bridge.info());
  onRequest(ctx.connection, AdvanceEngineClockRequest, (params) => bridge.advanceClock(params));
  onRequest(ctx.connection, EngineClockRequest, () => bridge.clockNow());
  onRequest(ctx.connection, CiphertextKeyRequest, (params) => bridge.ciphertextKey(params));
  // Open the engine as soon as the client is ready, so the first request does not wait for it.
  ctx.connection.onInitialized(() => void bridge.running().catch(() => undefined));
  ctx.connection.onShutdown(() => bridge.close());
  return {};
}

export class EngineBridge {
  private opening: Promise<RunningBridge> | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: ServerContext) {}

  /** The engine, opened once from the initialization options; later calls share it. */
  running(): Promise<RunningBridge> {
    this.opening ??= this.open();
    return this.opening;
  }

  async kmsRequest(params: KmsWireRequestParams): Promise<KmsWireRequestResult> {
    let bridge: RunningBridge;
    try {
      bridge = await this.running();
    } catch (error) {
      const response = errorResponse(
        new KmsServiceError('KMSInternalException', `The embedded engine is not available: ${messageOf(error)}`, 500),
      );
      return { statusCode: response.statusCode, headers: response.headers, bodyBase64: response.body.toString('base64') };
    }
    return handleWireRequest(bridge.served.engine, params, {
      onInternalError: (error, operation) => this.ctx.connection.console.error(`KMS ${operation} failed unexpectedly: ${stackOf(error)}`),
    });
  }

  async info(): Promise<EngineInfoResult> {
    const bridge = await this.runningOrResponseError();
    const { engine, environment } = bridge.served;
    return {
      accountId: engine.defaultAccountId,
      region: engine.defaultRegion,
      principals: servedPrincipals(environment),
      ...(bridge.endpoint ? { endpoint: bridge.endpoint.url, endpointAdminToken: bridge.endpoint.adminToken } : {}),
    };
  }

  /** The engine's CloudTrail events and its facts about the key, when the key is one of the engine's. */
  async recordedKeyCalls(keyArn: string): Promise<RecordedKeyCalls | undefined> {
    const running = await this.running().catch(() => undefined);
    const engine = running?.served.engine;
    const arn = /^arn:([^:]+):kms:([^:]+):(\d{12}):key\//.exec(keyArn);
    if (!running || !engine?.cloudTrailEvents || !engine.scenarioFor || !arn) return undefined;
    const [, partition, region, account] = arn;
    // Any request on the key carries its facts; this one is never run, so it leaves no event.
    const scenario = engine.scenarioFor({ principalArn: `arn:${partition}:iam::${account}:root`, action: 'kms:DescribeKey', keyRef: keyArn, region });
    if (!scenario) return undefined;
    return { events: engine.cloudTrailEvents(), scenario, environment: running.served.environment, now: running.served.clock.now() };
  }

  async ciphertextKey(params: CiphertextKeyParams): Promise<CiphertextKeyResult> {
    const { engine } = (await this.runningOrResponseError()).served;
    if (typeof params?.ciphertextBase64 !== 'string' || typeof params.region !== 'string') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'ciphertextBase64 and region: must be strings');
    }
    const keyArn = engine.keyArnOfCiphertext?.(Buffer.from(params.ciphertextBase64, 'base64'), params.region);
    return keyArn ? { keyArn } : {};
  }

  async advanceClock(params: AdvanceEngineClockParams): Promise<AdvanceEngineClockResult> {
    const { clock } = (await this.runningOrResponseError()).served;
    try {
      clock.advance(advanceFrom(params, clock.now()));
    } catch (error) {
      throw new ResponseError(ErrorCodes.InvalidParams, messageOf(error));
    }
    return { now: clock.now().toISOString(), offsetMs: clock.offset };
  }

  /** The engine's time, as its keys and events see it. */
  async clockNow(): Promise<AdvanceEngineClockResult> {
    const { clock } = (await this.runningOrResponseError()).served;
    return { now: clock.now().toISOString(), offsetMs: clock.offset };
  }

  async close(): Promise<void> {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    const opening = this.opening;
    this.opening = undefined;
    const bridge = await opening?.catch(() => undefined);
    if (!bridge) return;
    bridge.unsubscribe();
    await bridge.endpoint?.close();
    await bridge.served.engine.close();
  }

  private async runningOrResponseError(): Promise<RunningBridge> {
    try {
      return await this.running();
    } catch (error) {
      throw new ResponseError(ErrorCodes.InternalError, `The embedded engine is not available: ${messageOf(error)}`);
    }
  }

  private async open(): Promise<RunningBridge> {
    const options = this.ctx.initializationOptions;
    const clock = new AdjustableClock();
    // An untrusted workspace's environment file would seed principals, policies and access keys.
    const environmentFile = this.usableEnvironmentFile(workspaceTrusted(this.ctx) ? options.environmentFile : undefined);
    const rootKey = this.rootKey(this.ctx.runtime.engineRootKeyHex, options.engineStorePath);
    const storeDir = rootKey ? options.engineStorePath : undefined;
    let served: ServedEngine;
    try {
      served = await openServedEngine({ environmentFile, storeDir, rootKey, clock });
    } catch (error) {
      if (!storeDir) {
        this.tell('error', `KMS Key Policy Studio: the embedded engine could not start: ${messageOf(error)}`);
        throw error;
      }
      // The store is held by another window, unreadable or foreign: it is left exactly as it is,
      // and this window still gets a working engine, in memory.
      const reason = error instanceof EngineStoreLockedError ? error.message : `The engine store ${storeDir} could not be opened: ${messageOf(error)}`;
      this.tell('warning', `KMS Key Policy Studio: ${reason} This window's engine keeps its state in memory.`);
      served = await openServedEngine({ environmentFile, clock });
    }

    const unsubscribe = served.engine.onDidChange(() => this.scheduleChangeNotification());
    // Simulate access can then explain keys that exist only in the engine, with their grants and state.
    const engine = served.engine;
    if (engine.scenarioFor) setEngineScenarioSource(this.ctx, (input) => engine.scenarioFor?.(input));
    let endpoint: RunningKmsHttpServer | undefined;
    if (options.engineHttpPort !== null) {
      try {
        endpoint = await startKmsHttpServer(served.engine, {
          port: options.engineHttpPort ?? 0,
          adminRoute: createStudioAdminRoute(clock, served.engine),
          onInternalError: (error, operation) => this.ctx.connection.console.error(`KMS ${operation} failed unexpectedly: ${stackOf(error)}`),
        });
        this.ctx.connection.console.info(`Embedded KMS endpoint: ${endpoint.url}`);
      } catch (error) {
        this.ctx.connection.console.warn(`The embedded engine's loopback endpoint did not start: ${messageOf(error)}`);
      }
    }
    return { served, endpoint, unsubscribe };
  }

  /** The environment file when it loads; otherwise the default environment, with a warning. */
  private usableEnvironmentFile(file: string | undefined): string | undefined {
    if (!file) return undefined;
    try {
      readEnvironmentFile(file);
      return file;
    } catch (error) {
      const detail = error instanceof EnvironmentError ? error.issues.map((issue) => issue.message).join('; ') : messageOf(error);
      this.tell(
        'warning',
        `KMS Key Policy Studio: the environment file ${file} cannot be used (${detail}); the embedded engine serves the default account 111122223333.`,
      );
      return undefined;
    }
  }

  private rootKey(hex: string | undefined, storePath: string | undefined): Uint8Array | undefined {
    if (!storePath) return undefined;
    if (hex && /^[0-9a-fA-F]{64}$/.test(hex)) return new Uint8Array(Buffer.from(hex, 'hex'));
    this.tell('warning', 'KMS Key Policy Studio: no valid root key was given for the engine store, so the embedded engine keeps its state in memory.');
    return undefined;
  }

  /** Shows a message without waiting for the user, and never lets a closed connection throw. */
  private tell(kind: 'error' | 'warning', message: string): void {
    const shown = kind === 'error' ? this.ctx.connection.window.showErrorMessage(message) : this.ctx.connection.window.showWarningMessage(message);
    void Promise.resolve(shown).catch(() => undefined);
    this.ctx.connection.console[kind === 'error' ? 'error' : 'warn'](message);
  }

  private scheduleChangeNotification(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      void sendNotification(this.ctx.connection, EngineChangedNotification).catch(() => undefined);
    }, CHANGE_NOTIFY_DELAY_MS);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
