// Activation: register views, commands and providers, start the language client in the
// background (never awaited here), and return the extension's API. Everything heavy happens
// on first use, so activation stays well under 100 ms.
import * as vscode from 'vscode';
import { StudioContext } from './studioContext';
import { KeyExplorer } from './explorer/keyExplorer';
import { AdvisorPanel } from './advisor/advisorPanel';
import { SimulationDocuments } from './simulation/simulationDocuments';
import { runScenarioCommand, simulateAccessCommand } from './simulation/simulateCommands';
import { whoCanUseKeyCommand } from './simulation/whoCanUseKey';
import { SimulationResultPanel } from './simulation/simulationResultPanel';
import { WhoCanUseMatrixPanel } from './simulation/whoCanUseMatrixPanel';
import { decryptSelectionCommand, encryptSelectionCommand } from './encryption/selectionCommands';
import { createKeyCommand } from './commands/createKeyCommand';
import { keyChangeConfirmation, registerKeyManagementCommands, type KeyCommandArgs } from './commands/keyManagementCommands';
import type { KeyChangeDialog } from './kms/keyActivityText';
import { actAsCommand, advanceClockCommand, createActAsStatusBar, restartEngineCommand } from './commands/engineCommands';
import { watchEnvironmentFile } from './languageClient/environmentWatcher';
import { addAwsProfileCommand, addRegionCommand, removeBackendCommand } from './commands/backendCommands';
import { LiveKeyPolicyEditor, type PutOutcome } from './policyEditing/liveKeyPolicyEditor';
import { showAccessDiffCommand } from './policyEditing/showAccessDiffCommand';

/** What `activate` returns: used by the integration tests and by other extensions. */
export interface KmsPolicyStudioApi {
  /** Time spent in `activate`, in milliseconds. */
  readonly activationTimeMs: number;
  /** Resolves once the language server answered `initialize`. */
  readonly languageClientReady: Promise<void>;
  /** The open advisor panel's current recommendation, if a panel is open. */
  advisorState(): ReturnType<AdvisorPanel['state']> | undefined;
  /** Drives the open advisor panel as if its form had changed. */
  updateAdvisor(answers: unknown, prices?: unknown): boolean;
  /** The Keys view as indented `label — description` lines, expanded `depth` levels. */
  keyTreeSnapshot(depth?: number): Promise<string[]>;
  /**
   * The modal confirmations Schedule Key Deletion or Disable Key would show for a key (who used it
   * in the last 90 days, and the second ask when anyone did), without showing them.
   */
  keyChangeConfirmation(command: 'scheduleKeyDeletion' | 'disableKey', args: KeyCommandArgs): Promise<KeyChangeDialog[] | undefined>;
  /** Puts an opened live key policy (unsaved edits included) after the diagnostics check, without dialogs. */
  putLiveKeyPolicy(uri: vscode.Uri): Promise<PutOutcome>;
  /** What the simulation result view shows (its model and HTML), if it is open. */
  simulationView(): ReturnType<SimulationResultPanel['snapshot']> | undefined;
  /** Sends the simulation result view a message as its webview would (a link or button click); false when it is not open. */
  sendToSimulationView(message: unknown): Promise<boolean>;
  /** What the Who Can Use matrix shows (its matrix and HTML), if it is open. */
  whoCanUseView(): ReturnType<WhoCanUseMatrixPanel['snapshot']> | undefined;
  /** Sends the Who Can Use matrix a message as its webview would (a cell click); false when it is not open. */
  sendToWhoCanUseView(message: unknown): Promise<boolean>;
}

