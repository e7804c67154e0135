// One `textDocument/codeLens` handler per connection, fed by every feature that has lenses
// (Simulate access, the access diff): a connection keeps only the last handler registered, so
// features add sources here instead of registering their own.
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { runSafelyAsync } from './runSafely';
import type { ServerContext } from './serverContext';

/** A feature's lenses for a document; an empty list when it has none. */
export type CodeLensSource = (document: TextDocument) => CodeLens[] | Promise<CodeLens[]>;

const sources = new WeakMap<ServerContext, CodeLensSource[]>();

export function addCodeLensSource(ctx: ServerContext, source: CodeLensSource): void {
  let list = sources.get(ctx);
  if (!list) {
    const created: CodeLensSource[] = [];
    list = created;
    sources.set(ctx, created);
    ctx.connection.onCodeLens((params, token) =>
      runSafelyAsync(ctx.connection, token, 'textDocument/codeLens', [] as CodeLens[], async () => {
        const document = ctx.documents.get(params.textDocument.uri);
        if (!document) return [];
        // One failing source costs its own lenses only.
        const each = await Promise.all(
          created.map(async (s) => {
            try {
              return await s(document);
            } catch (error) {
              ctx.connection.console.error(`codeLens failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
              return [];
            }
          }),
        );
        return each.flat();
      }),
    );
  }
  list.push(source);
}
