/// <reference lib="dom" />
// The simulation result view's script: the page is rendered by the extension (escaped HTML);
// this only keeps the state for a reload and turns clicks and keypresses on links and buttons
// into messages. It decides nothing and opens nothing itself.
import type { FromSimulationView } from '../simulation/resultViewMessages';
import { keepViewState } from './viewState';

interface VsCodeApi {
  postMessage(message: FromSimulationView): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
keepViewState(vscode);

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const link = target.closest<HTMLAnchorElement>('a.statement-link');
  if (link) {
    event.preventDefault();
    vscode.postMessage({ type: 'openStatement', link: Number(link.dataset.link) });
    return;
  }
  const button = target.closest<HTMLButtonElement>('button[data-action]');
  if (button?.dataset.action === 'openAsText') vscode.postMessage({ type: 'openAsText' });
  else if (button?.dataset.action === 'copyError') vscode.postMessage({ type: 'copyError' });
});
