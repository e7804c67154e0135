// Wires every language feature to a connection. Written once; the node entry and the
// protocol tests both call it.
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerInitializationOptions } from '../protocol';
import { URI } from './fileUri';
import type { ServerContext, ServerFeature, ServerRuntime } from './serverContext';
import { registerEngineFeature } from './engineFeature';
import { registerSimulateFeature } from './simulateFeature';
import { registerDiagnosticsFeature } from './diagnosticsFeature';
import { registerHoverFeature } from './hoverFeature';
import { registerCompletionFeature } from './completionFeature';
import { registerCodeActionFeature } from './codeActionFeature';
import { registerOutlineFeature } from './outlineFeature';
import { registerAccessDiffFeature } from './accessDiffFeature';

const FEATURES: readonly ServerFeature[] = [
  registerEngineFeature,
  registerSimulateFeature,
  registerDiagnosticsFeature,
  registerHoverFeature,
  registerCompletionFeature,
  registerCodeActionFeature,
  registerOutlineFeature,
  registerAccessDiffFeature,
];

export function startServer(connection: Connection, runtime: ServerRuntime = {}): void {
  const documents = new TextDocuments(TextDocument);
  const ctx: ServerContext = { connection, documents, runtime, initializationOptions: {} };
  const capabilities = Object.assign({}, ...FEATURES.map((register) => register(ctx)));

  connection.onInitialize((params): InitializeResult => {
    ctx.initializationOptions = (params.initializationOptions ?? {}) as ServerInitializationOptions;
    ctx.clientCapabilities = params.capabilities;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    ctx.workspaceFolders = folders.filter((uri) => uri.startsWith('file:')).map((uri) => URI.path(uri));
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...capabilities },
      serverInfo: { name: 'kms-key-policy-studio' },
    };
  });

  documents.listen(connection);
  connection.listen();
}
