// `kms-policy serve`: the embedded KMS engine (and its simulated CloudHSM clusters) on a
// loopback HTTP endpoint, for any AWS SDK or the AWS CLI. State persists encrypted in a store
// folder (one process at a time), and SIGINT/SIGTERM flush it and stop cleanly.
import { loadRootKey } from '../node/rootKeyFile';
import { EngineStoreLockedError } from '../node/fileEngineStore';
import { parseClockAdvance } from '../core/engine/engineClock';
import { startKmsHttpServer } from '../http/kmsHttpServer';
import { isLoopbackHost } from '../http/localServerGuard';
import { networkExposureProblem, openServedEngine, servedPrincipals } from '../http/servedEngine';
import { readEnvironmentFile } from '../node/environmentFile';
import { defaultEnvironment } from '../core/environment/environmentModel';
import { msUntil, createStudioAdminRoute } from '../http/studioAdminRoutes';
import { parseServeArguments, SERVE_USAGE, type ServeOptions } from '../http/serveOptions';

export async function runServeCommand(args: string[]): Promise<number> {
  let options: ServeOptions;
  try {
    options = parseServeArguments(args);
  } catch (error) {
    process.stderr.write(`kms-policy serve: ${(error as Error).message}\n\n${SERVE_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }

  // Beyond loopback, the access keys are the only guard: refuse to start when anyone could guess one.
  if (!isLoopbackHost(options.host)) {
    let problem: string | undefined;
    try {
      problem = networkExposureProblem(options.environmentFile ? readEnvironmentFile(options.environmentFile) : defaultEnvironment());
    } catch (error) {
      process.stderr.write(`kms-policy serve: ${(error as Error).message}\n`);
      return 2;
    }
    if (problem) {
      process.stderr.write(
        `kms-policy serve: refusing to listen on ${options.host}, where other machines can reach it: ${problem}. ` +
          'Give --environment with principals whose access keys are your own, or bind 127.0.0.1.\n',
      );
      return 2;
    }
  }

  let served;
  let rootKeyFrom = '';
  try {
    const rootKey = options.storeDir ? await loadRootKey(options.storeDir) : undefined;
    rootKeyFrom = rootKey?.from ?? '';
    served = await openServedEngine({
      environmentFile: options.environmentFile,
      storeDir: options.storeDir,
      rootKey: rootKey?.key,
    });
  } catch (error) {
    process.stderr.write(`kms-policy serve: ${(error as Error).message}\n`);
    return error instanceof EngineStoreLockedError ? 1 : 2;
  }
  const { engine, environment, clock } = served;

  try {
    if (options.clock) {
      clock.advance('advance' in options.clock ? parseClockAdvance(options.clock.advance) : msUntil(options.clock.to, clock.now()));
    }
  } catch (error) {
    process.stderr.write(`kms-policy serve: --clock: ${(error as Error).message}\n`);
    await engine.close();
    return 2;
  }

  let server;
  try {
    server = await startKmsHttpServer(engine, {
      host: options.host,
      port: options.port,
      maxBodyBytes: options.maxBodyBytes,
      allowedHosts: options.allowedHosts,
      adminRoute: createStudioAdminRoute(clock, engine),
      onExchange: options.log
        ? (exchange) =>
            process.stdout.write(
              `${new Date().toISOString()} ${exchange.target.replace(/^(TrentService|BaldrApiService)\./, '').padEnd(24)} ` +
                `${(exchange.accessKeyId ?? '-').padEnd(22)} ${exchange.errorType ?? 'OK'} (${exchange.statusCode}) ${exchange.durationMs.toFixed(1)} ms\n`,
            )
        : undefined,
      onInternalError: (error, operation) =>
        process.stderr.write(`kms-policy serve: ${operation || 'request'} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is already in use; choose another with --port (0 picks a free one).`
        : (error as Error).message;
    process.stderr.write(`kms-policy serve: ${reason}\n`);
    await engine.close();
    return 1;
  }

  const principals = servedPrincipals(environment);
  const first = principals[0];
  process.stdout.write(
    `KMS endpoint: ${server.url}  account ${engine.defaultAccountId}  region ${engine.defaultRegion}` +
      (first ? `  credentials ${first.accessKeyId}/${options.environmentFile ? '<secret from the environment file>' : first.secretAccessKey}` : '') +
      '\n',
  );
  for (const principal of principals) process.stdout.write(`  ${principal.accessKeyId.padEnd(22)} acts as ${principal.arn}\n`);
  process.stdout.write(
    options.storeDir
      ? `Store: ${options.storeDir} (encrypted at rest; root key from ${rootKeyFrom})\n`
      : 'Store: memory only (nothing is written)\n',
  );
  if (clock.offset) process.stdout.write(`Engine clock: ${clock.now().toISOString()}\n`);
  process.stdout.write(
    `Try: aws kms create-key --endpoint-url ${server.url} --region ${engine.defaultRegion}\n` +
      `Admin token (for /_studio/ routes, new each start): ${server.adminToken}\n` +
      `Move the engine clock: curl -X POST -H 'Authorization: Bearer ${server.adminToken}' -H 'Content-Type: application/json' ${server.url}/_studio/clock -d '{"advance":"30d"}'\n` +
      'Stop with Ctrl-C.\n',
  );
  if (!isLoopbackHost(options.host)) {
    process.stderr.write(`kms-policy serve: warning: listening on ${options.host}, reachable beyond this machine.\n`);
  }

  const running = server;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.exit(130);
      }
      stopping = true;
      process.stdout.write(`\n${signal}: stopping; flushing the store...\n`);
      void (async () => {
        let code = 0;
        await running.close();
        try {
          await engine.close();
        } catch (error) {
          process.stderr.write(`kms-policy serve: closing the store failed: ${(error as Error).message}\n`);
          code = 1;
        }
        process.stdout.write('Stopped.\n');
        // Anything still holding the event loop (a client's half-open socket) must not keep us alive.
        setTimeout(() => process.exit(code), 500).unref();
        resolve(code);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
