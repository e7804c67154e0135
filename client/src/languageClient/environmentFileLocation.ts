// Where the embedded engine's environment file is: the `kmsPolicyStudio.environmentFile`
// setting of each workspace folder (default `kms-environment.json`), relative to that folder
// unless absolute. An environment file seeds principals, policies and access keys, so it is
// read only from a trusted workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The setting's path for one folder, made absolute. */
export function environmentFilePath(folder: vscode.WorkspaceFolder): string {
  const setting = vscode.workspace.getConfiguration('kmsPolicyStudio', folder.uri).get<string>('environmentFile', 'kms-environment.json');
  return path.resolve(folder.uri.fsPath, setting);
}

/** The folders whose environment file the engine may read: local folders of a trusted workspace. */
export function environmentFolders(): readonly vscode.WorkspaceFolder[] {
  if (!vscode.workspace.isTrusted) return [];
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
}

/** The environment file the embedded engine starts with: the first folder's that exists. */
export function environmentFile(): string | undefined {
  return environmentFolders().map(environmentFilePath).find((candidate) => fs.existsSync(candidate));
}
