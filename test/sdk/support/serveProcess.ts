// Starts `kms-policy serve` from the bundled CLI as a user would, on a free port, and reads
// the endpoint it prints. Tests talk to it over real loopback HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'kms-policy.js');

export interface ServeProcess {
  readonly url: string;
  /** The admin token serve printed, for `/_studio/` routes. */
  readonly adminToken: string;
  readonly child: ChildProcess;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process ended. */
  readonly exited: Promise<number | NodeJS.Signals>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

export interface ServeRun {
  readonly code: number | NodeJS.Signals;
  readonly output: string;
}

export function assertCliBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'node esbuild.mjs' (npm test builds it first).`);
}

/** Spawns serve and resolves once it printed its whole banner; rejects with its output if it exits first. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<ServeProcess> {
  assertCliBuilt();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? code ?? 1));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no endpoint within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /KMS endpoint: (http:\/\/\S+)/.exec(output);
      // The banner ends with "Stop with Ctrl-C."; by then every line of it was printed.
      if (match && output.includes('Stop with Ctrl-C.')) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          adminToken: /Admin token[^:]*: (\S+)/.exec(output)?.[1] ?? '',
          child,
          output: () => output,
          exited,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its endpoint:\n${output}`));
    });
  });
}

/** Runs serve expecting it to stop by itself (e.g. refused), and returns its exit code and output. */
export function runServeToExit(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<ServeRun> {
  assertCliBuilt();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ?? code ?? 1, output });
    });
  });
}

/** Calls an admin route of a running serve as its user would: with the admin token and a JSON body. */
export function adminFetch(serve: ServeProcess, path: string, body?: unknown): Promise<Response> {
  return fetch(`${serve.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${serve.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
