// What every LSP feature receives: the connection, the open documents and the
// initialization options. A feature registers its handlers on it and returns the
// capabilities it serves; startServer merges them into the initialize result.
import type { ClientCapabilities, Connection, ServerCapabilities, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AccessScenario } from '../core/access/scenario';
import type { JsonObject } from '../core/engine/kmsEngineApi';
import type { Environment } from '../core/environment/environmentModel';
import type { ServerInitializationOptions } from '../protocol';

/** What the embedded engine recorded, and knows, of one of its keys. */
export interface RecordedKeyCalls {
  /** The engine's CloudTrail events, oldest first. */
  readonly events: Iterable<JsonObject>;
  /** The engine's facts about the key (state, aliases, tags, grants). */
  readonly scenario: AccessScenario;
  readonly environment: Environment;
  /** The engine clock's now. */
  readonly now: Date;
}

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** What the process was given besides the connection: secrets that must not travel in messages. */
  readonly runtime: ServerRuntime;
  /** Filled in `onInitialize`, before any feature handler runs. */
  initializationOptions: ServerInitializationOptions;
  /** The client's capabilities, filled in `onInitialize` (pull diagnostics, configuration, snippets...). */
  clientCapabilities?: ClientCapabilities;
  /** File-system paths of the workspace folders, filled in `onInitialize`. */
  workspaceFolders?: readonly string[];
  /** The embedded engine's recorded calls on a key, or undefined when it has no such key (filled in by the engine feature). */
  recordedKeyCalls?: (keyArn: string) => Promise<RecordedKeyCalls | undefined>;
}

/** Given by the node entry from the process environment. */
export interface ServerRuntime {
  /** Root key (64 hex characters) of the engine store, from VS Code's SecretStorage via the client. */
  readonly engineRootKeyHex?: string;
}

/**
 * Whether the server may read the workspace's files (the environment file and what it names).
 * The one place trust is decided: a client that does not say the workspace is trusted gets nothing read.
 */
export function workspaceTrusted(ctx: ServerContext): boolean {
  return ctx.initializationOptions.workspaceTrusted === true;
}

/** A language feature: registers its handlers and says which capabilities it serves. */
export type ServerFeature = (ctx: ServerContext) => Partial<ServerCapabilities>;
