// The `kms-policy` command line: check, simulate, serve. Each command lives in its own file.
import { runAccessCheckCommand } from './accessCheckCommands';
import { runCheckCommand } from './checkCommand';
import { CLI_VERSION } from './cliVersion';
import { runGeneratePolicyCommand } from './generatePolicyCommand';
import { runReplayCommand } from './replayCommand';
import { runServeCommand } from './serveCommand';
import { runSimulateCommand } from './simulateCommand';

const USAGE = `Usage: kms-policy <command> [options]

Commands:
  check FILES... [--format text|json|sarif]   Check key policies, IAM policies, scenarios, environments
  simulate FILE|FOLDER [--expect DECISION] [--json] [--explain]
                                              Evaluate access scenarios
  serve [--port N] [--host 127.0.0.1] [--environment FILE] [--store DIR]
                                              Serve the embedded KMS engine over HTTP
  check-no-new-access --reference OLD NEW     FAIL when NEW grants access OLD does not
  check-access-not-granted FILE --actions A,B [--principals P,...]
                                              FAIL when the policy grants one of the actions
  check-no-public-access FILE                 FAIL when anyone outside the account and organization may use the key
  replay --events PATH --key KEY [--policy FILE] [--environment FILE]
                                              Decide a CloudTrail log's calls on a key again under a key policy
  generate-policy --events PATH --key KEY [--keep-admins FILE] [--out FILE]
                                              The least-privilege key policy for the calls a CloudTrail log records

Run 'kms-policy <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheckCommand(rest);
    case 'simulate':
      return runSimulateCommand(rest);
    case 'serve':
      return runServeCommand(rest);
    case 'check-no-new-access':
    case 'check-access-not-granted':
    case 'check-no-public-access':
      return runAccessCheckCommand(command, rest);
    case 'replay':
      return runReplayCommand(rest);
    case 'generate-policy':
      return runGeneratePolicyCommand(rest);
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case '--version':
      process.stdout.write(`${CLI_VERSION}\n`);
      return 0;
    default:
      process.stderr.write(`${command ? `Unknown command '${command}'.` : 'No command given.'}\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`kms-policy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
