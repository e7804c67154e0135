// `kms-policy check FILES... [--format text|json|sarif] [--disable CODE,...]`
// Exit 1 when an error or warning is found, 0 otherwise, 2 for bad usage or unreadable files.
import { createKeyPolicyLanguageService } from '../core/analysis/keyPolicyLanguageService';
import { checkFile, CheckInputError, type CheckedFile, loadCheckEnvironment, readPolicyFile, type CheckEnvironment, type LocatedFinding } from './checkFindings';
import { CLI_VERSION } from './cliVersion';
import { formatJson } from './checkJsonFormat';
import { formatSarif } from './checkSarifFormat';
import { formatText } from './checkTextFormat';
import { isDirectory, templatesIn } from './templateFiles';
import { checkTerraformPlan, isTerraformFile, prepareTerraform, TerraformChecker, terraformFilesIn } from './terraformFiles';
import { commaList, readCommandLine, UsageError } from '../node/commandLine';

const USAGE = `Usage: kms-policy check FILES... [--format text|json|sarif] [--disable CODE[,CODE...]] [--environment FILE]

Checks AWS KMS key-policy files offline, and each other file as what it is: an IAM identity
policy (the rules that apply to one), an access scenario (*.kms-scenario.json) or an
environment file (kms-environment.json), recognised by $schema, file name or shape. A
CloudFormation, SAM or CDK template (YAML or JSON) is checked for its keys' policies, with
findings located in the template; a folder (such as cdk.out) stands for the templates in it.
A Terraform .tf file is checked with the other .tf files of its folder (its module); a folder
stands for the Terraform modules in it. A Terraform plan saved as JSON (terraform show -json
plan.out > plan.json) is checked for the keys, policies, grants and IAM resources it plans,
with findings located in the plan file; a folder stands for the plans in it too.
A file that is none of these is skipped with a note on stderr.
  --format text    one line per finding (default)
  --format json    a JSON array of {file, code, severity, message, line, column}
  --format sarif   SARIF 2.1.0, for GitHub code scanning
  --disable CODES  rule codes to skip, comma-separated
  --environment F  an environment file: its key-policy files are checked with their key's
                   account and multi-Region peers, its identity-policy files against its keys
Exit code: 1 when an error or warning is found, 0 otherwise, 2 for bad usage.`;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface CheckOptions {
  readonly files: string[];
  readonly format: Format;
  readonly disabled: string[];
  readonly environment?: string;
}

function parseArgs(args: readonly string[]): CheckOptions | 'help' {
  const line = readCommandLine(args, { format: { type: 'string' }, disable: { type: 'string', multiple: true }, environment: { type: 'string' } });
  if (line === 'help') return 'help';
  const format = line.values.format ?? 'text';
  if (!FORMATS.includes(format as Format)) throw new UsageError(`unknown format '${format}' (text, json or sarif)`);
  if (line.positionals.length === 0) throw new UsageError('no files given');
  return { files: line.positionals, format: format as Format, disabled: commaList(line.values.disable), environment: line.values.environment };
}

export async function runCheckCommand(args: string[]): Promise<number> {
  let options: CheckOptions | 'help';
  try {
    options = parseArgs(args);
  } catch (error) {
    process.stderr.write(`kms-policy check: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const service = createKeyPolicyLanguageService();
  let environment: CheckEnvironment | undefined;
  if (options.environment) {
    try {
      environment = loadCheckEnvironment(options.environment);
    } catch (error) {
      if (!(error instanceof CheckInputError)) throw error;
      process.stderr.write(`kms-policy check: ${error.message}\n`);
      return 2;
    }
  }
  const findings: LocatedFinding[] = [];
  const checked: CheckedFile[] = [];
  let unreadable = false;
  // A folder (cdk.out, a SAM project, a Terraform module) stands for the templates and .tf files in it.
  const files = options.files.flatMap((file) => {
    const templates = isDirectory(file) ? [...templatesIn(file, readPolicyFile), ...terraformFilesIn(file)] : [];
    return templates.length > 0 ? templates : [file];
  });
  await prepareTerraform(files);
  const terraform = new TerraformChecker(options.disabled);
  for (const file of files) {
    try {
      const text = isTerraformFile(file) ? undefined : readPolicyFile(file);
      const result = text === undefined ? terraform.check(file) : (checkTerraformPlan(file, text, options.disabled) ?? checkFile(service, file, text, options.disabled, environment));
      checked.push(result);
      findings.push(...result.findings);
      // On stderr, so JSON and SARIF on stdout stay whole.
      if (result.kind === 'skipped') process.stderr.write(`kms-policy check: skipped '${file}': ${result.because}\n`);
    } catch (error) {
      if (!(error instanceof CheckInputError)) throw error;
      process.stderr.write(`kms-policy check: ${error.message}\n`);
      unreadable = true;
    }
  }
  const output =
    options.format === 'json'
      ? formatJson(findings)
      : options.format === 'sarif'
        ? formatSarif(findings, CLI_VERSION, process.cwd())
        : formatText(findings, checked);
  process.stdout.write(output);
  if (unreadable) return 2;
  return findings.some((f) => f.severity === 'error' || f.severity === 'warning') ? 1 : 0;
}
