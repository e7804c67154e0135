// Ends the transient states of simulated CloudHSM clusters, their HSMs and the key stores that
// use them once their delay has passed.
import { randomBytes } from 'node:crypto';
import type { EngineState } from './engineState';
import { connectionFailure } from './customKeyStoreConnection';

export function settleClusters(state: EngineState, now: number): boolean {
  let changed = false;
  for (const cluster of Object.values(state.clusters)) {
    for (const hsm of cluster.hsms) {
      if (hsm.transientUntil !== undefined && hsm.transientUntil <= now) {
        hsm.transientUntil = undefined;
        hsm.state = hsm.state === 'DELETE_IN_PROGRESS' ? 'DELETED' : 'ACTIVE';
        changed = true;
      }
    }
    const before = cluster.hsms.length;
    cluster.hsms = cluster.hsms.filter((h) => h.state !== 'DELETED');
    if (cluster.hsms.length !== before) changed = true;
    if (cluster.transientUntil !== undefined && cluster.transientUntil <= now) {
      cluster.state = cluster.stateAfterTransient ?? cluster.state;
      cluster.transientUntil = undefined;
      cluster.stateAfterTransient = undefined;
      changed = true;
    }
    if (cluster.state === 'DELETED') {
      delete state.clusters[cluster.clusterId];
      changed = true;
      continue;
    }
    // An initialized cluster with an active HSM is active (activation needs an HSM to log in to).
    if (cluster.state === 'INITIALIZED' && cluster.hsms.some((h) => h.state === 'ACTIVE')) {
      cluster.state = 'ACTIVE';
      changed = true;
    }
  }
  for (const store of Object.values(state.customKeyStores)) {
    if (store.transientUntil === undefined || store.transientUntil > now) continue;
    store.transientUntil = undefined;
    changed = true;
    if (store.connectionState === 'DISCONNECTING') {
      store.connectionState = 'DISCONNECTED';
      continue;
    }
    if (store.connectionState !== 'CONNECTING') continue;
    const cluster = state.clusters[store.clusterId];
    const failure = connectionFailure(cluster, store);
    if (failure) {
      store.connectionState = 'FAILED';
      store.connectionErrorCode = failure;
    } else if (cluster) {
      store.connectionState = 'CONNECTED';
      store.connectionErrorCode = undefined;
      // AWS KMS rotates the kmsuser password after logging in, so only KMS knows it afterwards.
      const rotated = randomBytes(24).toString('base64url');
      cluster.kmsuserPassword = rotated;
      store.keyStorePassword = rotated;
    }
  }
  return changed;
}
