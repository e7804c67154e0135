// The Who Can Use matrix view: one panel, reused for each key asked about, revived after a
// reload by its serializer. A cell opens the simulation of its principal and action on the key
// (with the encryption context a conditional allow needs); "Open as text" keeps the aligned
// text table that earlier versions showed.
import * as vscode from 'vscode';
import { regionOfArn } from '../../../server/src/core/arn/awsArn';
import type { StudioContext } from '../studioContext';
import { renderWhoCanUseMatrixHtml } from '../webview/whoCanUseMatrixHtml';
import type { WhoCanUseMatrix } from '../webview/whoCanUseMatrix';
import { parseFromMatrixView } from './resultViewMessages';
import { registerResultPanelSerializer, ResultPanel, resultViewPage, showResultPanel, type ResultPanelKind } from './resultWebview';
import { runSimulation } from './simulateCommands';
import type { SimulationDocuments } from './simulationDocuments';

/** What the view is rendered from, kept by the webview (with its filter) so a reload can render it again. */
export interface MatrixViewState {
  readonly kind: 'whoCanUse';
  readonly matrix: WhoCanUseMatrix;
  /** The table as aligned text, for "Open as text". */
  readonly text: string;
  readonly filter?: string;
  readonly hideEmpty?: boolean;
}

function isViewState(value: unknown): value is MatrixViewState {
  const s = value as Partial<MatrixViewState> | null;
  return (
    typeof s === 'object' && s !== null && s.kind === 'whoCanUse' && typeof s.text === 'string' &&
    typeof s.matrix === 'object' && s.matrix !== null && typeof s.matrix.keyArn === 'string' && Array.isArray(s.matrix.actions) && Array.isArray(s.matrix.rows)
  );
}

export class WhoCanUseMatrixPanel extends ResultPanel<MatrixViewState> {
  static readonly kind: ResultPanelKind<MatrixViewState, WhoCanUseMatrixPanel> = {
    viewType: 'kmsPolicyStudio.whoCanUse',
    title: 'Who can use',
    column: vscode.ViewColumn.Active,
    current: undefined,
    isState: isViewState,
  };
  static get current(): WhoCanUseMatrixPanel | undefined {
    return WhoCanUseMatrixPanel.kind.current;
  }

  private state!: MatrixViewState;

  static show(ctx: StudioContext, docs: SimulationDocuments, matrix: WhoCanUseMatrix, text: string): WhoCanUseMatrixPanel {
    return showResultPanel(ctx, WhoCanUseMatrixPanel.kind, { kind: 'whoCanUse' as const, matrix, text }, (panel, state) => new WhoCanUseMatrixPanel(ctx, docs, panel, state));
  }

  static registerSerializer(ctx: StudioContext, docs: SimulationDocuments): vscode.Disposable {
    return registerResultPanelSerializer(ctx, WhoCanUseMatrixPanel.kind, (panel, state) => new WhoCanUseMatrixPanel(ctx, docs, panel, state));
  }

  private constructor(
    ctx: StudioContext,
    private readonly docs: SimulationDocuments,
    panel: vscode.WebviewPanel,
    state: MatrixViewState,
  ) {
    super(ctx, panel, WhoCanUseMatrixPanel.kind);
    this.render(state);
  }

  render(state: MatrixViewState): void {
    this.state = state;
    this.panel.title = `Who can use ${state.matrix.label}`;
    this.panel.webview.html = renderWhoCanUseMatrixHtml(state.matrix, resultViewPage(this.ctx, this.panel.webview, 'whoCanUseMatrix.js'), state);
  }

  /** What the view shows now: its matrix and its HTML (tests read this). */
  snapshot(): { readonly title: string; readonly matrix: WhoCanUseMatrix; readonly html: string } {
    return { title: this.panel.title, matrix: this.state.matrix, html: this.panel.webview.html };
  }

  async receive(raw: unknown): Promise<void> {
    const message = parseFromMatrixView(raw);
    if (!message) {
      this.ctx.output.warn('Who Can Use view: ignored a malformed message from the webview.');
      return;
    }
    switch (message.type) {
      case 'simulateCell':
        await this.simulateCell(message.row, message.column);
        return;
      case 'openAsText':
        await this.docs.show({ text: this.state.text, links: [] }, `who-can-use-${this.state.matrix.label}`);
        return;
    }
  }

  /** The simulation of one cell: its principal and action on the key, with the context a conditional allow needs. */
  private async simulateCell(row: number, column: number): Promise<void> {
    const { matrix } = this.state;
    const principal = matrix.rows[row]?.principal;
    const cell = matrix.rows[row]?.cells[column];
    if (!principal || !cell) return;
    const region = regionOfArn(matrix.keyArn);
    const encryptionContext = cell.encryptionContext && Object.keys(cell.encryptionContext).length ? { ...cell.encryptionContext } : undefined;
    const scenario = {
      request: { principal, action: cell.action, resource: matrix.keyArn, ...(region ? { region } : {}), ...(encryptionContext ? { encryptionContext } : {}) },
    };
    try {
      await runSimulation(this.ctx, this.docs, { scenario }, { principal, action: cell.action, resource: matrix.keyArn });
    } catch (error) {
      void vscode.window.showErrorMessage(`Simulation failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

}
