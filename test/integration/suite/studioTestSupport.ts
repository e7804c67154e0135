// Shared steps of the integration cases: the extension's API once its language server is up,
// waiting for a condition, and an editor holding given text.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SimulationView } from '../../../client/src/simulation/simulationViewModel';
import type { WhoCanUseMatrix } from '../../../client/src/webview/whoCanUseMatrix';

export const EXTENSION_ID = 'kms-policy-studio.kms-key-policy-studio';

export interface StudioApi {
  readonly activationTimeMs: number;
  readonly languageClientReady: Promise<void>;
  advisorState():
    | { recommendation: { recommended: string; reasons: { questionId: string }[] }; costs: { option: string; monthlyUsd: number; notes: string[] }[]; combinedCost?: { options: string[]; monthlyUsd: number } }
    | undefined;
  updateAdvisor(answers: unknown, prices?: unknown): boolean;
  putLiveKeyPolicy(uri: vscode.Uri): Promise<{ outcome: string; message: string }>;
  keyChangeConfirmation(command: 'scheduleKeyDeletion' | 'disableKey', args: { keyId: string; pendingWindowInDays?: number }): Promise<{ message: string; detail: string; button: string }[] | undefined>;
  keyTreeSnapshot(depth?: number): Promise<string[]>;
  simulationView(): { title: string; html: string; view: SimulationView } | undefined;
  sendToSimulationView(message: unknown): Promise<boolean>;
  whoCanUseView(): { title: string; html: string; matrix: WhoCanUseMatrix } | undefined;
  sendToWhoCanUseView(message: unknown): Promise<boolean>;
}

export async function studio(): Promise<StudioApi> {
  const extension = vscode.extensions.getExtension<StudioApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  await api.languageClientReady;
  return api;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the demo workspace (examples/) is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** An editor on a new file in the system temp folder (a file, so closing it never asks to save). */
export async function editorWith(text: string): Promise<vscode.TextEditor> {
  const folder = mkdtempSync(join(tmpdir(), 'kms-studio-suite-'));
  const file = join(folder, 'secret.txt');
  writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document);
}

/** Saves what the tests edited and closes every editor, without any dialog. */
export async function closeAllEditors(): Promise<void> {
  await vscode.workspace.saveAll(false);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function selectAll(editor: vscode.TextEditor): void {
  const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
  editor.selections = [new vscode.Selection(new vscode.Position(0, 0), end)];
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
