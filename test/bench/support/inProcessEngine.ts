// What the in-process engine benchmark loads, bundled (see bundledImport.ts): the engine, the
// default environment and the SDK request handler that calls the wire protocol without a socket.
export { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
export { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
export { InProcessRequestHandler } from '../../sdk/support/inProcessRequestHandler';
