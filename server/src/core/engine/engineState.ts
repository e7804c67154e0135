// The engine's whole state as plain data: what is persisted (encrypted) and what every
// operation reads and changes. Dates are epoch milliseconds; key material is base64.
import type { KeyState } from '../access/scenario';

export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT';
export type KeyOrigin = 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';

/** One generation of key material. Rotation adds one; old ones stay so old ciphertexts decrypt. */
export interface KeyMaterial {
  /** 64 hex characters, like AWS's KeyMaterialId. */
  readonly id: string;
  /**
   * Symmetric and HMAC keys: the raw secret. Asymmetric keys: the PKCS#8 DER private key.
   * Empty for keys in a custom key store: their material lives only inside the cluster.
   */
  readonly secret: string;
  readonly createdAt: number;
  /** How the material came to be, for ListKeyRotations. */
  readonly origin: 'CREATED' | 'AUTOMATIC' | 'ON_DEMAND' | 'IMPORTED';
  /** Imported material only. */
  readonly expirationModel?: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  readonly validTo?: number;
  readonly description?: string;
  /** Imported material imported with ImportType NEW_KEY_MATERIAL waits for RotateKeyOnDemand. */
  readonly pendingRotation?: boolean;
  readonly rotatedAt?: number;
  /** Imported material: SHA-256 of the secret, so a re-import must bring the same material. */
  readonly fingerprint?: string;
}

export interface GrantRecord {
  readonly grantId: string;
  readonly grantToken: string;
  readonly name?: string;
  readonly keyArn: string;
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly issuingAccount: string;
  readonly operations: readonly string[];
  readonly constraints: {
    readonly encryptionContextEquals?: Readonly<Record<string, string>>;
    readonly encryptionContextSubset?: Readonly<Record<string, string>>;
  } | null;
  readonly createdAt: number;
}

export interface RotationSchedule {
  readonly enabled: boolean;
  readonly periodDays: number;
  /** When automatic rotation next happens (only while enabled). */
  readonly nextRotationAt?: number;
}

export interface KeyRecord {
  readonly keyId: string;
  readonly account: string;
  readonly region: string;
  readonly arn: string;
  description: string;
  readonly keySpec: string;
  readonly keyUsage: KeyUsage;
  readonly origin: KeyOrigin;
  /** The stored lifecycle state; Unavailable is derived from the custom key store's connection. */
  state: KeyState;
  /** For Creating/Updating: when the transient state ends, and the state it ends in. */
  transientUntil?: number;
  stateAfterTransient?: KeyState;
  readonly createdAt: number;
  deletionDate?: number;
  /** Days the deletion was scheduled for (PendingWindowInDays). */
  pendingWindowDays?: number;
  /** The key policy exactly as the caller wrote it. */
  policy: string;
  policyName: 'default';
  tags: Array<{ TagKey: string; TagValue: string }>;
  materials: KeyMaterial[];
  currentMaterialId?: string;
  rotation: RotationSchedule;
  onDemandRotationCount: number;
  multiRegion: boolean;
  /** For multi-Region keys: the Region of the primary (this one when it is the primary). */
  primaryRegion?: string;
  customKeyStoreId?: string;
  grants: GrantRecord[];
  /** Import parameters issued and not yet used: token -> wrapping key (PKCS#8 base64). */
  importParameters?: Array<{ token: string; wrappingPrivateKey: string; algorithm: string; validTo: number }>;
  /** Set when the key was seeded from the environment, so reseeding does not duplicate it. */
  readonly seeded?: boolean;
  /** AWS for an AWS managed key (`alias/aws/<service>`); absent for customer managed keys. */
  readonly keyManager?: 'AWS';
}

export interface AliasRecord {
  readonly aliasName: string;
  readonly account: string;
  readonly region: string;
  targetKeyId: string;
  readonly createdAt: number;
  updatedAt: number;
}

export type HsmState = 'CREATE_IN_PROGRESS' | 'ACTIVE' | 'DEGRADED' | 'DELETE_IN_PROGRESS' | 'DELETED';

