// Key-policy diagnostics: pulled by clients that support textDocument/diagnostic, pushed
// (debounced, on open and change) to clients that do not.
import { DocumentDiagnosticReportKind, LSPErrorCodes, ResponseError, type DiagnosticServerCancellationData, type Diagnostic, type DocumentDiagnosticReport, type ServerCapabilities } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SCENARIO_LANGUAGE_ID } from '../protocol';
import { keyPolicySupport } from './keyPolicySupport';
import { toDiagnostic } from './lspConversions';
import { runSafelyAsync } from './runSafely';
import type { ServerContext } from './serverContext';

const PUSH_DELAY_MS = 150;

export function registerDiagnosticsFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  const { connection, documents } = ctx;
  const pullSupported = () => !!ctx.clientCapabilities?.textDocument?.diagnostic;
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const diagnosticsOf = async (document: TextDocument): Promise<Diagnostic[]> =>
    (await support.validate(document)).map((f) => toDiagnostic(document, f));

  const push = (document: TextDocument, delay: number) => {
    // Scenario documents get their diagnostics from the simulate feature; an empty push from
    // here would race with them.
    if (document.languageId === SCENARIO_LANGUAGE_ID) return;
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        const version = document.version;
        diagnosticsOf(document).then(
          (diagnostics) => {
            // A newer version is on its way; its own push will report.
            if (documents.get(document.uri)?.version !== version) return;
            void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
          },
          (error: unknown) => connection.console.error(`diagnostics failed for ${document.uri}: ${String(error)}`),
        );
      }, delay),
    );
  };

  documents.onDidOpen((e) => {
    if (!pullSupported()) push(e.document, 0);
  });
  documents.onDidChangeContent((e) => {
    if (!pullSupported()) push(e.document, PUSH_DELAY_MS);
  });
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    if (!pullSupported()) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  support.settings.onDidChange(() => {
    if (pullSupported()) {
      if (ctx.clientCapabilities?.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
    } else {
      for (const document of documents.all()) push(document, 0);
    }
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const empty: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const result = await runSafelyAsync(connection, token, 'textDocument/diagnostic', empty, async () => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return empty;
      return { kind: DocumentDiagnosticReportKind.Full, items: await diagnosticsOf(document) } satisfies DocumentDiagnosticReport;
    });
    // A cancelled pull is retried by the client once the document settles.
    if (result instanceof ResponseError) {
      return new ResponseError<DiagnosticServerCancellationData>(LSPErrorCodes.ServerCancelled, 'Diagnostics cancelled', { retriggerRequest: true });
    }
    return result;
  });

  // Identity policies and multi-Region key policies depend on other files of the environment.
  return { diagnosticProvider: { identifier: 'kms-policy', interFileDependencies: true, workspaceDiagnostics: false } };
}
