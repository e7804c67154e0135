import type { ServerCapabilities } from 'vscode-languageserver';
import type { ServerContext } from './serverContext';

export function registerEngineFeature(_ctx: ServerContext): Partial<ServerCapabilities> {
  return {};
}
