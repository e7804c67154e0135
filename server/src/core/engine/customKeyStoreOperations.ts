// CloudHSM key stores: CreateCustomKeyStore, DescribeCustomKeyStores, Connect/Disconnect,
// Update and Delete, and the placement of a key's material inside the store's cluster.
// Connecting checks the kmsuser password against the cluster and then rotates it, as AWS KMS
// does; keys in a store are Unavailable whenever it is not connected.
import { untracked } from './stateTracking';
import { randomBytes } from 'node:crypto';
import { constraintViolation, validation } from './engineErrors';
import type { ClusterRecord, CustomKeyStoreRecord, KeyRecord } from './engineState';
import { newMaterialId } from './keyIdentifiers';
import { epochSeconds } from './keyMetadata';
import { KmsServiceError, type JsonObject } from './kmsEngineApi';
import type { OperationContext, OperationTable } from './operationContext';
import { paginate } from './pagination';

export function customKeyStoreNotFound(id: string): KmsServiceError {
  return new KmsServiceError('CustomKeyStoreNotFoundException', `Custom key store ${id} does not exist.`);
}

function clusterNotFound(id: string): KmsServiceError {
  return new KmsServiceError('CloudHsmClusterNotFoundException', `CloudHSM cluster ${id} does not exist.`);
}

