// `kms-policy check-no-new-access`, `check-access-not-granted` and `check-no-public-access`: the
// offline access checks, named as IAM Access Analyzer names them so that pipelines can switch.
// Exit 0 for PASS, 1 for FAIL, 2 for bad input. `--format json` prints Access Analyzer's response
// shape (`result`, `message`, `reasons` with `description` and `statementIndex`) plus each
// reason's witness request; `--format sarif` one result per reason at its statement.
import { readFileSync } from 'node:fs';
import { normalizePolicy } from '../core/access/policyDocument';
import type { PolicyDocument } from '../core/access/scenario';
import { statementRanges } from '../core/access/traceRanges';
import { checkAccessNotGranted, checkNoNewAccess, checkNoPublicAccess, expandActions, type AccessCheckOptions, type AccessCheckResult } from '../core/accessChecks/accessChecks';
import type { Environment, EnvironmentKey } from '../core/environment/environmentModel';
import { findEnvironmentKey } from '../core/environment/scenarioBuilder';
import { readEnvironmentFile } from '../node/environmentFile';
import { artifactUri, sarifLog } from './checkSarifFormat';
import { CLI_VERSION } from './cliVersion';
import { commaList, readCommandLine, UsageError } from '../node/commandLine';

export type AccessCheckCommand = 'check-no-new-access' | 'check-access-not-granted' | 'check-no-public-access';

const USAGE: Readonly<Record<AccessCheckCommand, string>> = {
  'check-no-new-access': `Usage: kms-policy check-no-new-access --reference OLD NEW [--environment FILE [--key KEY]] [--format text|json|sarif]

FAIL when the key policy NEW allows any request that OLD does not. Each reason is a witness
request (principal, action, encryption context, other condition values) that NEW allows and OLD
denies, with the statement of NEW that allows it.`,
  'check-access-not-granted': `Usage: kms-policy check-access-not-granted FILE --actions A,B[,...] [--principals P,...]
                                   [--environment FILE [--key KEY]] [--format text|json|sarif]

FAIL when any principal (or one of those named: ARNs or account ids) may perform one of the
actions (kms:Decrypt, or patterns such as kms:Generate*) on the key.`,
  'check-no-public-access': `Usage: kms-policy check-no-public-access FILE [--environment FILE [--key KEY]] [--format text|json|sarif]

FAIL when a principal outside the key's account and organization, or an anonymous caller, may use
the key. Limits by aws:PrincipalOrgID, by kms:CallerAccount (with kms:ViaService, as AWS managed
keys do) or to named accounts are not public; Principal "*" without a limiting condition is.`,
};

const COMMON = `
--key-account ID is the key's account; by default the account the policy grants kms:PutKeyPolicy
(or else first delegates to), else the environment's first account.
--environment FILE counts the environment's grants, SCPs, RCPs and identity policies; --key names
the environment's key the policy is for (its grants and tags; the only key when there is one).
Exit code 0 for PASS, 1 for FAIL, 2 for bad input.`;

interface AccessCheckArgs {
  files: string[];
  reference?: string;
  environment?: string;
  key?: string;
  keyAccount?: string;
  actions?: string[];
  principals?: string[];
  format: 'text' | 'json' | 'sarif';
}

function parseArgs(args: readonly string[]): AccessCheckArgs | 'help' {
  const text = { type: 'string' } as const;
  const line = readCommandLine(args, {
    reference: text,
    environment: text,
    key: text,
    'key-account': text,
    actions: { type: 'string', multiple: true },
    principals: { type: 'string', multiple: true },
    format: text,
  });
  if (line === 'help') return 'help';
  const { values, positionals } = line;
  const account = values['key-account'];
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new UsageError(`--key-account: give a 12-digit account id (got "${account}")`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format: give text, json or sarif (got "${format}")`);
  return {
    files: positionals,
    reference: values.reference,
    environment: values.environment,
    key: values.key,
    keyAccount: account,
    actions: values.actions ? commaList(values.actions) : undefined,
    principals: values.principals ? commaList(values.principals) : undefined,
    format,
  };
}

interface PolicyFile {
  readonly path: string;
  readonly text: string;
  readonly document: PolicyDocument;
}

function readPolicy(path: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problems = normalizePolicy(document).problems;
  if (problems.length) throw new UsageError(`${path} is not a key policy: ${problems.join('; ')}`);
  return { path, text, document };
}

function environmentOptions(args: AccessCheckArgs): AccessCheckOptions {
  const keyAccount = args.keyAccount ? { keyAccount: args.keyAccount } : {};
  if (!args.environment) {
    if (args.key) throw new UsageError('--key needs --environment FILE');
    return keyAccount;
  }
  let environment: Environment;
  try {
    environment = readEnvironmentFile(args.environment);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let key: EnvironmentKey | undefined;
  if (args.key) {
    key = findEnvironmentKey(environment, args.key, undefined, environment.defaultRegion);
    if (!key) throw new UsageError(`--key: ${args.key} is not a key of ${args.environment} (give its key id, key ARN, alias name or alias ARN)`);
  } else if (environment.keys.length === 1) {
    key = environment.keys[0];
  }
  return { environment, key, ...keyAccount };
}

const RULE: Readonly<Record<AccessCheckCommand, { id: string; text: string }>> = {
  'check-no-new-access': { id: 'KMS_NEW_ACCESS', text: 'The key policy grants access that the reference policy does not.' },
  'check-access-not-granted': { id: 'KMS_ACCESS_GRANTED', text: 'The key policy grants an action that must not be granted.' },
  'check-no-public-access': { id: 'KMS_PUBLIC_ACCESS', text: 'A principal outside the key\'s account and organization, or an anonymous caller, may use the key.' },
};

function formatText(command: AccessCheckCommand, result: AccessCheckResult, file: PolicyFile): string {
  const lines = [`${result.result}  ${command} ${file.path}: ${result.message}`];
  for (const reason of result.reasons) {
    const where = reason.statementIndex === null ? 'grant' : `statement #${reason.statementIndex + 1}${reason.statementId ? ` "${reason.statementId}"` : ''}`;
    lines.push(`  - ${where}: ${reason.description}`);
  }
  lines.push(`${result.evaluations} request(s) evaluated${result.exhaustive ? '' : ' (condition classes too many to combine in full: each varied alone)'}.`);
  return lines.join('\n') + '\n';
}


