// Schema and consistency diagnostics for scenario files (`*.kms-scenario.json`), pushed after the
// key-policy diagnostics so they are the last word for scenario documents.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { JsonIssue } from '../core/access/jsonSchemaIssues';
import { parseScenarioText } from '../core/access/scenarioParser';
import { SCENARIO_LANGUAGE_ID } from '../protocol';
import type { ServerContext } from './serverContext';

const DIAGNOSTIC_SOURCE = 'kms-scenario';
/** Later than the key-policy diagnostics' push, so scenario findings are the last word for scenario files. */
const PUSH_DELAY_MS = 250;

export function registerScenarioDiagnostics(ctx: ServerContext): void {
  const { connection, documents } = ctx;
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const pushScenarioDiagnostics = (document: TextDocument, delay: number): void => {
    if (document.languageId !== SCENARIO_LANGUAGE_ID) return;
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        const current = documents.get(document.uri);
        if (!current) return;
        try {
          void connection.sendDiagnostics({ uri: current.uri, version: current.version, diagnostics: scenarioDiagnostics(current) });
        } catch (error) {
          connection.console.error(`scenario diagnostics failed for ${document.uri}: ${String(error)}`);
        }
      }, delay),
    );
  };
  documents.onDidOpen((e) => pushScenarioDiagnostics(e.document, PUSH_DELAY_MS));
  documents.onDidChangeContent((e) => pushScenarioDiagnostics(e.document, PUSH_DELAY_MS));
  documents.onDidClose((e) => {
    if (e.document.languageId !== SCENARIO_LANGUAGE_ID) return;
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
}

export function scenarioDiagnostics(document: TextDocument): Diagnostic[] {
  const { issues, warnings = [] } = parseScenarioText(document.getText(), document.uri);
  const toDiagnostic = (issue: JsonIssue, severity: DiagnosticSeverity, code: string): Diagnostic => ({
    range: { start: document.positionAt(issue.range?.start ?? 0), end: document.positionAt(issue.range?.end ?? 0) },
    severity,
    source: DIAGNOSTIC_SOURCE,
    code,
    message: issue.message,
  });
  return [
    ...issues.map((issue) => toDiagnostic(issue, DiagnosticSeverity.Error, issue.message.startsWith('JSON syntax') ? 'SCENARIO_JSON_SYNTAX' : 'SCENARIO_SCHEMA')),
    ...warnings.map((warning) => toDiagnostic(warning, DiagnosticSeverity.Warning, 'SCENARIO_MISMATCH')),
  ];
}
