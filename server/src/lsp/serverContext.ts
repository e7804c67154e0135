// What every LSP feature receives: the connection, the open documents and the
// initialization options. Features register their handlers on it and own nothing else.
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerInitializationOptions } from '../protocol';

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** Filled in `onInitialize`, before any feature handler runs. */
  initializationOptions: ServerInitializationOptions;
}
