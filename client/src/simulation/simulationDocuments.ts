// The read-only documents that show simulation results (`kms-simulation:` URIs), and the links
// from their statement lines to the statements in the policy files.
import * as vscode from 'vscode';
import type { SimulationReport } from './simulationReport';

export const SIMULATION_SCHEME = 'kms-simulation';

export class SimulationDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly reports = new Map<string, SimulationReport>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(SIMULATION_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: SIMULATION_SCHEME }, this),
    );
  }

  /** Stores a report under a fresh URI and opens it beside the current editor. */
  async show(report: SimulationReport, title: string): Promise<vscode.TextEditor> {
    this.counter += 1;
    const safeTitle = title.replace(/[^\w.:-]+/g, '-').slice(0, 80);
    const uri = vscode.Uri.from({ scheme: SIMULATION_SCHEME, path: `/${safeTitle}.simulation.txt`, query: String(this.counter) });
    this.reports.set(uri.toString(), report);
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString())?.text ?? 'This simulation result is no longer available. Run KMS: Simulate Access again.';
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const report = this.reports.get(document.uri.toString());
    if (!report) return [];
    return report.links.map((link) => {
      const base = /^[a-z][\w+.-]*:/i.test(link.target) && !/^[a-z]:[\\/]/i.test(link.target) ? vscode.Uri.parse(link.target) : vscode.Uri.file(link.target);
      const target = base.with({ fragment: `L${link.targetLine},${link.targetColumn}` });
      const item = new vscode.DocumentLink(new vscode.Range(link.line, link.startColumn, link.line, link.endColumn), target);
      item.tooltip = 'Reveal this statement';
      return item;
    });
  }
}
