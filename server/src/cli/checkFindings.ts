// Checks files for the CLI as what each is (key policy, identity policy, scenario, environment):
// each file read once, parsed once, its findings located by 1-based line and column.
import { readFileSync, statSync } from 'node:fs';
import type { Finding, Severity } from '../core/analysis/analysisTypes';
import type { KeyPolicyLanguageService } from '../core/analysis/keyPolicyLanguageService';
import { LineIndex } from '../core/policy/lineIndex';
import { dirname, relative, resolve } from 'node:path';
import { documentRoleInEnvironment, type EnvironmentDocumentRole } from '../core/analysis/environment/environmentDocumentRole';
import { parseEnvironmentFile } from '../node/environmentFile';
import { environmentFindings, scenarioFindings } from '../core/analysis/definitionFileFindings';
import { validateStandaloneIdentityPolicy } from '../core/analysis/identityPolicyValidation';
import { recognizePolicyFile, type PolicyFileKind } from '../core/analysis/policyFileKind';
import { kmsCatalog } from '../core/catalog/kmsCatalog';
import type { Environment } from '../core/environment/environmentModel';
import { isYamlFile, templateFindings } from './templateFiles';

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
  if (stats.isDirectory()) throw new CheckInputError(`'${file}' is a directory with no CloudFormation template; name the policy files to check`);
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

/** How `check` took a file: the kind it recognised and why, or why it skipped it. */
export type CheckedFile =
  | { readonly kind: PolicyFileKind | 'template' | 'terraform'; readonly because: string; readonly findings: LocatedFinding[] }
  | { readonly kind: 'skipped'; readonly because: string; readonly findings: readonly [] };

/** Checks one file as what it is: a key policy, an identity policy, a scenario or an environment. */
export function checkFile(
  service: KeyPolicyLanguageService,
  file: string,
  text: string,
  disabledRules: readonly string[] = [],
  environment?: CheckEnvironment,
): CheckedFile {
  const role = environment?.roleOf(file);
  // CloudFormation, SAM and CDK templates: their keys' policies, located in the template.
  const inTemplate = role ? undefined : templateFindings(file, text, disabledRules);
  if (inTemplate) return { kind: 'template', because: 'it is a CloudFormation template', findings: locateFindings(file, text, inTemplate) };
  if (!role && isYamlFile(file)) return { kind: 'skipped', because: 'it is YAML but not a CloudFormation template', findings: [] };
  // The environment says what its policy files are; otherwise the file's schema, name or shape does.
  const recognised = role ? { kind: role.kind, because: 'the environment names it' } : recognizePolicyFile(file, text);
  const disabled = new Set(disabledRules);
  const enabled = (findings: readonly Finding[]) => findings.filter((f) => !disabled.has(f.code));
  switch (recognised.kind) {
    case 'unknown':
      return { kind: 'skipped', because: recognised.because, findings: [] };
    case 'scenario':
      return { ...recognised, findings: locateFindings(file, text, enabled(scenarioFindings(text, file))) };
    case 'environment': {
      const dir = dirname(resolve(file));
      return { ...recognised, findings: locateFindings(file, text, enabled(environmentFindings(text, file, (ref) => readFileSync(resolve(dir, ref), 'utf8')))) };
    }
    case 'identityPolicy': {
      const model = service.parse(text);
      const own = validateStandaloneIdentityPolicy(model, kmsCatalog(), disabledRules);
      const againstKeys =
        environment && role?.kind === 'identityPolicy'
          ? service.doIdentityPolicyValidation(model, environment.environment, role.principalAccounts, disabledRules).filter((f) => f.code !== 'JSON_SYNTAX')
          : [];
      return { ...recognised, findings: locateFindings(file, text, sortByPosition([...own, ...againstKeys])) };
    }
    case 'keyPolicy': {
      const key = role?.kind === 'keyPolicy' ? role.key : undefined;
      const model = service.parse(text);
      return { ...recognised, findings: locateFindings(file, text, service.doValidation(model, { disabledRules, keyAccount: key?.account, environment: environment?.environment, environmentKey: key })) };
    }
  }
}

function sortByPosition(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
}

/** Loads an environment file for `check --environment`; throws CheckInputError listing its problems. */
export function loadCheckEnvironment(file: string): CheckEnvironment {
  const dir = dirname(resolve(file));
  const result = parseEnvironmentFile(file);
  if (!result.environment) {
    throw new CheckInputError(`environment '${file}' has problems:\n${result.issues.map((i) => `  ${i.message}`).join('\n')}`);
  }
  const environment = result.environment;
  return { environment, roleOf: (policyFile) => documentRoleInEnvironment(environment, relative(dir, resolve(policyFile))) };
}
