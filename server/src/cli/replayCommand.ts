// `kms-policy replay`: decides every successful call a CloudTrail log records on a key again,
// under a proposed key policy (or the key's own), and lists the calls it would now refuse,
// grouped by principal and action. Exit 1 when any would be refused, 0 when none, 2 for bad
// input (a log that cannot be read is named, never a crash).
import { readFileSync } from 'node:fs';
import { normalizePolicy } from '../core/access/policyDocument';
import { KeySelectionError } from '../core/cloudtrail/cloudTrailKeySelection';
import { CloudTrailLogError } from '../core/cloudtrail/cloudTrailLogParser';
import { replayRecords, type ProposedPolicy, type ReplayReport } from '../core/cloudtrail/cloudTrailReplay';
import { defaultEnvironment, type Environment } from '../core/environment/environmentModel';
import { findCloudTrailLogFiles, cloudTrailRecords } from '../node/cloudTrailLogReader';
import { readEnvironmentFile } from '../node/environmentFile';
import { artifactUri, sarifLog } from './checkSarifFormat';
import { CLI_VERSION } from './cliVersion';
import { readCommandLine, UsageError } from '../node/commandLine';

const USAGE = `Usage: kms-policy replay --events PATH --key KEY [--policy FILE] [--environment FILE] [--format text|json|sarif]

Decides again every successful call a CloudTrail log records on KEY, under the key policy FILE
(default: the key's policy in the environment, else AWS's default key policy), with the
environment's identity policies, SCPs, RCPs and grants, and lists the calls that would now be
refused, by principal and action, with counts and first and last times.

PATH is a CloudTrail log file (.json or .json.gz: {"Records": [...]}, a list of records, or
'aws cloudtrail lookup-events' output) or a folder searched recursively (a trail's AWSLogs/
layout, or what 'kms-policy serve' exports). KEY is a key id, key ARN, alias name or alias ARN.
Calls the log shows failed are listed apart and not replayed. A call by a principal the
environment does not describe, which the key policy leaves to IAM, is listed as depending on
IAM policies, not as refused.
Exit code 0 when no call would be refused, 1 when some would, 2 for bad input.`;

interface ReplayArgs {
  events?: string;
  key?: string;
  policy?: string;
  environment?: string;
  format: 'text' | 'json' | 'sarif';
}

function parseArgs(args: readonly string[]): ReplayArgs | 'help' {
  const text = { type: 'string' } as const;
  const line = readCommandLine(args, { events: text, key: text, policy: text, environment: text, format: text });
  if (line === 'help') return 'help';
  if (line.positionals.length) throw new UsageError(`unexpected argument "${line.positionals[0]}"`);
  const { events, key, policy, environment } = line.values;
  const format = line.values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format: give text, json or sarif (got "${format}")`);
  return { events, key, policy, environment, format };
}

/** A key policy file: JSON the evaluator reads as a policy. */
export function readKeyPolicyFile(path: string): ProposedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const problems = normalizePolicy(document).problems;
  if (problems.length) throw new UsageError(`${path} is not a key policy: ${problems.join('; ')}`);
  return { document, source: path, text };
}

export function environmentOrDefault(path: string | undefined): Environment {
  if (!path) return defaultEnvironment();
  try {
    return readEnvironmentFile(path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function formatText(report: ReplayReport): string {
  const lines = [
    `Replayed ${report.replayed} successful call(s) on ${report.keyArn} under ${report.keyPolicyFrom}: ` +
      (report.deniedCalls ? `${report.deniedCalls} would now be refused.` : 'none would be refused.'),
  ];
  for (const group of report.denied) {
    lines.push(
      '',
      `DENIED  ${group.principal}  ${group.action}  ${group.count} call(s), ${span(group)}`,
      `        ${group.decision}${group.error ? ` (${group.error})` : ''}: ${group.reason}`,
    );
  }
  if (report.dependsOnIam.length) {
    lines.push('', `${report.dependsOnIamCalls} call(s) are left to IAM policies of callers the environment does not describe (give --environment to decide them):`);
    for (const group of report.dependsOnIam) lines.push(`  ${group.principal}  ${group.action}  ${group.count} call(s), ${span(group)}`);
  }
  if (report.failedInLog.length) {
    lines.push('', 'Failed in the log (not replayed):');
    for (const group of report.failedInLog) lines.push(`  ${group.principal}  ${group.action}  ${group.errorCode}  ${group.count} call(s), ${span(group)}`);
  }
  for (const { reason, count } of report.unreadable) lines.push('', `${count} call(s) on the key not replayed: ${reason}.`);
  return lines.join('\n') + '\n';
}

function span(group: { firstTime: string; lastTime: string }): string {
  return group.firstTime === group.lastTime ? `at ${group.firstTime}` : `${group.firstTime} to ${group.lastTime}`;
}

function formatSarif(report: ReplayReport, args: ReplayArgs): string {
  const where = args.policy ?? args.events!;
  return sarifLog(
    CLI_VERSION,
    [
      {
        id: 'KMS_REPLAY_DENIED',
        name: 'replay',
        shortDescription: { text: 'The key policy refuses calls the CloudTrail log shows succeeded.' },
        helpUri: 'https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html',
        defaultConfiguration: { level: 'error' },
      },
    ],
    report.denied.map((group) => ({
      ruleId: 'KMS_REPLAY_DENIED',
      ruleIndex: 0,
      level: 'error',
      message: { text: `${group.principal} ${group.action}: ${group.count} recorded call(s) (${span(group)}) would be refused: ${group.reason}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(where, process.cwd()), uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1 } } }],
      properties: { principal: group.principal, action: group.action, count: group.count, firstTime: group.firstTime, lastTime: group.lastTime, decision: group.decision, error: group.error },
    })),
  );
}

export async function runReplayCommand(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (!args.events) throw new UsageError('give the CloudTrail log with --events PATH');
    if (!args.key) throw new UsageError('give the key with --key KEY');
    const environment = environmentOrDefault(args.environment);
    const policy = args.policy ? readKeyPolicyFile(args.policy) : undefined;
    const report = replayRecords(cloudTrailRecords(findCloudTrailLogFiles(args.events)), args.key, environment, policy);
    if (args.format === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else if (args.format === 'sarif') process.stdout.write(formatSarif(report, args));
    else process.stdout.write(formatText(report));
    return report.deniedCalls ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CloudTrailLogError || error instanceof KeySelectionError) {
      process.stderr.write(`kms-policy replay: ${error.message}\n\nRun 'kms-policy replay --help' for usage.\n`);
      return 2;
    }
    throw error;
  }
}
