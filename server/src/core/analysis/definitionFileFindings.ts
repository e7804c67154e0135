// Findings for the product's own files, an access scenario (`*.kms-scenario.json`) and an
// environment (`kms-environment.json`): each checked by the one parser that reads it for
// simulation and the engine, its problems given stable codes like the policy rules'.
import { parseScenarioText } from '../access/scenarioParser';
import { DOCS } from '../catalog/kmsCuratedFacts';
import { parseEnvironment, type EnvironmentFileReader } from '../environment/environmentLoader';
import type { Finding } from './analysisTypes';
import type { EnvironmentRuleInfo } from './environment/environmentRule';

const SCENARIO_DOC = 'https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html';

/** The codes scenario and environment findings carry (the editor's scenario diagnostics use the same). */
export const DEFINITION_FILE_RULES: readonly EnvironmentRuleInfo[] = [
  { code: 'SCENARIO_JSON_SYNTAX', severity: 'error', docUrl: SCENARIO_DOC, awsSays: 'A scenario is one JSON object: request, key, keyPolicy, identityPolicies, grants and organization policies.' },
  { code: 'SCENARIO_SCHEMA', severity: 'error', docUrl: SCENARIO_DOC, awsSays: 'A scenario follows schemas/scenario.schema.json; simulate refuses one that does not.' },
  { code: 'SCENARIO_MISMATCH', severity: 'warning', docUrl: SCENARIO_DOC, awsSays: 'A request or grant for another key than the scenario\'s key never reaches it.' },
  { code: 'ENVIRONMENT_JSON_SYNTAX', severity: 'error', docUrl: DOCS.keyPolicyElements, awsSays: 'An environment file is one JSON object with accounts, principals and keys.' },
  { code: 'ENVIRONMENT_INVALID', severity: 'error', docUrl: DOCS.keyPolicyElements, awsSays: 'An environment file follows schemas/environment.schema.json and its references resolve; the engine and simulate refuse one that does not.' },
];

function finding(code: string, message: string, range: { start: number; end: number } | undefined): Finding {
  const rule = DEFINITION_FILE_RULES.find((r) => r.code === code)!;
  return { code, severity: rule.severity, message, range: range ?? { start: 0, end: 0 }, docUrl: rule.docUrl };
}

export function scenarioFindings(text: string, source?: string): Finding[] {
  const { issues, warnings = [] } = parseScenarioText(text, source);
  return [
    ...issues.map((i) => finding(i.message.startsWith('JSON syntax') ? 'SCENARIO_JSON_SYNTAX' : 'SCENARIO_SCHEMA', i.message, i.range)),
    ...warnings.map((w) => finding('SCENARIO_MISMATCH', w.message, w.range)),
  ];
}

/** `readFile` reads the policy files the environment names, relative to it. */
export function environmentFindings(text: string, source: string | undefined, readFile: EnvironmentFileReader): Finding[] {
  const { issues } = parseEnvironment(text, { source, readFile });
  return issues.map((i) =>
    finding(i.message.startsWith('JSON syntax') ? 'ENVIRONMENT_JSON_SYNTAX' : 'ENVIRONMENT_INVALID', i.file && !i.message.includes(i.file) ? `${i.message} (${i.file})` : i.message, i.range),
  );
}
