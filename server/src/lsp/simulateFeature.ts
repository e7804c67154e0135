import type { ServerCapabilities } from 'vscode-languageserver';
import type { ServerContext } from './serverContext';

export function registerSimulateFeature(_ctx: ServerContext): Partial<ServerCapabilities> {
  return {};
}
