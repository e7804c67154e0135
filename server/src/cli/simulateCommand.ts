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
import { keyValuePair, readCommandLine, UsageError } from '../node/commandLine';
import { readTemplateEnvironment } from './templateEnvironmentFile';

const USAGE = `Usage:
  kms-policy simulate FILE|FOLDER [--expect DECISION] [--json | --explain]
  kms-policy simulate --environment FILE --principal ARN --action kms:ACTION --key KEY
                      [--region REGION] [--encryption-context k=v]... [--context key=value]...
                      [--via-service SERVICE] [--json | --explain]
  kms-policy simulate --environment FILE --who-can-use KEY [--json]
  kms-policy simulate --template TEMPLATE --principal ARN|ID --action kms:ACTION --key KEY|ID [...]
  kms-policy simulate --template TEMPLATE --who-can-use KEY|ID [--json]

FILE is a *.kms-scenario.json file (request, key, keyPolicy, identityPolicies, grants, ...);
a FOLDER runs each *.kms-scenario.json in it, one line per scenario and a summary.
--expect Allow|ExplicitDeny|ImplicitDeny: exit 1 when a decision differs (each scenario of a
FOLDER is marked PASS or FAIL), 0 when all match.
With --environment, the scenario is built from an environment file: KEY is a key id, key ARN,
alias name or alias ARN, resolved as AWS KMS resolves it for the caller.
With --template, a CloudFormation template (YAML or JSON), a Terraform module (a .tf file with
the rest of its folder, or the folder) or a Terraform plan (terraform show -json) is the
environment: its roles and users with the policies it attaches to them, its keys with their
policies, aliases and grants (aws_kms_grant), in the stack's or module's account (000000000000
stands for it; a plan shows its own). ID is a logical ID of the template, or a Terraform address
such as aws_kms_key.data or aws_iam_role.app.
--who-can-use lists every principal of the environment (and those the key policy and grants
name) with the actions each may perform on the key, and through which path.
--json prints the decision, error, errorMessage and trace as one JSON object; --explain (the
default) prints a readable trace. Exit code 0 for any decision (without --expect), 1 when a
decision differs from --expect, 2 for bad input.`;

const EXPECTABLE = ['Allow', 'ExplicitDeny', 'ImplicitDeny'] as const;
type ExpectedDecision = (typeof EXPECTABLE)[number];

interface SimulateArgs {
  file?: string;
  json: boolean;
  environment?: string;
  template?: string;
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
  const text = { type: 'string' } as const;
  const line = readCommandLine(args, {
    json: { type: 'boolean' },
    explain: { type: 'boolean' },
    environment: text,
    template: text,
    principal: text,
    action: text,
    key: text,
    region: text,
    'via-service': text,
    expect: text,
    'who-can-use': text,
    'encryption-context': { type: 'string', multiple: true },
    context: { type: 'string', multiple: true },
  });
  if (line === 'help') return 'help';
  const { values, positionals } = line;
  if (positionals.length > 1) throw new UsageError(`only one scenario file at a time (got "${positionals[0]}" and "${positionals[1]}")`);
  let expect: ExpectedDecision | undefined;
  if (values.expect !== undefined) {
    expect = EXPECTABLE.find((d) => d.toLowerCase() === values.expect!.toLowerCase());
    if (!expect) throw new UsageError(`--expect: "${values.expect}" is not a decision; give Allow, ExplicitDeny or ImplicitDeny`);
  }
  const pairs = (given: string[] | undefined, flag: string) => Object.fromEntries((given ?? []).map((p) => keyValuePair(p, flag)));
  return {
    file: positionals[0],
    // --json and --explain: the last one given wins.
    json: values.json === true && args.lastIndexOf('--json') > args.lastIndexOf('--explain'),
    environment: values.environment,
    template: values.template,
    principal: values.principal,
    action: values.action,
    key: values.key,
    region: values.region,
    viaService: values['via-service'],
    whoCanUse: values['who-can-use'],
    expect,
    encryptionContext: pairs(values['encryption-context'], '--encryption-context'),
    context: pairs(values.context, '--context'),
  };
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

/** The environment of --environment or --template, and how it reads the names given for keys and principals. */
async function sourceOf(args: SimulateArgs): Promise<{ environment: Environment; keyRef(reference: string): string; principalRef(reference: string): string }> {
  if (args.template) return readTemplateEnvironment(args.template);
  return { environment: environmentOf(args.environment!), keyRef: (r) => r, principalRef: (r) => r };
}

async function scenarioFromEnvironment(args: SimulateArgs): Promise<AccessScenario | SimulationResult> {
  const missing = (['principal', 'action', 'key'] as const).filter((f) => !args[f]);
  if (missing.length) throw new UsageError(`with --${args.template ? 'template' : 'environment'}, give ${missing.map((m) => `--${m}`).join(', ')}`);
  if (!/^kms:[A-Za-z]+$/.test(args.action!)) throw new UsageError(`--action: must be a string like "kms:Decrypt" (got "${args.action}")`);
  const source = await sourceOf(args);
  const built = buildScenarioFromEnvironment(source.environment, {
    principalArn: source.principalRef(args.principal!),
    action: args.action!,
    keyRef: source.keyRef(args.key!),
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
    if (!args.file && !args.environment && !args.template) throw new UsageError('give a scenario FILE, --environment FILE or --template FILE');
    if ([args.file, args.environment, args.template].filter(Boolean).length > 1) throw new UsageError('give one of a scenario FILE, --environment or --template, not several');
    if (args.whoCanUse) {
      if (args.expect) throw new UsageError('--expect applies to a decision, not to --who-can-use');
      if (!args.environment && !args.template) throw new UsageError('--who-can-use needs --environment FILE or --template FILE');
      const source = await sourceOf(args);
      const table = whoCanUseKey(source.environment, source.keyRef(args.whoCanUse));
      if (!table) throw new UsageError(`--who-can-use: ${args.whoCanUse} is not a key of ${args.environment ?? args.template} (give its key id, key ARN, alias name or alias ARN${args.template ? ', or its logical ID or Terraform address' : ''})`);
      process.stdout.write(args.json ? JSON.stringify(table, null, 2) + '\n' : formatWhoCanUseKey(table));
      return 0;
    }
    if (args.file && isFolder(args.file)) return runScenarioFolder(args.file, args);
    const scenario = args.file ? scenarioFromFile(args.file) : await scenarioFromEnvironment(args);
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
