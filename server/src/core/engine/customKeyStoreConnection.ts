// Why connecting a CloudHSM key store fails, as the ConnectionErrorCode values AWS documents.
import type { ClusterRecord, CustomKeyStoreRecord } from './engineState';

/** The ConnectionErrorCode a connection attempt ends with, or undefined when it succeeds. */
export function connectionFailure(cluster: ClusterRecord | undefined, store: CustomKeyStoreRecord): string | undefined {
  if (!cluster || cluster.state === 'DELETED' || cluster.state === 'DELETE_IN_PROGRESS') return 'CLUSTER_NOT_FOUND';
  if (cluster.state !== 'ACTIVE') return 'INTERNAL_ERROR';
  if (!cluster.hsms.some((h) => h.state === 'ACTIVE')) return 'INSUFFICIENT_CLOUDHSM_HSMS';
  if (cluster.kmsuserPassword === undefined) return 'USER_NOT_FOUND';
  if (cluster.kmsuserPassword !== store.keyStorePassword) return 'INVALID_CREDENTIALS';
  return undefined;
}
