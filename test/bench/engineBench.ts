// Engine throughput, in one bounded run:
//  1. Encrypt and GenerateDataKey through @aws-sdk/client-kms in process (the request handler
//     calls handleRawWireRequest: SigV4, authorization, crypto), next to the same SDK with a
//     handler that answers a canned response. The ratio is the engine's own cost per call.
//     The engine runs bundled, as it ships (see support/bundledImport.ts).
//  2. Encrypt of 1 KB over loopback HTTP to `kms-policy serve` (the bundled CLI in its own
//     process) with many concurrent keep-alive clients from a separate load process, next to a
//     bare node:http server process answering the same bytes.
// Run: node --import tsx test/bench/engineBench.ts   (or npm run bench); BENCH_PHASES=http runs one part.
import { fork, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CreateKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import { join } from 'node:path';
import { bundledImport } from './support/bundledImport';
import { REPO_ROOT, startServe } from '../sdk/support/serveProcess';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../unit/http/signedRequest';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 8_000);
const HTTP_MS = Number(process.env.BENCH_HTTP_MS ?? 2_000);
const HTTP_CLIENTS = Number(process.env.BENCH_HTTP_CLIENTS ?? 64);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
/**
 * Each in-process measurement is split in short rounds, alternating engine and baseline, and the
 * figure is the median over the pairs: garbage collection and other work on the machine come in
 * bursts, and a pair of adjacent rounds shares whatever burst it falls in.
 */
const PAIRS = 20;
/** The HTTP measurement alternates longer runs of the two servers; the best run of each counts. */
const ROUNDS = 4;
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Answers every request with the same body, without looking at the request: the SDK's own cost.
 * The headers are the ones the engine sends (content type, length, a fresh request id), so the
 * SDK handles exactly what it handles with the engine behind it.
 */
class CannedResponseHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  constructor(private readonly body: Uint8Array) {}
  async handle(): Promise<{ response: HttpResponse }> {
    return {
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(this.body.length), 'x-amzn-requestid': randomUUID() },
        body: this.body,
      },
    };
  }
  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

interface Rate {
  /** Calls per second of wall-clock time. */
  readonly perSecond: number;
  /** Process CPU time per call, in microseconds: steady even when other work shares the machine. */
  readonly cpuMicros: number;
}

