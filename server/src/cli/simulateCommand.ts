// `kms-policy simulate`: evaluate a scenario file (or a request against an environment file) and
// print the decision with a readable trace (`--explain`, the default) or as one JSON object
// (`--json`). Any decision exits 0; only bad input exits 2, with a message naming the field.
// With `--expect DECISION` it gates a pipeline: exit 1 when the decision differs. FILE may be a
// folder of `*.kms-scenario.json` files, each reported on one line with a summary.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenarioText } from '../core/access/scenarioParser';
import { keyNotFoundResult, simulateAccess } from '../core/access/simulateAccess';
import { explainSimulation } from '../core/access/simulationExplainer';
import { formatWhoCanUseKey, whoCanUseKey } from '../core/environment/whoCanUseKey';
import { parseEnvironmentFile } from '../node/environmentFile';
import type { Environment } from '../core/environment/environmentModel';
import { buildScenarioFromEnvironment } from '../core/environment/scenarioBuilder';
import type { AccessScenario } from '../core/access/scenario';
import type { SimulationResult } from '../core/access/simulationResult';

const USAGE = `Usage:
  kms-policy simulate FILE|FOLDER [--expect DECISION] [--json | --explain]
  kms-policy simulate --environment FILE --principal ARN --action kms:ACTION --key KEY
                      [--region REGION] [--encryption-context k=v]... [--context key=value]...
                      [--via-service SERVICE] [--json | --explain]
  kms-policy simulate --environment FILE --who-can-use KEY [--json]

FILE is a *.kms-scenario.json file (request, key, keyPolicy, identityPolicies, grants, ...);
a FOLDER runs each *.kms-scenario.json in it, one line per scenario and a summary.
--expect Allow|ExplicitDeny|ImplicitDeny: exit 1 when a decision differs (each scenario of a
FOLDER is marked PASS or FAIL), 0 when all match.
With --environment, the scenario is built from an environment file: KEY is a key id, key ARN,
alias name or alias ARN, resolved as AWS KMS resolves it for the caller.
--who-can-use lists every principal of the environment (and those the key policy and grants
name) with the actions each may perform on the key, and through which path.
--json prints the decision, error, errorMessage and trace as one JSON object; --explain (the
default) prints a readable trace. Exit code 0 for any decision (without --expect), 1 when a
decision differs from --expect, 2 for bad input.`;

const EXPECTABLE = ['Allow', 'ExplicitDeny', 'ImplicitDeny'] as const;
type ExpectedDecision = (typeof EXPECTABLE)[number];

class UsageError extends Error {}

interface SimulateArgs {
  file?: string;
  json: boolean;
  environment?: string;
  principal?: string;
  action?: string;
  key?: string;
  region?: string;
  viaService?: string;
  whoCanUse?: string;
  expect?: ExpectedDecision;
  encryptionContext: Record<string, string>;
  context: Record<string, string>;
}

function parseArgs(args: readonly string[]): SimulateArgs | 'help' {
  const out: SimulateArgs = { json: false, encryptionContext: {}, context: {} };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const pair = (text: string, flag: string): [string, string] => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} takes key=value, got "${text}"`);
    return [text.slice(0, eq), text.slice(eq + 1)];
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--json':
        out.json = true;
        break;
      case '--explain':
        out.json = false;
        break;
      case '--environment':
        out.environment = value(i++, arg);
        break;
      case '--principal':
        out.principal = value(i++, arg);
        break;
      case '--action':
        out.action = value(i++, arg);
        break;
      case '--key':
        out.key = value(i++, arg);
        break;
      case '--region':
        out.region = value(i++, arg);
        break;
      case '--via-service':
        out.viaService = value(i++, arg);
        break;
      case '--expect': {
        const given = value(i++, arg);
        const decision = EXPECTABLE.find((d) => d.toLowerCase() === given.toLowerCase());
        if (!decision) throw new UsageError(`--expect: "${given}" is not a decision; give Allow, ExplicitDeny or ImplicitDeny`);
        out.expect = decision;
        break;
      }
      case '--who-can-use':
        out.whoCanUse = value(i++, arg);
        break;
      case '--encryption-context': {
        const [k, v] = pair(value(i++, arg), arg);
        out.encryptionContext[k] = v;
        break;
      }
      case '--context': {
        const [k, v] = pair(value(i++, arg), arg);
        out.context[k] = v;
        break;
      }
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        if (out.file) throw new UsageError(`only one scenario file at a time (got "${out.file}" and "${arg}")`);
        out.file = arg;
    }
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`);
  }
}

function scenarioFromFile(file: string): AccessScenario {
  const { scenario, issues } = parseScenarioText(readText(file), file);
  if (!scenario) throw new UsageError(`${file} is not a valid scenario:\n${issues.map((i) => `  ${i.message}`).join('\n')}`);
  return scenario;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // readText names a missing file
  }
}

