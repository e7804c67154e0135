// The "KMS or CloudHSM?" panel: one instance at a time (createOrShow), revived after a reload by
// its serializer with the answers it had. The decision itself is computed by core/advisor; the
// webview only renders what it is sent.
import * as vscode from 'vscode';
import { advisorDefinition, evaluateAdvisor } from '../../../server/src/core/advisor/decisionAdvisor';
import type { StudioContext } from '../studioContext';
import { formatKmsError } from '../kms/kmsErrorMessage';
import { parseFromWebview, type ToWebview } from './advisorMessages';
import { createAdvisorSetup } from './advisorSetupCreator';

interface SavedState {
  readonly answers?: unknown;
  readonly prices?: unknown;
}

export class AdvisorPanel {
  static readonly viewType = 'kmsPolicyStudio.advisor';
  static readonly title = 'KMS or CloudHSM?';
  static current: AdvisorPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private answers: unknown;
  private prices: unknown;

  static createOrShow(ctx: StudioContext): AdvisorPanel {
    if (AdvisorPanel.current) {
      AdvisorPanel.current.panel.reveal();
      return AdvisorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(AdvisorPanel.viewType, AdvisorPanel.title, vscode.ViewColumn.Active, AdvisorPanel.options(ctx));
    AdvisorPanel.current = new AdvisorPanel(ctx, panel, {});
    return AdvisorPanel.current;
  }

  static registerSerializer(ctx: StudioContext): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(AdvisorPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        panel.webview.options = AdvisorPanel.options(ctx);
        AdvisorPanel.current?.dispose();
        AdvisorPanel.current = new AdvisorPanel(ctx, panel, (typeof state === 'object' && state !== null ? state : {}) as SavedState);
      },
    });
  }

  private static options(ctx: StudioContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    // Only the built webview assets may load: no workspace files, no network.
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'client', 'webview')] };
  }

  private constructor(
    private readonly ctx: StudioContext,
    readonly panel: vscode.WebviewPanel,
    saved: SavedState,
  ) {
    this.answers = saved.answers;
    this.prices = saved.prices;
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'kms-activity.svg');
    panel.webview.html = this.html(panel.webview);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw), null, this.disposables);
  }

  /** The state the panel shows now, for tests and for the "create" actions. */
  state() {
    return evaluateAdvisor(this.answers, this.prices);
  }

  /** Applies answers as if the user had changed the form (tests drive the panel this way). */
  update(answers: unknown, prices?: unknown): void {
    this.answers = answers;
    if (prices !== undefined) this.prices = prices;
    this.post({ type: 'state', state: this.state() });
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.ctx.output.warn('Advisor: ignored a malformed message from the webview.');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', definition: advisorDefinition(), state: this.state() });
        return;
      case 'update':
        this.update(message.answers, message.prices);
        return;
      case 'createSetup':
        try {
          const done = await createAdvisorSetup(this.ctx.embedded, message.option);
          this.ctx.fireEngineChanged();
          this.post({ type: 'setupResult', ok: true, message: done });
        } catch (error) {
          this.post({ type: 'setupResult', ok: false, message: formatKmsError(error) });
        }
        return;
    }
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'client', 'webview', name));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${asset('advisor.css')}" rel="stylesheet">
<title>${AdvisorPanel.title}</title>
</head>
<body>
<header>
  <h1><span class="codicon codicon-law" aria-hidden="true"></span> KMS or CloudHSM?</h1>
  <p>Answer what you know; the recommendation follows each change. Every reason names the answer it comes from.</p>
</header>
<main>
  <form id="questions" aria-label="Requirements"></form>
  <section id="result" aria-live="polite" aria-label="Recommendation"></section>
</main>
<script nonce="${nonce}" src="${asset('advisor.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (AdvisorPanel.current === this) AdvisorPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
