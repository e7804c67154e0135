// The two ways the sdk tier reaches the engine with @aws-sdk/client-kms: in process (the
// request handler calls handleWireRequest, as the editor bridge does) and over loopback HTTP
// to a `kms-policy serve` process. Every operation suite runs against both.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import type { KmsEngineService } from '../../../server/src/core/engine/kmsEngineApi';
import { AdjustableClock } from '../../../server/src/core/engine/engineClock';
import { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
import { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
import { readEnvironmentFile } from '../../../server/src/node/environmentFile';
import { InProcessRequestHandler } from './inProcessRequestHandler';
import { adminFetch, startServe, type ServeProcess } from './serveProcess';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export const ROOT_CREDENTIALS: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const ACCOUNT_ID = '111122223333';

export interface KmsTransport {
  readonly name: string;
  kms(options?: { credentials?: Credentials; region?: string }): KMSClient;
  hsm(options?: { credentials?: Credentials; region?: string }): CloudHSMV2Client;
  cloudTrail(options?: { credentials?: Credentials; region?: string }): CloudTrailClient;
  /** Moves the engine clock forward. */
  advanceClock(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens an in-memory engine in this process; the SDK reaches it through handleWireRequest. */
export async function inProcessTransport(environmentFile?: string): Promise<KmsTransport> {
  const clock = new AdjustableClock();
  const environment = environmentFile ? readEnvironmentFile(environmentFile) : defaultEnvironment();
  const engine: KmsEngineService = await openKmsEngine({ environment, clock });
  const handler = new InProcessRequestHandler(engine);
  const clients: { destroy(): void }[] = [];
  return {
    name: 'in process',
    kms: (options = {}) => track(clients, new KMSClient(clientConfig(options, { requestHandler: handler }))),
    hsm: (options = {}) => track(clients, new CloudHSMV2Client(clientConfig(options, { requestHandler: handler }))),
    cloudTrail: (options = {}) => track(clients, new CloudTrailClient(clientConfig(options, { requestHandler: handler }))),
    advanceClock: async (ms) => clock.advance(ms),
    close: async () => {
      clients.forEach((c) => c.destroy());
      await engine.close();
    },
  };
}

/** Spawns `kms-policy serve --memory` on a free port; the SDK reaches it over loopback HTTP. */
export async function httpTransport(extraArgs: readonly string[] = ['--memory']): Promise<KmsTransport & { serve: ServeProcess }> {
  const serve = await startServe(extraArgs);
  const clients: { destroy(): void }[] = [];
  return {
    name: 'over HTTP',
    serve,
    kms: (options = {}) => track(clients, new KMSClient(clientConfig(options, { endpoint: serve.url }))),
    hsm: (options = {}) => track(clients, new CloudHSMV2Client(clientConfig(options, { endpoint: serve.url }))),
    cloudTrail: (options = {}) => track(clients, new CloudTrailClient(clientConfig(options, { endpoint: serve.url }))),
    advanceClock: async (ms) => {
      const response = await adminFetch(serve, '/_studio/clock', { advance: `${ms}ms` });
      if (!response.ok) throw new Error(`advancing the clock failed: ${await response.text()}`);
    },
    close: async () => {
      clients.forEach((c) => c.destroy());
      await serve.stop();
    },
  };
}

function clientConfig<T extends object>(options: { credentials?: Credentials; region?: string }, transport: T) {
  return {
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? ROOT_CREDENTIALS,
    maxAttempts: 1,
    ...transport,
  };
}

function track<T extends { destroy(): void }>(list: { destroy(): void }[], client: T): T {
  list.push(client);
  return client;
}

/** A scratch folder removed by the returned function. */
export function scratchDir(prefix: string): { path: string; remove(): void; file(name: string, text: string): string } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => rmSync(path, { recursive: true, force: true }),
    file: (name, text) => {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What @aws-sdk shows as the message of an error whose body has `"message": ""` (AWS sends an empty one for InvalidCiphertextException). */
export const SDK_EMPTY_MESSAGE = 'UnknownError';

/** Asserts that `promise` rejects with an AWS error of this name (and message, when given). */
export async function expectKmsError(
  promise: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    if (e.name !== name) throw new Error(`expected ${name}, got ${e.name}: ${e.message}`);
    if (typeof message === 'string' && e.message !== message && !(message === '' && e.message === SDK_EMPTY_MESSAGE)) {
      throw new Error(`expected ${name} message ${JSON.stringify(message)}, got ${JSON.stringify(e.message)}`);
    }
    if (message instanceof RegExp && !message.test(e.message)) {
      throw new Error(`expected ${name} message matching ${message}, got ${JSON.stringify(e.message)}`);
    }
    return e;
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}
