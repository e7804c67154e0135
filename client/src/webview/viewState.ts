/// <reference lib="dom" />
// The result views embed what they were rendered from in a JSON block; saving it as the
// webview's state lets the extension's serializer render the same view after a reload.

export function keepViewState(vscode: { setState(state: unknown): void }): unknown {
  const block = document.getElementById('view-state');
  if (!block?.textContent) return undefined;
  try {
    const state: unknown = JSON.parse(block.textContent);
    vscode.setState(state);
    return state;
  } catch {
    return undefined;
  }
}
