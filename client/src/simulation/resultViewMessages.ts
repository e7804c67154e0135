// The messages the result views' webviews send to the extension, discriminated on `type`.
// Everything a webview sends is checked on receipt: a link or a cell is named by its index
// into what the extension rendered, so a page can never ask to open an arbitrary URI.

export type FromSimulationView =
  | { readonly type: 'openStatement'; readonly link: number }
  | { readonly type: 'openAsText' }
  | { readonly type: 'copyError' };

export type FromMatrixView =
  | { readonly type: 'simulateCell'; readonly row: number; readonly column: number }
  | { readonly type: 'openAsText' };

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function fields(message: unknown): Record<string, unknown> | undefined {
  return typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : undefined;
}

export function parseFromSimulationView(message: unknown): FromSimulationView | undefined {
  const m = fields(message);
  switch (m?.type) {
    case 'openStatement':
      return isIndex(m.link) ? { type: 'openStatement', link: m.link } : undefined;
    case 'openAsText':
      return { type: 'openAsText' };
    case 'copyError':
      return { type: 'copyError' };
    default:
      return undefined;
  }
}

export function parseFromMatrixView(message: unknown): FromMatrixView | undefined {
  const m = fields(message);
  switch (m?.type) {
    case 'simulateCell':
      return isIndex(m.row) && isIndex(m.column) ? { type: 'simulateCell', row: m.row, column: m.column } : undefined;
    case 'openAsText':
      return { type: 'openAsText' };
    default:
      return undefined;
  }
}