export function activate(extension: vscode.ExtensionContext): KmsPolicyStudioApi {
  const started = performance.now();
  const ctx = new StudioContext(extension);
  ctx.push(ctx);

  const simulations = new SimulationDocuments();
  const policies = new LiveKeyPolicyEditor(ctx);
  ctx.livePolicyFile = (keyArn) => policies.fileForEngineKey(keyArn);
  ctx.push(simulations.register(), policies.register());

  const explorer = new KeyExplorer(ctx);
  const view = vscode.window.createTreeView('kmsPolicyStudio.keys', { treeDataProvider: explorer, showCollapseAll: true });
  ctx.push(
    view,
    ctx.onDidChangeEngine(() => explorer.refresh()),
    ctx.onDidChangeBackends(() => explorer.refresh()),
    ctx.onDidChangePrincipal(() => explorer.refresh()),
  );

  const P = 'kmsPolicyStudio.';
  ctx.registerCommand(P + 'refreshKeys', () => () => explorer.refresh());
  ctx.registerCommand(P + 'createKey', createKeyCommand);
  ctx.registerCommand(P + 'encryptSelection', encryptSelectionCommand(simulations));
  ctx.registerCommand(P + 'decryptSelection', decryptSelectionCommand(simulations));
  ctx.registerCommand(P + 'simulateAccess', simulateAccessCommand(simulations, (uri) => policies.keyArnFor(uri)));
  ctx.registerCommand(P + 'runScenario', runScenarioCommand(simulations));
  ctx.registerCommand(P + 'showAccessDiff', showAccessDiffCommand(simulations));
  ctx.registerCommand(P + 'whoCanUseKey', whoCanUseKeyCommand(simulations));
  ctx.registerCommand(P + 'openKeyPolicy', () => policies.openCommand());
  ctx.registerCommand(P + 'putKeyPolicy', () => policies.putCommand());
  ctx.registerCommand(P + 'openAdvisor', (c) => () => AdvisorPanel.createOrShow(c) && undefined);
  ctx.registerCommand(P + 'actAs', actAsCommand);
  ctx.registerCommand(P + 'advanceClock', advanceClockCommand);
  ctx.registerCommand(P + 'restartEngine', restartEngineCommand);
  ctx.registerCommand(P + 'addAwsProfile', addAwsProfileCommand);
  ctx.registerCommand(P + 'addRegion', addRegionCommand);
  ctx.registerCommand(P + 'removeBackend', removeBackendCommand);
  registerKeyManagementCommands(ctx, simulations);
  ctx.push(AdvisorPanel.registerSerializer(ctx));
  ctx.push(SimulationResultPanel.registerSerializer(ctx, simulations), WhoCanUseMatrixPanel.registerSerializer(ctx, simulations));
  createActAsStatusBar(ctx);
  watchEnvironmentFile(ctx);

  ctx.startLanguageClient();
  const languageClientReady = ctx.client().then(() => undefined);
  languageClientReady.catch(() => undefined);

  const activationTimeMs = performance.now() - started;
  ctx.output.info(`Activated in ${activationTimeMs.toFixed(1)} ms.`);
  return {
    activationTimeMs,
    languageClientReady,
    advisorState: () => AdvisorPanel.current?.state(),
    updateAdvisor: (answers, prices) => {
      if (!AdvisorPanel.current) return false;
      AdvisorPanel.current.update(answers, prices);
      return true;
    },
    putLiveKeyPolicy: (uri) => policies.putWithoutConfirmation(uri),
    keyChangeConfirmation: (command, args) => keyChangeConfirmation(ctx, command, args),
    keyTreeSnapshot: (depth) => explorer.snapshot(depth),
    simulationView: () => SimulationResultPanel.current?.snapshot(),
    sendToSimulationView: async (message) => {
      if (!SimulationResultPanel.current) return false;
      await SimulationResultPanel.current.receive(message);
      return true;
    },
    whoCanUseView: () => WhoCanUseMatrixPanel.current?.snapshot(),
    sendToWhoCanUseView: async (message) => {
      if (!WhoCanUseMatrixPanel.current) return false;
      await WhoCanUseMatrixPanel.current.receive(message);
      return true;
    },
  };
}

export function deactivate(): void {
  // Disposables registered on the context (the language client included) are released by VS Code.
}
