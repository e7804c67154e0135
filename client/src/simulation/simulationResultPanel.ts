// The simulation result view: one panel, reused by every simulation (Simulate Access, Run
// Scenario, Why? after a denial, a cell of the Who Can Use matrix) the way a preview is, and
// revived after a reload by its serializer. "Open as text" keeps the read-only text document
// that earlier versions showed, so a result can still be kept, searched or copied whole.
import * as vscode from 'vscode';
import type { SimulateResult } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import { renderSimulationResultHtml } from '../webview/simulationResultHtml';
import { parseFromSimulationView } from './resultViewMessages';
import { registerResultPanelSerializer, ResultPanel, resultViewPage, showResultPanel, type ResultPanelKind } from './resultWebview';
import { buildSimulationReport, type SimulationAsked } from './simulationReport';
import type { SimulationDocuments } from './simulationDocuments';
import { buildSimulationView, type SimulationView } from './simulationViewModel';

/** What the view is rendered from, kept by the webview so a reload can render it again. */
export interface SimulationViewState {
  readonly kind: 'simulation';
  readonly result: SimulateResult;
  readonly asked: SimulationAsked;
}

function isViewState(value: unknown): value is SimulationViewState {
  const s = value as Partial<SimulationViewState> | null;
  return typeof s === 'object' && s !== null && s.kind === 'simulation' && typeof s.result === 'object' && s.result !== null && typeof s.result.decision === 'string' && typeof s.asked === 'object' && s.asked !== null;
}

export class SimulationResultPanel extends ResultPanel<SimulationViewState> {
  static readonly kind: ResultPanelKind<SimulationViewState, SimulationResultPanel> = {
    viewType: 'kmsPolicyStudio.simulationResult',
    title: 'Simulation',
    column: vscode.ViewColumn.Beside,
    current: undefined,
    isState: isViewState,
  };
  static get current(): SimulationResultPanel | undefined {
    return SimulationResultPanel.kind.current;
  }

  private state!: SimulationViewState;
  private view!: SimulationView;

  /** Shows a result in the one simulation panel, creating it beside the current editor if needed. */
  static show(ctx: StudioContext, docs: SimulationDocuments, result: SimulateResult, asked: SimulationAsked): SimulationResultPanel {
    return showResultPanel(ctx, SimulationResultPanel.kind, { kind: 'simulation' as const, result, asked }, (panel, state) => new SimulationResultPanel(ctx, docs, panel, state));
  }

  static registerSerializer(ctx: StudioContext, docs: SimulationDocuments): vscode.Disposable {
    return registerResultPanelSerializer(ctx, SimulationResultPanel.kind, (panel, state) => new SimulationResultPanel(ctx, docs, panel, state));
  }

  private constructor(
    ctx: StudioContext,
    private readonly docs: SimulationDocuments,
    panel: vscode.WebviewPanel,
    state: SimulationViewState,
  ) {
    super(ctx, panel, SimulationResultPanel.kind);
    this.render(state);
  }

  render(state: SimulationViewState): void {
    this.state = state;
    this.view = buildSimulationView(state.result, state.asked);
    this.panel.title = this.view.title;
    this.panel.webview.html = renderSimulationResultHtml(this.view, resultViewPage(this.ctx, this.panel.webview, 'simulationResult.js'), state);
  }

  /** What the view shows now: its model and its HTML (tests read this). */
  snapshot(): { readonly title: string; readonly view: SimulationView; readonly html: string } {
    return { title: this.panel.title, view: this.view, html: this.panel.webview.html };
  }

  async receive(raw: unknown): Promise<void> {
    const message = parseFromSimulationView(raw);
    if (!message) {
      this.ctx.output.warn('Simulation view: ignored a malformed message from the webview.');
      return;
    }
    switch (message.type) {
      case 'openStatement':
        await this.openStatement(message.link);
        return;
      case 'openAsText':
        await this.docs.show(buildSimulationReport(this.state.result, this.state.asked), this.view.title.replace(/^Simulation: /, ''));
        return;
      case 'copyError':
        await vscode.env.clipboard.writeText(`${this.view.error ?? ''}: ${this.view.errorMessage ?? ''}`);
        void vscode.window.setStatusBarMessage('Copied the error message the caller would see.', 3000);
        return;
    }
  }

  /** Opens the policy at the statement's range, selected, in the editor already showing it or beside the view. */
  private async openStatement(index: number): Promise<void> {
    const link = this.view.links[index];
    if (!link) return;
    const uri = /^[a-z][\w+.-]*:/i.test(link.target) && !/^[a-z]:[\\/]/i.test(link.target) ? vscode.Uri.parse(link.target) : vscode.Uri.file(link.target);
    const selection = new vscode.Range(link.startLine - 1, link.startColumn - 1, link.endLine - 1, link.endColumn - 1);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const viewColumn = shown?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    try {
      await vscode.commands.executeCommand('vscode.open', uri, { selection, viewColumn, preview: false } satisfies vscode.TextDocumentShowOptions);
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not open ${uri.fsPath || uri.toString()}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

}