function formatSarif(command: AccessCheckCommand, result: AccessCheckResult, file: PolicyFile): string {
  const rule = RULE[command];
  const ranges = statementRanges(file.text);
  return sarifLog(
    CLI_VERSION,
    [{ id: rule.id, name: command, shortDescription: { text: rule.text }, defaultConfiguration: { level: 'error' } }],
    result.reasons.map((reason) => {
      const range = reason.statementIndex === null ? undefined : ranges.get(reason.statementIndex);
      return {
        ruleId: rule.id,
        ruleIndex: 0,
        level: 'error',
        message: { text: reason.description },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: artifactUri(file.path, process.cwd()), uriBaseId: '%SRCROOT%' },
              region: range
                ? { startLine: range.startLine, startColumn: range.startColumn, endLine: range.endLine, endColumn: range.endColumn }
                : { startLine: 1, startColumn: 1 },
            },
          },
        ],
        properties: { statementIndex: reason.statementIndex, witness: reason.witness },
      };
    }),
  );
}

function runCheck(command: AccessCheckCommand, args: AccessCheckArgs): { result: AccessCheckResult; file: PolicyFile } {
  const options = environmentOptions(args);
  switch (command) {
    case 'check-no-new-access': {
      if (!args.reference) throw new UsageError('give the reference policy with --reference OLD');
      if (args.files.length !== 1) throw new UsageError(`give exactly one NEW policy file (got ${args.files.length})`);
      const old = readPolicy(args.reference);
      const candidate = readPolicy(args.files[0]!);
      return { result: checkNoNewAccess(old.document, candidate.document, options), file: candidate };
    }
    case 'check-access-not-granted': {
      if (args.files.length !== 1) throw new UsageError(`give exactly one policy FILE (got ${args.files.length})`);
      if (!args.actions?.length) throw new UsageError('give the actions with --actions kms:Decrypt,kms:Encrypt');
      const { unknown } = expandActions(args.actions);
      if (unknown.length) throw new UsageError(`--actions: ${unknown.map((a) => `"${a}"`).join(', ')} name${unknown.length === 1 ? 's' : ''} no KMS action`);
      const file = readPolicy(args.files[0]!);
      return { result: checkAccessNotGranted(file.document, args.actions, { ...options, principals: args.principals }), file };
    }
    case 'check-no-public-access': {
      if (args.files.length !== 1) throw new UsageError(`give exactly one policy FILE (got ${args.files.length})`);
      const file = readPolicy(args.files[0]!);
      return { result: checkNoPublicAccess(file.document, options), file };
    }
  }
}

export async function runAccessCheckCommand(command: AccessCheckCommand, argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(`${USAGE[command]}\n${COMMON}\n`);
      return 0;
    }
    if (command !== 'check-access-not-granted' && (args.actions || args.principals)) throw new UsageError('--actions and --principals belong to check-access-not-granted');
    if (command !== 'check-no-new-access' && args.reference) throw new UsageError('--reference belongs to check-no-new-access');
    const { result, file } = runCheck(command, args);
    if (args.format === 'json') process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (args.format === 'sarif') process.stdout.write(formatSarif(command, result, file));
    else process.stdout.write(formatText(command, result, file));
    return result.result === 'PASS' ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`kms-policy ${command}: ${error.message}\n\nRun 'kms-policy ${command} --help' for usage.\n`);
      return 2;
    }
    throw error;
  }
}
