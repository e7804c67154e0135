// What the clock makes happen: a scheduled deletion at its date, automatic rotation when its
// date passes, imported material expiring at ValidTo, and transient states (Creating,
// Updating, CONNECTING, cluster and HSM provisioning) ending after their delay.
import type { ClusterRecord, EngineState, KeyRecord } from './engineState';
import { keyStoreKey } from './engineState';
import type { EngineServices } from './operationContext';
import { rotateKeyMaterial } from './keyRotation';
import { settleClusters } from './clusterLifecycle';
import { findKeys, untracked } from './stateTracking';

const DAY_MS = 86_400_000;

/** The earliest event of one key (Infinity when none); a plain loop, as it runs over every key. */
function keyEventTime(key: KeyRecord): number {
  let next = key.transientUntil ?? Infinity;
  if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate < next) next = key.deletionDate;
  // A disabled key does not rotate; EnableKey reschedules, and an overdue rotation happens then.
  const rotation = key.rotation;
  if (rotation.enabled && key.state === 'Enabled' && rotation.nextRotationAt !== undefined && rotation.nextRotationAt < next) next = rotation.nextRotationAt;
  for (const material of key.materials) if (material.secret && material.validTo !== undefined && material.validTo < next) next = material.validTo;
  return next;
}

function clusterEventTime(cluster: ClusterRecord): number {
  let next = cluster.transientUntil ?? Infinity;
  for (const hsm of cluster.hsms) if (hsm.transientUntil !== undefined && hsm.transientUntil < next) next = hsm.transientUntil;
  return next;
}

/** The earliest time anything becomes due (Infinity when nothing is scheduled). */
export function nextEventTime(state: EngineState): number {
  let next = Infinity;
  for (const name in state.keys) next = Math.min(next, keyEventTime(state.keys[name]!));
  for (const store of Object.values(state.customKeyStores)) next = Math.min(next, store.transientUntil ?? Infinity);
  for (const cluster of Object.values(state.clusters)) next = Math.min(next, clusterEventTime(cluster));
  return next;
}

/**
 * The earliest time anything in these entries (ids of engineJournal's `entryId`) becomes due:
 * after a change, only the entries it reached can have gained an event.
 */
export function nextEventTimeOf(state: EngineState, entries: Iterable<string>): number {
  let next = Infinity;
  for (const id of entries) {
    const split = id.indexOf('\u0000');
    const collection = id.slice(0, split);
    const name = id.slice(split + 1);
    if (collection === 'keys') {
      const key = state.keys[name];
      if (key) next = Math.min(next, keyEventTime(key));
    } else if (collection === 'customKeyStores') {
      next = Math.min(next, state.customKeyStores[name]?.transientUntil ?? Infinity);
    } else if (collection === 'clusters') {
      const cluster = state.clusters[name];
      if (cluster) next = Math.min(next, clusterEventTime(cluster));
    }
  }
  return next;
}

export function applyDueEvents(state: EngineState, now: number, services: EngineServices): boolean {
  let changed = settleClusters(state, now);
  // Walk every key without noting it; note (and change) only the keys with something due.
  const all = untracked(state).keys;
  for (const name in all) {
    if (keyEventTime(all[name]!) > now) continue;
    const key = state.keys[name]!;
    if (key.transientUntil !== undefined && key.transientUntil <= now) {
      key.state = key.stateAfterTransient ?? 'Enabled';
      key.transientUntil = undefined;
      key.stateAfterTransient = undefined;
      changed = true;
    }
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
      deleteKeyNow(state, key, now, services);
      changed = true;
      continue;
    }
    if (key.rotation.enabled && key.rotation.nextRotationAt !== undefined && key.rotation.nextRotationAt <= now && key.state === 'Enabled') {
      // One rotation per period that passed, each dated when it was due.
      let due = key.rotation.nextRotationAt;
      while (due <= now) {
        rotateKeyMaterial(state, key, due, 'AUTOMATIC');
        due += key.rotation.periodDays * DAY_MS;
      }
      key.rotation = { ...key.rotation, nextRotationAt: due };
      changed = true;
    }
    if (expireImportedMaterial(key, now, services)) changed = true;
  }
  return changed;
}

function expireImportedMaterial(key: KeyRecord, now: number, services: EngineServices): boolean {
  let expired = false;
  key.materials = key.materials.map((material) => {
    if (material.secret && material.validTo !== undefined && material.validTo <= now) {
      expired = true;
      return { ...material, secret: '' };
    }
    return material;
  });
  if (!expired) return false;
  services.forgetSecrets(key);
  const current = key.materials.find((m) => m.id === key.currentMaterialId);
  if (!current?.secret && key.state !== 'PendingDeletion') key.state = 'PendingImport';
  return true;
}

/** Removes a key whose deletion date arrived, with its aliases and its material in any cluster. */
export function deleteKeyNow(state: EngineState, key: KeyRecord, now: number, services: EngineServices): void {
  delete state.keys[keyStoreKey(key.region, key.keyId)];
  for (const [storeKey, alias] of Object.entries(untracked(state).aliases)) {
    if (alias.targetKeyId === key.keyId && alias.region === key.region && alias.account === key.account) delete state.aliases[storeKey];
  }
  if (key.customKeyStoreId) {
    const store = state.customKeyStores[key.customKeyStoreId];
    const cluster = store && state.clusters[store.clusterId];
    if (cluster) for (const handle of Object.keys(cluster.keys)) if (handle.startsWith(`${key.keyId}/`)) delete cluster.keys[handle];
  }
  services.forgetSecrets(key);
  // A primary waiting for its replicas starts its own window once the last replica is gone.
  if (key.multiRegion) {
    const remaining = findKeys(state, (k) => k.keyId === key.keyId);
    const primary = remaining.find((k) => k.state === 'PendingReplicaDeletion');
    if (primary && remaining.length === 1) {
      primary.state = 'PendingDeletion';
      primary.deletionDate = now + (primary.pendingWindowDays ?? 30) * DAY_MS;
    }
  }
}
