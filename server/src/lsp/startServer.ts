// Wires every language feature to a connection. Written once; the node entry and the
// protocol tests both call it.
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerInitializationOptions } from '../protocol';
import type { ServerContext } from './serverContext';
import { registerEngineFeature } from './engineFeature';
import { registerSimulateFeature } from './simulateFeature';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const ctx: ServerContext = { connection, documents, initializationOptions: {} };

  connection.onInitialize((params): InitializeResult => {
    ctx.initializationOptions = (params.initializationOptions ?? {}) as ServerInitializationOptions;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
      },
      serverInfo: { name: 'kms-key-policy-studio' },
    };
  });

  registerEngineFeature(ctx);
  registerSimulateFeature(ctx);

  documents.listen(connection);
  connection.listen();
}