/** Calls `once` with IN_FLIGHT calls outstanding for `ms`. */
async function rate(ms: number, once: () => Promise<unknown>): Promise<Rate> {
  let done = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < deadline) {
        await once();
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: done / ((performance.now() - started) / 1000), cpuMicros: (used.user + used.system) / done };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function inProcessPhase(): Promise<void> {
  // The engine as the product ships it (bundled), not as tsx transpiles it.
  const { openKmsEngine, defaultEnvironment, InProcessRequestHandler } = await bundledImport<typeof import('./support/inProcessEngine')>(
    join(__dirname, 'support', 'inProcessEngine.ts'),
  );
  const engine = await openKmsEngine({ environment: defaultEnvironment() });
  const client = new KMSClient({ region: 'us-east-1', credentials: CREDENTIALS, requestHandler: new InProcessRequestHandler(engine) });
  const key = await client.send(new CreateKeyCommand({ Description: 'bench' }));
  const keyId = key.KeyMetadata!.KeyId!;
  const plaintext = new Uint8Array(1024).fill(7);
  const encrypt = () => client.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }));
  const dataKey = () => client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));

  // The canned answers are real engine outputs, so the SDK parses exactly the same bytes.
  const encryptOut = await encrypt();
  const dataKeyOut = await dataKey();
  const canned = (body: object) =>
    new KMSClient({
      region: 'us-east-1',
      credentials: CREDENTIALS,
      requestHandler: new CannedResponseHandler(Buffer.from(JSON.stringify(body))),
    });
  const b64 = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('base64');
  const noopEncryptClient = canned({ KeyId: encryptOut.KeyId, CiphertextBlob: b64(encryptOut.CiphertextBlob), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  const noopDataKeyClient = canned({ KeyId: dataKeyOut.KeyId, CiphertextBlob: b64(dataKeyOut.CiphertextBlob), Plaintext: b64(dataKeyOut.Plaintext) });
  const noopEncrypt = () => noopEncryptClient.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }));
  const noopDataKey = () => noopDataKeyClient.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));

  // Warm every path until the JIT settles, then alternate engine and baseline so drift (and
  // other work on a shared machine) hits both alike.
  for (const warm of [encrypt, noopEncrypt, dataKey, noopDataKey]) await rate(1_500, warm);
  for (const [name, real, noop] of [
    ['Encrypt (1 KB)', encrypt, noopEncrypt],
    ['GenerateDataKey (AES_256)', dataKey, noopDataKey],
  ] as const) {
    const pairs: { engine: Rate; sdkOnly: Rate }[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const engineRate = await rate(PHASE_MS / (2 * PAIRS), real);
      pairs.push({ engine: engineRate, sdkOnly: await rate(PHASE_MS / (2 * PAIRS), noop) });
    }
    const perSecond = (side: 'engine' | 'sdkOnly') => median(pairs.map((p) => p[side].perSecond));
    const cpu = (side: 'engine' | 'sdkOnly') => median(pairs.map((p) => p[side].cpuMicros));
    // The engine's own cost: CPU time per call with it over CPU time per call without it, pair by pair.
    const ratio = median(pairs.map((p) => p.engine.cpuMicros / p.sdkOnly.cpuMicros));
    const wallRatio = median(pairs.map((p) => p.sdkOnly.perSecond / p.engine.perSecond));
    const added = (ratio - 1) * 100;
    console.log(
      `${name.padEnd(27)} SDK + engine in process: ${fmt(perSecond('engine')).padStart(6)} calls/s, ${cpu('engine').toFixed(0)} µs CPU/call | ` +
        `SDK + no-op handler: ${fmt(perSecond('sdkOnly')).padStart(6)} calls/s, ${cpu('sdkOnly').toFixed(0)} µs CPU/call | ` +
        `ratio ${ratio.toFixed(2)} CPU, ${wallRatio.toFixed(2)} calls/s | engine adds ${added.toFixed(1)}% per call (a figure, not a target: the user-visible one is HTTP throughput)`,
    );
  }
  client.destroy();
  await engine.close();
}

async function httpPhase(): Promise<void> {
  // The product as users run it: the bundled CLI's `serve`, in its own process.
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building dist/ failed');
  const serve = await startServe(['--memory']);
  try {
    const client = new KMSClient({ region: 'us-east-1', credentials: CREDENTIALS, endpoint: serve.url });
    const keyId = (await client.send(new CreateKeyCommand({ Description: 'bench' }))).KeyMetadata!.KeyId!;
    client.destroy();

    // A bare node:http server, also in its own process, answering the bytes of a real Encrypt
    // response without reading them: the transport's ceiling on this machine.
    const sample = await loadOnce(serve.url, keyId);
    const bare = fork(__filename, ['--bare', sample.toString('base64')], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const bareUrl = await new Promise<string>((resolve) => bare.once('message', (m) => resolve(String(m))));

    // Alternate the two servers so a burst of load from elsewhere on the machine hits both.
    const bareRuns: { rate: number; errors: number }[] = [];
    const engineRuns: { rate: number; errors: number }[] = [];
    for (let round = 0; round < ROUNDS / 2; round++) {
      bareRuns.push(await runLoadProcess(bareUrl, keyId));
      engineRuns.push(await runLoadProcess(serve.url, keyId));
    }
    bare.kill();
    const best = (runs: { rate: number; errors: number }[]) => ({
      rate: Math.max(...runs.map((r) => r.rate)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
    });
    const bareRate = best(bareRuns);
    const engineRate = best(engineRuns);
    console.log(
      `Encrypt (1 KB) over loopback HTTP to kms-policy serve, ${HTTP_CLIENTS} keep-alive clients: ${fmt(engineRate.rate)} requests/s ` +
        `(${engineRate.errors} errors) | bare node:http with the same answer: ${fmt(bareRate.rate)} requests/s | ` +
        `ratio ${(engineRate.rate / bareRate.rate).toFixed(2)} | target >= 10,000/s ${engineRate.rate >= 10000 && engineRate.errors === 0 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await serve.stop();
  }
}

/** The baseline server process: answers every request with the same bytes. */
async function bareMain(answerBase64: string): Promise<void> {
  const answer = Buffer.from(answerBase64, 'base64');
  const bare = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(answer.length) });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  process.send!(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`);
}

async function loadOnce(url: string, keyId: string): Promise<Buffer> {
  const signed = await encryptRequest(url, keyId, 0);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: signed.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(Buffer.concat(chunks).toString()))));
    });
    req.on('error', reject);
    req.end(signed.body);
  });
}

