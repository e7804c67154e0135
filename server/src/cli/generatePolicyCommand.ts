// `kms-policy generate-policy`: the least-privilege key policy for the calls a CloudTrail log
// records on a key (successful calls only), with the root delegation statement first and the
// administrators of an existing policy kept. Writes the policy to stdout or --out; what the
// user should know goes to stderr. Exit 0 when written, 1 when the policy cannot keep every
// refused call out or fails a recorded success, 2 for bad input.
import { writeFileSync } from 'node:fs';
import { selectReplayKey, KeySelectionError } from '../core/cloudtrail/cloudTrailKeySelection';
import { CloudTrailLogError } from '../core/cloudtrail/cloudTrailLogParser';
import { readKmsCalls } from '../core/cloudtrail/kmsCallOfEvent';
import { generateLeastPrivilegePolicy } from '../core/cloudtrail/leastPrivilegePolicy';
import { defaultEnvironment } from '../core/environment/environmentModel';
import { findCloudTrailLogFiles, cloudTrailRecords } from '../node/cloudTrailLogReader';
import { readKeyPolicyFile } from './replayCommand';
import { readCommandLine, UsageError } from '../node/commandLine';

const USAGE = `Usage: kms-policy generate-policy --events PATH --key KEY [--keep-admins FILE] [--account ID] [--out FILE]

Writes the least-privilege key policy for the calls a CloudTrail log records on KEY: each
principal may make the calls it made successfully, with the encryption context it always gave
(kms:EncryptionContextKeys and kms:EncryptionContext:<key>) and the services it came through
(kms:ViaService) as conditions. The account's root delegation statement (AWS's default key
policy) comes first, so the key can never be locked out; --keep-admins FILE keeps the statements
of an existing key policy that allow kms:PutKeyPolicy.

PATH is a CloudTrail log file (.json or .json.gz) or a folder searched recursively; KEY a key id,
key ARN, alias name or alias ARN. --account ID is the key's account (default: the key ARN's).
The policy goes to stdout, or to --out FILE; notes go to stderr.
Exit code 0 when written, 1 when a note says the policy allows a call the log shows refused, 2
for bad input.`;

interface GenerateArgs {
  events?: string;
  key?: string;
  keepAdmins?: string;
  account?: string;
  out?: string;
}

function parseArgs(args: readonly string[]): GenerateArgs | 'help' {
  const text = { type: 'string' } as const;
  const line = readCommandLine(args, { events: text, key: text, 'keep-admins': text, account: text, out: text });
  if (line === 'help') return 'help';
  if (line.positionals.length) throw new UsageError(`unexpected argument "${line.positionals[0]}"`);
  const { events, key, account, out } = line.values;
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new UsageError(`--account: give a 12-digit account id (got "${account}")`);
  return { events, key, keepAdmins: line.values['keep-admins'], account, out };
}

export async function runGeneratePolicyCommand(argv: readonly string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (!args.events) throw new UsageError('give the CloudTrail log with --events PATH');
    if (!args.key) throw new UsageError('give the key with --key KEY');
    const admins = args.keepAdmins ? readKeyPolicyFile(args.keepAdmins) : undefined;
    const { calls } = readKmsCalls(cloudTrailRecords(findCloudTrailLogFiles(args.events)));
    // The policy is checked against the log with no IAM policies at all: what it allows, it allows by itself.
    const environment = defaultEnvironment();
    const target = selectReplayKey(args.key, environment, calls);
    const generated = generateLeastPrivilegePolicy(calls, target, environment, {
      account: args.account,
      keepAdminsFrom: admins ? { text: admins.text, source: admins.source } : undefined,
    });
    if (generated.calls === 0) throw new UsageError(`the log records no successful call on ${target.arn} by a principal other than the account's root user`);
    const text = JSON.stringify(generated.policy, null, 2) + '\n';
    if (args.out) {
      try {
        writeFileSync(args.out, text);
      } catch (error) {
        throw new UsageError(`cannot write ${args.out}: ${(error as Error).message}`);
      }
    } else {
      process.stdout.write(text);
    }
    process.stderr.write(
      `kms-policy generate-policy: ${generated.calls} successful call(s) by ${generated.principals} principal(s) on ${target.arn}` +
        `${generated.keptAdminStatements ? `; ${generated.keptAdminStatements} administrators' statement(s) kept from ${args.keepAdmins}` : ''}` +
        `${args.out ? `; written to ${args.out}` : ''}.\n`,
    );
    for (const note of generated.notes) process.stderr.write(`kms-policy generate-policy: ${note}\n`);
    return generated.notes.length ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CloudTrailLogError || error instanceof KeySelectionError) {
      process.stderr.write(`kms-policy generate-policy: ${error.message}\n\nRun 'kms-policy generate-policy --help' for usage.\n`);
      return 2;
    }
    throw error;
  }
}