export interface HsmRecord {
  readonly hsmId: string;
  readonly availabilityZone: string;
  readonly subnetId: string;
  readonly eniId: string;
  readonly eniIp: string;
  state: HsmState;
  transientUntil?: number;
}

export type ClusterState =
  | 'CREATE_IN_PROGRESS'
  | 'UNINITIALIZED'
  | 'INITIALIZE_IN_PROGRESS'
  | 'INITIALIZED'
  | 'ACTIVE'
  | 'UPDATE_IN_PROGRESS'
  | 'DELETE_IN_PROGRESS'
  | 'DELETED'
  | 'DEGRADED';

/** A simulated CloudHSM cluster. Key material of custom-key-store keys lives only here. */
export interface ClusterRecord {
  readonly clusterId: string;
  readonly account: string;
  readonly region: string;
  readonly hsmType: string;
  readonly subnetMapping: Record<string, string>;
  readonly vpcId: string;
  readonly securityGroup: string;
  readonly createdAt: number;
  state: ClusterState;
  stateMessage?: string;
  transientUntil?: number;
  stateAfterTransient?: ClusterState;
  hsms: HsmRecord[];
  /** The cluster's own key (PKCS#8, base64) and the CSR for it that InitializeCluster needs signed. */
  readonly identityKey?: string;
  readonly csr?: string;
  /** The trust anchor and signed cluster certificate given to InitializeCluster. */
  trustAnchor?: string;
  clusterCertificate?: string;
  /** The `kmsuser` crypto user's password (absent until a key store creates the user). */
  kmsuserPassword?: string;
  /** Key handles: `${keyId}/${materialId}` -> secret (base64). Never copied out of the cluster. */
  keys: Record<string, string>;
  tags: Array<{ Key: string; Value: string }>;
}

export type ConnectionState = 'CONNECTED' | 'CONNECTING' | 'FAILED' | 'DISCONNECTED' | 'DISCONNECTING';

export interface CustomKeyStoreRecord {
  readonly customKeyStoreId: string;
  readonly account: string;
  readonly region: string;
  name: string;
  clusterId: string;
  trustAnchorCertificate: string;
  /** The kmsuser password KMS holds (rotated on each successful connect). */
  keyStorePassword: string;
  connectionState: ConnectionState;
  connectionErrorCode?: string;
  transientUntil?: number;
  readonly createdAt: number;
}

export interface EngineState {
  /** Bumped when the persisted shape changes incompatibly. */
  readonly formatVersion: 1;
  /** Key records by `${region}/${keyId}` (multi-Region keys share the id across Regions). */
  keys: Record<string, KeyRecord>;
  /** Aliases by `${account}/${region}/${aliasName}`. */
  aliases: Record<string, AliasRecord>;
  clusters: Record<string, ClusterRecord>;
  customKeyStores: Record<string, CustomKeyStoreRecord>;
  /** Environment keys already seeded (by `${region}/${keyId}`), so a restart does not recreate them. */
  seededKeys: string[];
}

export function emptyEngineState(): EngineState {
  return { formatVersion: 1, keys: {}, aliases: {}, clusters: {}, customKeyStores: {}, seededKeys: [] };
}

export function keyStoreKey(region: string, keyId: string): string {
  return `${region}/${keyId}`;
}

export function aliasStoreKey(account: string, region: string, aliasName: string): string {
  return `${account}/${region}/${aliasName}`;
}

/** Makes `target` hold what `source` holds, keeping the object every part of the engine shares. */
export function replaceStateContents(target: EngineState, source: EngineState): void {
  for (const collection of ['keys', 'aliases', 'clusters', 'customKeyStores'] as const) {
    const map = target[collection] as Record<string, unknown>;
    for (const name of Object.keys(map)) delete map[name];
    Object.assign(map, source[collection]);
  }
  target.seededKeys.splice(0, target.seededKeys.length, ...source.seededKeys);
}
