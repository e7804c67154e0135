// The embedded engine reads its environment file (accounts, principals, their policies and
// access keys) when it starts. When that file, or the setting naming it, changes, this offers
// to restart the engine so the change takes effect; keys, grants and aliases live in the
// engine's store and stay.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';
import { environmentFilePath, environmentFolders } from './environmentFileLocation';

/** Saves often come in bursts (format on save, then save): offer once they settle. */
const SETTLE_MS = 500;

export function watchEnvironmentFile(ctx: StudioContext): void {
  let watchers: vscode.Disposable[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let offering = false;

  const offerRestart = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (offering) return;
      offering = true;
      void vscode.window
        .showInformationMessage('The KMS environment file changed. The embedded engine takes it up when it restarts.', 'Restart Engine')
        .then((choice) => (choice ? vscode.commands.executeCommand('kmsPolicyStudio.restartEngine') : undefined))
        .then(
          () => (offering = false),
          () => (offering = false),
        );
    }, SETTLE_MS);
  };

  const watch = () => {
    for (const watcher of watchers) watcher.dispose();
    watchers = [];
    for (const folder of environmentFolders()) {
      const file = environmentFilePath(folder);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      watchers.push(watcher, watcher.onDidChange(offerRestart), watcher.onDidCreate(offerRestart), watcher.onDidDelete(offerRestart));
    }
  };

  watch();
  ctx.push(
    {
      dispose: () => {
        if (timer) clearTimeout(timer);
        for (const watcher of watchers) watcher.dispose();
      },
    },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('kmsPolicyStudio.environmentFile')) return;
      watch();
      offerRestart();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => watch()),
    // The language server started reading nothing from the workspace; now it may read its environment file.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      watch();
      void ctx.restartLanguageServer().catch(() => undefined);
    }),
  );
}
