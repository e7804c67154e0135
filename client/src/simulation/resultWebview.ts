// What the simulation result view and the Who Can Use matrix share as webview panels: the
// options (scripts on, nothing loadable but the built webview assets) and the page's assets
// with a fresh nonce for each render.
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';
import type { WebviewPage } from '../webview/htmlText';

function assetsFolder(ctx: StudioContext): vscode.Uri {
  return vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'client', 'webview');
}

export function resultViewOptions(ctx: StudioContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  // Only the built webview assets may load: no workspace files, no network.
  return { enableScripts: true, enableFindWidget: true, localResourceRoots: [assetsFolder(ctx)] };
}

export function resultViewPage(ctx: StudioContext, webview: vscode.Webview, script: string): WebviewPage {
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(assetsFolder(ctx), name)).toString();
  return {
    cspSource: webview.cspSource,
    nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64'),
    scriptUri: asset(script),
    styleUri: asset('resultViews.css'),
  };
}

/**
 * One panel of a kind, reused the way a preview is and revived after a reload: what the
 * simulation view and the Who Can Use matrix share beyond their page. A subclass renders its
 * state and answers the webview's messages.
 */
export abstract class ResultPanel<State> {
  protected readonly disposables: vscode.Disposable[] = [];

  protected constructor(
    protected readonly ctx: StudioContext,
    readonly panel: vscode.WebviewPanel,
    private readonly kind: ResultPanelKind<State, ResultPanel<State>>,
  ) {
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'kms-activity.svg');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw), null, this.disposables);
  }

  /** Shows `state` in this panel. */
  abstract render(state: State): void;

  /** Handles a message as if the webview had sent it (the webview, and tests, come through here). */
  abstract receive(raw: unknown): Promise<void>;

  dispose(): void {
    if (this.kind.current === this) this.kind.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

/** A kind of result panel: its view type, where it opens, and its one open panel. */
export interface ResultPanelKind<State, Panel extends ResultPanel<State>> {
  readonly viewType: string;
  readonly title: string;
  readonly column: vscode.ViewColumn;
  current: Panel | undefined;
  /** Reads back a state the webview kept. */
  isState(value: unknown): value is State;
}

/** Makes the kind's panel around a webview panel. */
export type CreateResultPanel<State, Panel> = (panel: vscode.WebviewPanel, state: State) => Panel;

/** Renders `state` in the open panel of the kind, or in a new one. */
export function showResultPanel<State, Panel extends ResultPanel<State>>(ctx: StudioContext, kind: ResultPanelKind<State, Panel>, state: State, create: CreateResultPanel<State, Panel>): Panel {
  const current = kind.current;
  if (current) {
    current.render(state);
    current.panel.reveal(current.panel.viewColumn, false);
    return current;
  }
  const panel = vscode.window.createWebviewPanel(kind.viewType, kind.title, { viewColumn: kind.column, preserveFocus: false }, resultViewOptions(ctx));
  kind.current = create(panel, state);
  return kind.current;
}

/** Revives the kind's panel after a reload from the state its webview kept. */
export function registerResultPanelSerializer<State, Panel extends ResultPanel<State>>(ctx: StudioContext, kind: ResultPanelKind<State, Panel>, create: CreateResultPanel<State, Panel>): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(kind.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown) {
      if (!kind.isState(saved)) {
        panel.dispose();
        return;
      }
      panel.webview.options = resultViewOptions(ctx);
      kind.current?.dispose();
      kind.current = create(panel, saved);
    },
  });
}
