import type { ServerContext } from './serverContext';

export function registerSimulateFeature(_ctx: ServerContext): void {}
