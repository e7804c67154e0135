import type { ServerContext } from './serverContext';

export function registerEngineFeature(_ctx: ServerContext): void {}
