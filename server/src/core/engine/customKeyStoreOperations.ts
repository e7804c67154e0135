// CloudHSM key stores: CreateCustomKeyStore, DescribeCustomKeyStores, Connect/Disconnect,
// Update and Delete, and the placement of a key's material inside the store's cluster.
import { randomBytes } from 'node:crypto';
import type { ClusterRecord, CustomKeyStoreRecord, KeyRecord } from './engineState';
import { newMaterialId } from './keyIdentifiers';
import { KmsServiceError } from './kmsEngineApi';
import type { OperationContext } from './operationContext';

export function customKeyStoreNotFound(id: string): KmsServiceError {
  return new KmsServiceError('CustomKeyStoreNotFoundException', `Custom key store ${id} does not exist.`);
}

export function findCustomKeyStore(context: OperationContext, id: string): CustomKeyStoreRecord {
  const store = context.state.customKeyStores[id];
  if (!store || store.account !== context.caller.accountId || store.region !== context.caller.region) throw customKeyStoreNotFound(id);
  return store;
}

/** AWS's rule for a usable key store cluster: at least two active HSMs in different AZs. */
export function clusterHasQuorum(cluster: ClusterRecord): boolean {
  const zones = new Set(cluster.hsms.filter((h) => h.state === 'ACTIVE').map((h) => h.availabilityZone));
  return zones.size >= 2;
}

function connectedCluster(context: OperationContext, store: CustomKeyStoreRecord): ClusterRecord {
  if (store.connectionState !== 'CONNECTED') {
    throw new KmsServiceError(
      'CustomKeyStoreInvalidStateException',
      `Custom key store ${store.customKeyStoreId} is not connected. Its connection state is ${store.connectionState}.`,
    );
  }
  const cluster = context.state.clusters[store.clusterId];
  if (!cluster) throw new KmsServiceError('CloudHsmClusterNotFoundException', `Cluster ${store.clusterId} does not exist.`);
  return cluster;
}

/** Creates the key's material inside the cluster; the key record keeps only its id. */
export function placeKeyInCustomKeyStore(context: OperationContext, key: KeyRecord): void {
  const store = findCustomKeyStore(context, key.customKeyStoreId ?? '');
  const cluster = connectedCluster(context, store);
  if (!clusterHasQuorum(cluster)) {
    throw new KmsServiceError(
      'CloudHsmClusterInvalidConfigurationException',
      `The CloudHSM cluster ${cluster.clusterId} must contain at least two active HSMs, each in a different Availability Zone in the Region.`,
    );
  }
  const materialId = newMaterialId();
  cluster.keys[`${key.keyId}/${materialId}`] = randomBytes(32).toString('base64');
  key.materials.push({ id: materialId, secret: '', createdAt: context.now, origin: 'CREATED' });
  key.currentMaterialId = materialId;
}

/** GenerateRandom with CustomKeyStoreId: the bytes come from the store's (connected) cluster. */
export function generateRandomFromStore(context: OperationContext, id: string, count: number): Buffer {
  connectedCluster(context, findCustomKeyStore(context, id));
  return randomBytes(count);
}
