// Act As (who the embedded engine's calls run as), Advance Engine Clock (to watch a scheduled
// deletion or rotation happen without waiting) and Restart Embedded Engine (to take up a
// changed environment file).
import * as vscode from 'vscode';
import { AdvanceEngineClockRequest, type AdvanceEngineClockParams, type AdvanceEngineClockResult } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import { shortPrincipal } from '../kms/principalNames';
import { environmentFile } from '../languageClient/environmentFileLocation';
import { sendRequest } from '../languageClient/typedMessages';

export function createActAsStatusBar(ctx: StudioContext): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('kmsPolicyStudio.actAs', vscode.StatusBarAlignment.Left, 10);
  item.name = 'KMS principal';
  item.command = 'kmsPolicyStudio.actAs';
  const render = (arn?: string) => {
    item.text = `$(account) KMS: ${arn ? shortPrincipal(arn) : 'root'}`;
    item.tooltip = `The embedded KMS engine's calls run as ${arn ?? 'the account root user'}. Click to act as another principal.`;
    item.accessibilityInformation = { label: `KMS principal ${arn ? shortPrincipal(arn) : 'root'}` };
  };
  render();
  ctx.push(item, ctx.onDidChangePrincipal((arn) => render(arn)));
  item.show();
  return item;
}

export function actAsCommand(ctx: StudioContext) {
  return async (principalArg?: unknown): Promise<string | undefined> => {
    let principals;
    try {
      principals = await ctx.embedded.principals();
    } catch (error) {
      void vscode.window.showErrorMessage(`The embedded engine is not ready: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    let arn = typeof principalArg === 'string' ? principalArg : undefined;
    if (arn && !principals.some((p) => p.arn === arn)) {
      void vscode.window.showErrorMessage(`${arn} has no access key in the embedded environment. Add it to the environment file to act as it.`);
      return undefined;
    }
    if (!arn) {
      const current = (await ctx.embedded.currentPrincipal()).arn;
      const choice = await vscode.window.showQuickPick(
        principals.map((p) => ({ label: shortPrincipal(p.arn), description: p.arn, detail: p.arn === current ? 'current' : undefined, arn: p.arn })),
        { title: 'Act As: who the embedded engine\u2019s calls run as', placeHolder: 'Principals of the environment (kms-environment.json) with access keys' },
      );
      arn = choice?.arn;
    }
    if (!arn) return undefined;
    ctx.actAs(arn);
    ctx.fireEngineChanged();
    return arn;
  };
}

export function advanceClockCommand(ctx: StudioContext) {
  return async (amountArg?: unknown): Promise<string | undefined> => {
    const amount =
      typeof amountArg === 'string'
        ? amountArg
        : await vscode.window.showInputBox({
            title: 'Advance Engine Clock',
            prompt: 'How far to move the embedded engine\u2019s clock forward, e.g. 7d, 12h, 90m. Scheduled deletions and rotations that become due happen at once.',
            value: '7d',
            validateInput: (v) => (/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/.test(v) ? undefined : 'A number followed by ms, s, m, h or d.'),
          });
    if (!amount) return undefined;
    let moved: AdvanceEngineClockResult;
    try {
      const client = await ctx.client();
      const params: AdvanceEngineClockParams = { advance: amount.trim() };
      moved = await sendRequest(client, AdvanceEngineClockRequest, params);
    } catch (error) {
      void vscode.window.showErrorMessage(`The engine clock did not move: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    ctx.fireEngineChanged();
    void vscode.window.showInformationMessage(`The embedded engine's clock now reads ${moved.now}.`);
    return moved.now;
  };
}

export function restartEngineCommand(ctx: StudioContext) {
  return async (): Promise<boolean> => {
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Restarting the embedded KMS engine' },
        () => ctx.restartLanguageServer(),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(`The embedded engine did not restart: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    const file = environmentFile();
    void vscode.window.setStatusBarMessage(`$(check) Embedded KMS engine restarted${file ? ` with ${vscode.workspace.asRelativePath(file)}` : ''}`, 5000);
    return true;
  };
}
