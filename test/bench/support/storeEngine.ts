// What the store benchmark loads, bundled (see bundledImport.ts): the engine, its file store,
// the record format (to lay down a large store directly) and the earlier whole-state format
// (the baseline a write used to cost).
export { openKmsEngine } from '../../../server/src/core/engine/openKmsEngine';
export { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
export { openFileEngineStore } from '../../../server/src/node/fileEngineStore';
export { sealSnapshot } from '../../../server/src/core/engine/engineJournal';
export { encryptSnapshot } from '../../../server/src/core/engine/engineSnapshot';
export { emptyEngineState, keyStoreKey } from '../../../server/src/core/engine/engineState';