function invalidStoreState(store: CustomKeyStoreRecord, what: string): KmsServiceError {
  return new KmsServiceError('CustomKeyStoreInvalidStateException', `Custom key store ${store.customKeyStoreId} is ${store.connectionState}; ${what}`);
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

function findClusterFor(context: OperationContext, clusterId: string): ClusterRecord {
  const cluster = context.state.clusters[clusterId];
  if (!cluster || cluster.account !== context.caller.accountId || cluster.region !== context.caller.region || cluster.state === 'DELETED') {
    throw clusterNotFound(clusterId);
  }
  return cluster;
}

function assertClusterActive(cluster: ClusterRecord): void {
  if (cluster.state !== 'ACTIVE') {
    throw new KmsServiceError('CloudHsmClusterNotActiveException', `CloudHSM cluster ${cluster.clusterId} is not active; its state is ${cluster.state}. Initialize and activate the cluster and create HSMs.`);
  }
}

function assertClusterSpansTwoZones(cluster: ClusterRecord): void {
  if (Object.keys(cluster.subnetMapping).length < 2) {
    throw new KmsServiceError(
      'CloudHsmClusterInvalidConfigurationException',
      `CloudHSM cluster ${cluster.clusterId} must have private subnets in at least two different Availability Zones in the Region.`,
    );
  }
}

function connectedCluster(context: OperationContext, store: CustomKeyStoreRecord): ClusterRecord {
  if (store.connectionState !== 'CONNECTED') throw invalidStoreState(store, 'it must be CONNECTED.');
  const cluster = context.state.clusters[store.clusterId];
  if (!cluster) throw clusterNotFound(store.clusterId);
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

function storeJson(store: CustomKeyStoreRecord): JsonObject {
  return {
    CustomKeyStoreId: store.customKeyStoreId,
    CustomKeyStoreName: store.name,
    CloudHsmClusterId: store.clusterId,
    TrustAnchorCertificate: store.trustAnchorCertificate,
    ConnectionState: store.connectionState,
    ...(store.connectionErrorCode && store.connectionState === 'FAILED' ? { ConnectionErrorCode: store.connectionErrorCode } : {}),
    CreationDate: epochSeconds(store.createdAt),
    CustomKeyStoreType: 'AWS_CLOUDHSM',
  };
}

function readPassword(context: OperationContext): string | undefined {
  const password = context.input.optionalString('KeyStorePassword');
  if (password !== undefined && (password.length < 7 || password.length > 32)) {
    // Never echo a password: the value is left out of the message.
    throw constraintViolation(undefined, 'keyStorePassword', 'Member must have length between 7 and 32');
  }
  return password;
}

function assertNameFree(context: OperationContext, name: string, except?: string): void {
  const taken = Object.values(context.state.customKeyStores).some((s) => s.account === context.caller.accountId && s.region === context.caller.region && s.name === name && s.customKeyStoreId !== except);
  if (taken) throw new KmsServiceError('CustomKeyStoreNameInUseException', `A custom key store named ${name} already exists in this account and Region.`);
}

function createCustomKeyStore(context: OperationContext) {
  const { input, caller, now, state, services } = context;
  const name = input.requiredString('CustomKeyStoreName', { min: 1, max: 256 });
  const type = input.optionalEnum('CustomKeyStoreType', ['AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const) ?? 'AWS_CLOUDHSM';
  if (type === 'EXTERNAL_KEY_STORE') throw new KmsServiceError('UnsupportedOperationException', 'External key stores are not available in this engine; use an AWS CloudHSM key store.');
  const clusterId = input.optionalString('CloudHsmClusterId', { min: 19, max: 24 });
  const trustAnchor = input.optionalString('TrustAnchorCertificate', { min: 1, max: 5000 });
  const password = readPassword(context);
  if (!clusterId || !trustAnchor || !password) {
    throw validation('CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are required for an AWS_CLOUDHSM custom key store.');
  }
  services.authorizer.authorizeAccountAction(caller, 'kms:CreateCustomKeyStore');
  assertNameFree(context, name);
  const cluster = findClusterFor(context, clusterId);
  const inUse = Object.values(state.customKeyStores).find((s) => s.clusterId === cluster.clusterId);
  if (inUse) throw new KmsServiceError('CloudHsmClusterInUseException', `CloudHSM cluster ${cluster.clusterId} is already associated with custom key store ${inUse.customKeyStoreId}.`);
  assertClusterActive(cluster);
  assertClusterSpansTwoZones(cluster);
  if (!cluster.trustAnchor || cluster.trustAnchor.trim() !== trustAnchor.trim()) {
    throw new KmsServiceError('IncorrectTrustAnchorException', `The trust anchor certificate does not match the trust anchor of CloudHSM cluster ${cluster.clusterId}.`);
  }
  // The simulated cluster gets its kmsuser crypto user from the first key store that names it.
  if (cluster.kmsuserPassword === undefined) cluster.kmsuserPassword = password;
  const store: CustomKeyStoreRecord = {
    customKeyStoreId: `cks-${randomBytes(9).toString('hex').slice(0, 17)}`,
    account: caller.accountId,
    region: caller.region,
    name,
    clusterId: cluster.clusterId,
    trustAnchorCertificate: trustAnchor,
    keyStorePassword: password,
    connectionState: 'DISCONNECTED',
    createdAt: now,
  };
  state.customKeyStores[store.customKeyStoreId] = store;
  context.changed();
  return { CustomKeyStoreId: store.customKeyStoreId };
}

function describeCustomKeyStores(context: OperationContext) {
  const { input, caller, state, services } = context;
  const id = input.optionalString('CustomKeyStoreId', { min: 1, max: 64 });
  const name = input.optionalString('CustomKeyStoreName', { min: 1, max: 256 });
  const limit = input.optionalInteger('Limit', { min: 1, max: 1000 }) ?? 1000;
  const marker = input.optionalString('Marker', { min: 1, max: 1024 });
  services.authorizer.authorizeAccountAction(caller, 'kms:DescribeCustomKeyStores');
  const stores = Object.values(state.customKeyStores)
    .filter((s) => s.account === caller.accountId && s.region === caller.region)
    .filter((s) => (id === undefined || s.customKeyStoreId === id) && (name === undefined || s.name === name))
    .sort((a, b) => a.createdAt - b.createdAt);
  if ((id !== undefined || name !== undefined) && stores.length === 0) throw customKeyStoreNotFound(id ?? name ?? '');
  const page = paginate(stores.map(storeJson), limit, marker);
  return { CustomKeyStores: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

function connectCustomKeyStore(context: OperationContext) {
  const { input, caller, now, services } = context;
  const store = findCustomKeyStore(context, input.requiredString('CustomKeyStoreId', { min: 1, max: 64 }));
  services.authorizer.authorizeAccountAction(caller, 'kms:ConnectCustomKeyStore');
  if (store.connectionState === 'CONNECTED' || store.connectionState === 'CONNECTING') return {};
  if (store.connectionState === 'FAILED') throw invalidStoreState(store, 'disconnect it before connecting it again.');
  if (store.connectionState === 'DISCONNECTING') throw invalidStoreState(store, 'wait until it is DISCONNECTED.');
  const cluster = findClusterFor(context, store.clusterId);
  assertClusterActive(cluster);
  store.connectionState = 'CONNECTING';
  store.connectionErrorCode = undefined;
  store.transientUntil = now + services.settings.transientStateDelayMs;
  context.changed();
  return {};
}

function disconnectCustomKeyStore(context: OperationContext) {
  const { input, caller, services } = context;
  const store = findCustomKeyStore(context, input.requiredString('CustomKeyStoreId', { min: 1, max: 64 }));
  services.authorizer.authorizeAccountAction(caller, 'kms:DisconnectCustomKeyStore');
  if (store.connectionState === 'DISCONNECTED') return {};
  store.connectionState = 'DISCONNECTED';
  store.connectionErrorCode = undefined;
  store.transientUntil = undefined;
  context.changed();
  return {};
}

function updateCustomKeyStore(context: OperationContext) {
  const { input, caller, state, services } = context;
  const store = findCustomKeyStore(context, input.requiredString('CustomKeyStoreId', { min: 1, max: 64 }));
  const newName = input.optionalString('NewCustomKeyStoreName', { min: 1, max: 256 });
  const password = readPassword(context);
  const clusterId = input.optionalString('CloudHsmClusterId', { min: 19, max: 24 });
  services.authorizer.authorizeAccountAction(caller, 'kms:UpdateCustomKeyStore');
  if ((password !== undefined || clusterId !== undefined) && store.connectionState !== 'DISCONNECTED') {
    throw invalidStoreState(store, 'disconnect it before changing its password or cluster.');
  }
  if (newName !== undefined) assertNameFree(context, newName, store.customKeyStoreId);
  if (clusterId !== undefined && clusterId !== store.clusterId) {
    const cluster = findClusterFor(context, clusterId);
    // A replacement must be the same cluster lineage: here, one initialized with the same trust anchor.
    if (cluster.trustAnchor?.trim() !== store.trustAnchorCertificate.trim()) {
      throw new KmsServiceError('CloudHsmClusterNotRelatedException', `CloudHSM cluster ${clusterId} is not related to cluster ${store.clusterId}.`);
    }
    assertClusterActive(cluster);
    const current = state.clusters[store.clusterId];
    // The related cluster holds the same keys (it was restored from a backup of the original).
    if (current) cluster.keys = { ...current.keys, ...cluster.keys };
    store.clusterId = cluster.clusterId;
  }
  if (newName !== undefined) store.name = newName;
  if (password !== undefined) store.keyStorePassword = password;
  context.changed();
  return {};
}

function deleteCustomKeyStore(context: OperationContext) {
  const { input, caller, state, services } = context;
  const store = findCustomKeyStore(context, input.requiredString('CustomKeyStoreId', { min: 1, max: 64 }));
  services.authorizer.authorizeAccountAction(caller, 'kms:DeleteCustomKeyStore');
  if (store.connectionState !== 'DISCONNECTED') throw invalidStoreState(store, 'disconnect it before deleting it.');
  if (Object.values(untracked(state).keys).some((k) => k.customKeyStoreId === store.customKeyStoreId)) {
    throw new KmsServiceError('CustomKeyStoreHasCMKsException', `Custom key store ${store.customKeyStoreId} still contains KMS keys; schedule them for deletion and wait until they are deleted.`);
  }
  delete state.customKeyStores[store.customKeyStoreId];
  context.changed();
  return {};
}

export const customKeyStoreOperations: OperationTable = {
  CreateCustomKeyStore: createCustomKeyStore,
  DescribeCustomKeyStores: describeCustomKeyStores,
  ConnectCustomKeyStore: connectCustomKeyStore,
  DisconnectCustomKeyStore: disconnectCustomKeyStore,
  UpdateCustomKeyStore: updateCustomKeyStore,
  DeleteCustomKeyStore: deleteCustomKeyStore,
};
