// One `workspace/didChangeWatchedFiles` handler per connection, fed by every feature that cares
// about files changing on disk (the access diff: git's HEAD and refs; Terraform: the other .tf
// files of an open file's module): a connection keeps only the last handler registered, so
// features add listeners here instead of registering their own.
import type { FileEvent } from 'vscode-languageserver';
import type { ServerContext } from './serverContext';

export type WatchedFilesListener = (changes: readonly FileEvent[]) => void;

const listeners = new WeakMap<ServerContext, WatchedFilesListener[]>();

export function onWatchedFilesChanged(ctx: ServerContext, listener: WatchedFilesListener): void {
  let list = listeners.get(ctx);
  if (!list) {
    const created: WatchedFilesListener[] = [];
    list = created;
    listeners.set(ctx, created);
    ctx.connection.onDidChangeWatchedFiles((params) => {
      for (const each of created) {
        // One failing listener costs its own reaction only.
        try {
          each(params.changes);
        } catch (error) {
          ctx.connection.console.error(`didChangeWatchedFiles failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      }
    });
  }
  list.push(listener);
}
