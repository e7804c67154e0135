// `kms-policy check --format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it
// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
import { relative, isAbsolute } from 'node:path';
import { ALL_RULES } from '../core/analysis/allRules';
import { DEFINITION_FILE_RULES } from '../core/analysis/definitionFileFindings';
import { ENVIRONMENT_RULES } from '../core/analysis/environment/environmentRules';
import type { Severity } from '../core/analysis/analysisTypes';
import { TEMPLATE_RULES } from '../core/templates/templateKeyRules';
import { TERRAFORM_RULES } from '../core/templates/terraform/terraformKeyRules';
import type { LocatedFinding } from './checkFindings';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };


/** A file as a SARIF artifact URI, relative to `cwd` (the %SRCROOT% code scanning resolves against). */
export function artifactUri(file: string, cwd: string): string {
  const path = isAbsolute(file) ? relative(cwd, file) : file;
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

/** The one SARIF 2.1.0 log `kms-policy` writes, whichever command: the driver, its rules, the results. */
export function sarifLog(version: string, rules: readonly object[], results: readonly object[]): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kms-policy',
            informationUri: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html',
            version,
            semanticVersion: version,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

export function formatSarif(findings: readonly LocatedFinding[], version: string, cwd: string): string {
  const rules = [...ALL_RULES, ...ENVIRONMENT_RULES, ...DEFINITION_FILE_RULES, ...TEMPLATE_RULES, ...TERRAFORM_RULES];
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  return sarifLog(
    version,
    rules.map((r) => ({
      id: r.code,
      name: r.code,
      shortDescription: { text: r.code.toLowerCase().replace(/_/g, ' ') },
      fullDescription: { text: r.awsSays },
      helpUri: r.docUrl,
      help: { text: `${r.awsSays}\n${r.docUrl}` },
      defaultConfiguration: { level: LEVEL[r.severity] },
    })),
    findings.map((f) => ({
      ruleId: f.code,
      ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.file, cwd), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.endLine === f.line ? f.column + 1 : 1) },
          },
        },
      ],
    })),
  );
}
