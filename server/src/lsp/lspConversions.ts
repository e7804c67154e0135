// Converts the language service's offset-based results into LSP types for one document.
import {
  CodeAction,
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  type CompletionItem,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionEntry, CompletionKind, Finding, OffsetEdit, Severity } from '../core/analysis/analysisTypes';
import type { SourceRange } from '../core/policy/policyModel';

export const DIAGNOSTIC_SOURCE = 'kms-policy';

export function toRange(document: TextDocument, range: SourceRange): Range {
  return { start: document.positionAt(range.start), end: document.positionAt(range.end) };
}

export function toTextEdit(document: TextDocument, edit: OffsetEdit): TextEdit {
  return { range: toRange(document, edit.range), newText: edit.newText };
}

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries in `data`: its quick fixes, already in this document's positions. */
export interface DiagnosticFixData {
  readonly fixes: readonly { readonly title: string; readonly isPreferred: boolean; readonly edits: readonly TextEdit[] }[];
}

export function toDiagnostic(document: TextDocument, finding: Finding): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(document, finding.range),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: finding.docUrl },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.fixes?.length) {
    const data: DiagnosticFixData = {
      fixes: finding.fixes.map((f) => ({ title: f.title, isPreferred: !!f.isPreferred, edits: f.edits.map((e) => toTextEdit(document, e)) })),
    };
    diagnostic.data = data;
  }
  return diagnostic;
}

/** Quick fixes of the diagnostics the client sends back with a code-action request. */
export function fixesOf(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const data = diagnostic.data as Partial<DiagnosticFixData> | undefined;
    if (!data || !Array.isArray(data.fixes)) continue;
    for (const fix of data.fixes) {
      const action = CodeAction.create(fix.title, { changes: { [uri]: [...fix.edits] } }, CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = fix.isPreferred;
      actions.push(action);
    }
  }
  return actions;
}

const KIND: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  action: CompletionItemKind.Function,
  conditionKey: CompletionItemKind.Field,
  operator: CompletionItemKind.Operator,
  value: CompletionItemKind.Value,
  principal: CompletionItemKind.Reference,
  snippet: CompletionItemKind.Snippet,
  property: CompletionItemKind.Property,
};

export function toCompletionItem(document: TextDocument, entry: CompletionEntry, snippetSupport: boolean): CompletionItem | undefined {
  if (entry.isSnippet && !snippetSupport) return undefined;
  return {
    label: entry.label,
    kind: KIND[entry.kind],
    detail: entry.detail,
    documentation: entry.documentation ? { kind: 'markdown', value: entry.documentation } : undefined,
    filterText: entry.filterText,
    sortText: entry.sortText,
    insertTextFormat: entry.isSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: { range: toRange(document, entry.range), newText: entry.insertText },
  };
}
