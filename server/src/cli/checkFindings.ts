// Checks key-policy files for the CLI: each file read once, parsed once, its findings
// located by 1-based line and column.
import { readFileSync, statSync } from 'node:fs';
import type { Finding, Severity } from '../core/analysis/analysisTypes';
import type { KeyPolicyLanguageService } from '../core/analysis/keyPolicyLanguageService';
import { LineIndex } from '../core/policy/lineIndex';
import { dirname, relative, resolve } from 'node:path';
import { documentRoleInEnvironment, type EnvironmentDocumentRole } from '../core/analysis/environment/environmentDocumentRole';
import { parseEnvironment } from '../core/environment/environmentLoader';
import type { Environment } from '../core/environment/environmentModel';

export interface LocatedFinding {
  readonly file: string;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly docUrl: string;
}

export class CheckInputError extends Error {}

export function readPolicyFile(file: string): string {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw new CheckInputError(`cannot read '${file}': no such file`);
  }
  if (stats.isDirectory()) throw new CheckInputError(`'${file}' is a directory; name the policy files to check`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CheckInputError(`cannot read '${file}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function locateFindings(file: string, text: string, findings: readonly Finding[]): LocatedFinding[] {
  const index = new LineIndex(text);
  return findings.map((f) => {
    const start = index.positionAt(f.range.start);
    const end = index.positionAt(f.range.end);
    return {
      file,
      code: f.code,
      severity: f.severity,
      message: f.message,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      docUrl: f.docUrl,
    };
  });
}

/** The environment a check runs against, and each file's role in it. */
export interface CheckEnvironment {
  readonly environment: Environment;
  readonly roleOf: (file: string) => EnvironmentDocumentRole | undefined;
}

export function checkText(
  service: KeyPolicyLanguageService,
  file: string,
  text: string,
  disabledRules: readonly string[] = [],
  environment?: CheckEnvironment,
): LocatedFinding[] {
  const model = service.parse(text);
  const role = environment?.roleOf(file);
  if (environment && role?.kind === 'identityPolicy') {
    return locateFindings(file, text, service.doIdentityPolicyValidation(model, environment.environment, role.principalAccounts, disabledRules));
  }
  const key = role?.kind === 'keyPolicy' ? role.key : undefined;
  return locateFindings(file, text, service.doValidation(model, { disabledRules, keyAccount: key?.account, environment: environment?.environment, environmentKey: key }));
}

/** Loads an environment file for `check --environment`; throws CheckInputError listing its problems. */
export function loadCheckEnvironment(file: string): CheckEnvironment {
  const text = readPolicyFile(file);
  const dir = dirname(resolve(file));
  const result = parseEnvironment(text, { source: file, readFile: (ref) => readFileSync(resolve(dir, ref), 'utf8') });
  if (!result.environment) {
    throw new CheckInputError(`environment '${file}' has problems:\n${result.issues.map((i) => `  ${i.message}`).join('\n')}`);
  }
  const environment = result.environment;
  return { environment, roleOf: (policyFile) => documentRoleInEnvironment(environment, relative(dir, resolve(policyFile))) };
}
