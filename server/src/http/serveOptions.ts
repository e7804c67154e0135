// The options of `kms-policy serve`, read from its arguments with a clear message for each
// mistake, kept apart from the command so they can be tested without starting anything.
import { parseClockAdvance } from '../core/engine/engineClock';
import { readCommandLine, UsageError } from '../node/commandLine';

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Host header values accepted besides the loopback names (`--allowed-host`, repeatable). */
  readonly allowedHosts: readonly string[];
  readonly environmentFile?: string;
  /** Folder of the encrypted store; undefined with `--memory`. */
  readonly storeDir?: string;
  /** `--clock +7d` (advance) or `--clock 2027-01-01T00:00:00Z` (advance to). */
  readonly clock?: { readonly advance: string } | { readonly to: string };
  readonly maxBodyBytes: number;
  /** Print one line per request: operation, caller, status or error, time taken. */
  readonly log: boolean;
  readonly help: boolean;
}

export const DEFAULT_PORT = 4599;
export const DEFAULT_STORE_DIR = '.kms-policy-store';

export const SERVE_USAGE = `Usage: kms-policy serve [options]

Serves the embedded KMS engine (and its simulated CloudHSM clusters) over HTTP, so any AWS SDK
or the AWS CLI can use it with an endpoint URL.

Options:
  --port N              Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS        Address to bind (default 127.0.0.1, loopback only). Any other address
                        needs an environment file whose access keys are not test/test
  --allowed-host NAME   Accept requests addressed to NAME (or NAME:PORT) besides localhost,
                        127.0.0.1 and [::1]; repeatable. Others are refused (DNS rebinding)
  --environment FILE    Environment file: accounts, principals with access keys, keys, grants
                        (default: account 111122223333, whose root user has credentials test/test)
  --store DIR           Folder of the encrypted, durable store (default ${DEFAULT_STORE_DIR})
  --memory              Keep state in memory only; nothing is written
  --clock +7d|ISO       Start with the engine clock moved forward by a duration (+30d, +12h,
                        +90m, +10s) or to an instant (2027-01-01T00:00:00Z)
  --max-body-bytes N    Largest request body accepted (default 1048576)
  --log                 Print one line per request: operation, access key, result, time

The root key encrypting the store comes from KMS_POLICY_ROOT_KEY (64 hex characters) or from
a key file with owner-only permissions created beside the store.

While serving, the engine clock can be moved forward from loopback with the admin token that
serve prints when it starts (new each time; web pages cannot send it):
  curl -X POST -H "Authorization: Bearer TOKEN" -H 'Content-Type: application/json' \\
    http://127.0.0.1:${DEFAULT_PORT}/_studio/clock -d '{"advance":"30d"}'
  curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:${DEFAULT_PORT}/_studio/clock`;

export function parseServeArguments(args: readonly string[]): ServeOptions {
  const text = { type: 'string' } as const;
  const flag = { type: 'boolean' } as const;
  const line = readCommandLine(args, {
    port: text,
    host: text,
    'allowed-host': { type: 'string', multiple: true },
    environment: text,
    store: text,
    memory: flag,
    clock: text,
    'max-body-bytes': text,
    log: flag,
  });
  if (line === 'help') return { ...parseServeArguments([]), help: true };
  const { values, positionals } = line;
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not '${values.port}'.`);
  }
  const allowedHosts = values['allowed-host'] ?? [];
  for (const host of allowedHosts) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) {
      throw new UsageError(`--allowed-host takes a host name or address, optionally with :PORT (IPv6 in brackets), not '${host}'.`);
    }
  }
  let maxBodyBytes = 1024 * 1024;
  if (values['max-body-bytes'] !== undefined) {
    maxBodyBytes = Number(values['max-body-bytes']);
    if (!/^\d+$/.test(values['max-body-bytes']) || maxBodyBytes < 1024) throw new UsageError(`--max-body-bytes must be a number of at least 1024, not '${values['max-body-bytes']}'.`);
  }
  const memory = values.memory === true;
  if (memory && values.store !== undefined) throw new UsageError('Give either --store DIR or --memory, not both.');
  return {
    host: values.host ?? '127.0.0.1',
    port,
    allowedHosts,
    environmentFile: values.environment,
    storeDir: memory ? undefined : (values.store ?? DEFAULT_STORE_DIR),
    clock: values.clock === undefined ? undefined : parseClockOption(values.clock),
    maxBodyBytes,
    log: values.log === true,
    help: false,
  };
}

function parseClockOption(text: string): ServeOptions['clock'] {
  if (text.startsWith('+')) {
    parseClockAdvance(text.slice(1)); // fails early with a clear message
    return { advance: text.slice(1) };
  }
  if (Number.isNaN(Date.parse(text))) {
    throw new Error(`--clock takes a duration such as +7d, +12h, +90m or an ISO date such as 2027-01-01T00:00:00Z, not '${text}'.`);
  }
  return { to: text };
}
