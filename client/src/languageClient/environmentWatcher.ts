// The embedded engine reads its environment file (accounts, principals, their policies and
// access keys) when it starts. When that file, or the setting naming it, changes, this offers
// to restart the engine so the change takes effect; keys, grants and aliases live in the
// engine's store and stay.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';

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
    // The engine reads an environment file only from a trusted workspace.
    if (!vscode.workspace.isTrusted) return;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const setting = vscode.workspace.getConfiguration('kmsPolicyStudio', folder.uri).get<string>('environmentFile', 'kms-environment.json');
      const pattern = path.isAbsolute(setting)
        ? new vscode.RelativePattern(vscode.Uri.file(path.dirname(setting)), path.basename(setting))
        : new vscode.RelativePattern(folder, setting);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
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
    vscode.workspace.onDidGrantWorkspaceTrust(() => watch()),
  );
}