interface ScenarioOutcome {
  readonly file: string;
  readonly decision?: string;
  readonly error?: string | null;
  readonly expected?: ExpectedDecision;
  readonly pass?: boolean;
  /** Why the file could not be simulated. */
  readonly invalid?: string;
}

/** Every `*.kms-scenario.json` of a folder: one line each, then a summary; exit 1 on a mismatch, 2 on an invalid scenario. */
function runScenarioFolder(folder: string, args: SimulateArgs): number {
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.kms-scenario.json'))
    .sort()
    .map((name) => join(folder, name));
  if (!files.length) throw new UsageError(`${folder} has no *.kms-scenario.json files`);
  const outcomes: ScenarioOutcome[] = files.map((file) => {
    const { scenario, issues } = parseScenarioText(readText(file), file);
    if (!scenario) return { file, invalid: issues[0]?.message ?? 'not a valid scenario' };
    const result = simulateAccess(scenario);
    return { file, decision: result.decision, error: result.error, ...(args.expect ? { expected: args.expect, pass: result.decision === args.expect } : {}) };
  });
  const invalid = outcomes.filter((o) => o.invalid).length;
  const failed = outcomes.filter((o) => o.pass === false).length;
  if (args.json) {
    process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
  } else {
    const width = Math.max(...files.map((f) => f.length));
    const lines = outcomes.map((o) => {
      const file = o.file.padEnd(width);
      if (o.invalid) return `${file}  INVALID  ${o.invalid}`;
      const decision = o.decision!.padEnd(12);
      return args.expect ? `${file}  ${decision}  expected ${o.expected!.padEnd(12)}  ${o.pass ? 'PASS' : 'FAIL'}` : `${file}  ${o.decision}`;
    });
    const parts = args.expect ? [`${outcomes.length - failed - invalid} passed`, `${failed} failed`] : [`${outcomes.length - invalid} simulated`];
    if (invalid) parts.push(`${invalid} invalid`);
    lines.push(`${outcomes.length} scenario(s): ${parts.join(', ')}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return invalid ? 2 : failed ? 1 : 0;
}

function environmentOf(envFile: string): Environment {
  const result = parseEnvironmentFile(envFile);
  if (!result.environment) {
    throw new UsageError(`${envFile} is not a valid environment:\n${result.issues.map((i) => `  ${i.message}${i.file ? ` (${i.file})` : ''}`).join('\n')}`);
  }
  return result.environment;
}

function scenarioFromEnvironment(args: SimulateArgs): AccessScenario | SimulationResult {
  const missing = (['principal', 'action', 'key'] as const).filter((f) => !args[f]);
  if (missing.length) throw new UsageError(`with --environment, give ${missing.map((m) => `--${m}`).join(', ')}`);
  if (!/^kms:[A-Za-z]+$/.test(args.action!)) throw new UsageError(`--action: must be a string like "kms:Decrypt" (got "${args.action}")`);
  const built = buildScenarioFromEnvironment(environmentOf(args.environment!), {
    principalArn: args.principal!,
    action: args.action!,
    keyRef: args.key!,
    region: args.region,
    viaService: args.viaService,
    encryptionContext: Object.keys(args.encryptionContext).length ? args.encryptionContext : undefined,
    context: args.context,
  });
  // A key that does not resolve is an answer (NotFoundException), not bad input.
  if (!built.ok) return keyNotFoundResult(args.principal!, args.action!, args.key!, built.message);
  return built.scenario;
}

export async function runSimulateCommand(argv: string[]): Promise<number> {
  let args: SimulateArgs | 'help';
  try {
    args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (!args.file && !args.environment) throw new UsageError('give a scenario FILE or --environment FILE');
    if (args.file && args.environment) throw new UsageError('give either a scenario FILE or --environment, not both');
    if (args.whoCanUse) {
      if (args.expect) throw new UsageError('--expect applies to a decision, not to --who-can-use');
      if (!args.environment) throw new UsageError('--who-can-use needs --environment FILE');
      const table = whoCanUseKey(environmentOf(args.environment), args.whoCanUse);
      if (!table) throw new UsageError(`--who-can-use: ${args.whoCanUse} is not a key of ${args.environment} (give its key id, key ARN, alias name or alias ARN)`);
      process.stdout.write(args.json ? JSON.stringify(table, null, 2) + '\n' : formatWhoCanUseKey(table));
      return 0;
    }
    if (args.file && isFolder(args.file)) return runScenarioFolder(args.file, args);
    const scenario = args.file ? scenarioFromFile(args.file) : scenarioFromEnvironment(args);
    const result = 'decision' in scenario ? scenario : simulateAccess(scenario);
    process.stdout.write(args.json ? JSON.stringify(result, null, 2) + '\n' : explainSimulation(result));
    if (args.expect && result.decision !== args.expect) {
      process.stderr.write(`kms-policy simulate: expected ${args.expect}, but the decision is ${result.decision}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`kms-policy simulate: ${error.message}\n\nRun 'kms-policy simulate --help' for usage.\n`);
      return 2;
    }
    throw error;
  }
}
