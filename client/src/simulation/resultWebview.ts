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
