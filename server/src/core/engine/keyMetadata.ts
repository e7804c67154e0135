// DescribeKey's KeyMetadata, built from a key record with the fields AWS includes for each
// kind of key (recorded responses show which appear when).
import { untracked } from './stateTracking';
import { effectiveKeyState } from './keyAccess';
import type { EngineState, KeyRecord } from './engineState';
import type { JsonObject } from './kmsEngineApi';
import { encryptionAlgorithmsFor, keyAgreementAlgorithmsFor, macAlgorithmsFor, signingAlgorithmsFor } from './keySpecs';

/** JSON 1.1 timestamps are epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

export function keyMetadata(state: EngineState, key: KeyRecord): JsonObject {
  const keyState = effectiveKeyState(state, key);
  const metadata: Record<string, unknown> = {
    AWSAccountId: key.account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epochSeconds(key.createdAt),
    Enabled: keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: keyState,
    Origin: key.origin,
    KeyManager: key.keyManager ?? 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    MultiRegion: key.multiRegion,
  };
  if (key.deletionDate !== undefined && (key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion')) {
    metadata.DeletionDate = epochSeconds(key.deletionDate);
  }
  if (key.state === 'PendingReplicaDeletion' && key.pendingWindowDays !== undefined) {
    metadata.PendingDeletionWindowInDays = key.pendingWindowDays;
  }
  const encryption = encryptionAlgorithmsFor(key.keySpec, key.keyUsage);
  if (encryption) metadata.EncryptionAlgorithms = encryption;
  const signing = signingAlgorithmsFor(key.keySpec, key.keyUsage);
  if (signing) metadata.SigningAlgorithms = signing;
  const mac = macAlgorithmsFor(key.keySpec);
  if (mac) metadata.MacAlgorithms = mac;
  const agreement = keyAgreementAlgorithmsFor(key.keyUsage);
  if (agreement) metadata.KeyAgreementAlgorithms = agreement;
  if (key.keySpec === 'SYMMETRIC_DEFAULT' && key.currentMaterialId) metadata.CurrentKeyMaterialId = key.currentMaterialId;
  if (key.origin === 'EXTERNAL') {
    const current = key.materials.find((m) => m.id === key.currentMaterialId);
    if (current && current.secret && current.expirationModel) {
      metadata.ExpirationModel = current.expirationModel;
      if (current.validTo !== undefined) metadata.ValidTo = epochSeconds(current.validTo);
    }
  }
  if (key.customKeyStoreId) {
    metadata.CustomKeyStoreId = key.customKeyStoreId;
    const store = state.customKeyStores[key.customKeyStoreId];
    if (store) metadata.CloudHsmClusterId = store.clusterId;
  }
  if (key.multiRegion) metadata.MultiRegionConfiguration = multiRegionConfiguration(state, key);
  return metadata;
}

export function multiRegionConfiguration(state: EngineState, key: KeyRecord): JsonObject {
  const related = Object.values(untracked(state).keys)
    .filter((k) => k.keyId === key.keyId)
    .sort((a, b) => a.createdAt - b.createdAt);
  const primary = related.find((k) => k.region === k.primaryRegion) ?? key;
  return {
    MultiRegionKeyType: key.region === key.primaryRegion ? 'PRIMARY' : 'REPLICA',
    PrimaryKey: { Arn: primary.arn, Region: primary.region },
    ReplicaKeys: related.filter((k) => k !== primary).map((k) => ({ Arn: k.arn, Region: k.region })),
  };
}