/** A signed Encrypt request for this endpoint; the same signature stays valid for five minutes. */
async function encryptRequest(url: string, keyId: string, n: number): Promise<{ headers: Record<string, string>; body: string }> {
  const { hostname, port, host } = new URL(url);
  const body = JSON.stringify({ KeyId: keyId, Plaintext: Buffer.alloc(1024, n % 251).toString('base64') });
  const signer = new SignatureV4({ service: 'kms', region: 'us-east-1', sha256: NodeSha256, credentials: CREDENTIALS });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: {
      host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Encrypt',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  });
  return { headers: signed.headers as Record<string, string>, body };
}

/** Forks this file as a load generator (a separate process, so it does not share the server's core). */
function runLoadProcess(url: string, keyId: string): Promise<{ rate: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load', url, keyId], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => resolve(message as { rate: number; errors: number }));
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`load process exited ${code}`))));
  });
}

/**
 * The load generator: HTTP_CLIENTS keep-alive connections, each sending its next request as soon
 * as the previous answer arrived. Requests are signed once and written as raw bytes, and answers
 * are parsed just enough to frame them, so the generator's own cost stays small next to the server's.
 */
async function loadMain(url: string, keyId: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const requests = await Promise.all(
    Array.from({ length: 32 }, async (_, i) => {
      const { headers, body } = await encryptRequest(url, keyId, i);
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      return Buffer.from(`POST / HTTP/1.1\r\n${head}connection: keep-alive\r\n\r\n${body}`);
    }),
  );
  let measuring = false;
  let stop = false;
  let ok = 0;
  let errors = 0;
  const clients = Array.from({ length: HTTP_CLIENTS }, (_, c) =>
    new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.setNoDelay(true);
      let n = c;
      let pending: Buffer = Buffer.alloc(0);
      const next = () => {
        if (stop) {
          socket.end();
          resolve();
          return;
        }
        socket.write(requests[n++ % requests.length]!);
      };
      socket.on('connect', next);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        for (;;) {
          const headerEnd = pending.indexOf('\r\n\r\n');
          if (headerEnd < 0) return;
          const head = pending.subarray(0, headerEnd).toString('latin1');
          const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (pending.length < headerEnd + 4 + length) return;
          if (measuring) {
            if (head.startsWith('HTTP/1.1 200')) ok++;
            else errors++;
          }
          pending = pending.subarray(headerEnd + 4 + length);
          next();
        }
      });
      socket.on('error', () => {
        errors++;
        resolve();
      });
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 700)); // warm-up
  measuring = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, HTTP_MS));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(clients);
  process.send!({ rate: ok / seconds, errors });
}

async function main(): Promise<void> {
  if (process.argv[2] === '--load') {
    await loadMain(process.argv[3]!, process.argv[4]!);
    return;
  }
  if (process.argv[2] === '--bare') {
    await bareMain(process.argv[3]!);
    return;
  }
  const started = Date.now();
  console.log(
    `Engine benchmark (Node ${process.version}; in process: ${PAIRS} alternating pairs of rounds in ${PHASE_MS} ms per operation, medians shown; ` +
      `HTTP: ${ROUNDS / 2} runs of ${HTTP_MS} ms per server, best shown)`,
  );
  const phases = (process.env.BENCH_PHASES ?? 'in-process,http').split(',');
  if (phases.includes('in-process')) await inProcessPhase();
  if (phases.includes('http')) await httpPhase();
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
