// Multi-Region keys: ReplicateKey and UpdatePrimaryRegion. Related keys share their key id and
// key material (so a ciphertext from one Region decrypts in another); policy, grants, aliases,
// tags, state and deletion stay per Region.
import { findKeys } from './stateTracking';
import { alreadyExists, notFound, unsupportedOperation, validation } from './engineErrors';
import { keyStoreKey, type KeyRecord } from './engineState';
import { defaultKeyPolicy } from './defaultKeyPolicy';
import { useKey } from './keyAccess';

import { keyMetadata } from './keyMetadata';
import { assertNoLockout, readPolicyToStore } from './keyPolicyRules';
import type { OperationContext, OperationTable } from './operationContext';
import { readTags, tagContext } from './tagRules';
import { kmsKeyArn } from '../arn/kmsKeyReference';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function relatedKeys(context: OperationContext, key: KeyRecord): KeyRecord[] {
  return findKeys(context.state, (k) => k.keyId === key.keyId && k.account === key.account);
}

function assertPrimary(key: KeyRecord): void {
  if (!key.multiRegion) throw unsupportedOperation(`${key.arn} is not a multi-region key.`);
  if (key.primaryRegion !== key.region) throw unsupportedOperation(`${key.arn} is not a multi-region primary key.`);
}

function replicateKey(context: OperationContext) {
  const { input, caller, now, services } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const replicaRegion = input.requiredString('ReplicaRegion', { min: 1, max: 32 });
  const policyText = input.optionalString('Policy', { min: 1, max: 32768 });
  const bypass = input.optionalBoolean('BypassPolicyLockoutSafetyCheck') ?? false;
  const description = input.optionalString('Description', { max: 8192 }) ?? '';
  const tags = readTags(input.optionalObjectList('Tags'));
  if (!REGION.test(replicaRegion)) throw validation(`${replicaRegion} is not a valid AWS Region.`);
  const primary = useKey(context, keyId, { allowAlias: false, context: { 'kms:ReplicaRegion': replicaRegion } });
  assertPrimary(primary);
  if (replicaRegion === primary.region) throw validation(`The replica Region ${replicaRegion} must differ from the primary key's Region.`);
  if (context.state.keys[keyStoreKey(replicaRegion, primary.keyId)]) {
    throw alreadyExists(`Multi-Region key ${primary.keyId} already has a replica in ${replicaRegion}.`);
  }
  // Creating the replica is a CreateKey in the replica Region, which the caller must be allowed.
  services.authorizer.authorizeAccountAction({ ...caller, region: replicaRegion }, 'kms:CreateKey', {
    'kms:MultiRegion': true, 'kms:MultiRegionKeyType': 'REPLICA', 'kms:KeySpec': primary.keySpec, 'kms:KeyUsage': primary.keyUsage, ...tagContext(tags),
  });
  const partition = services.environment.partition;
  const replica: KeyRecord = {
    keyId: primary.keyId,
    account: primary.account,
    region: replicaRegion,
    arn: kmsKeyArn(partition, replicaRegion, primary.account, primary.keyId),
    description,
    keySpec: primary.keySpec,
    keyUsage: primary.keyUsage,
    origin: primary.origin,
    state: 'Creating',
    transientUntil: now + services.settings.transientStateDelayMs,
    // Imported material must be imported into each replica too.
    stateAfterTransient: primary.origin === 'EXTERNAL' ? 'PendingImport' : primary.state === 'Disabled' ? 'Disabled' : 'Enabled',
    createdAt: now,
    policy: policyText ?? defaultKeyPolicy(partition, primary.account),
    policyName: 'default',
    tags,
    materials: primary.origin === 'EXTERNAL' ? primary.materials.map((m) => ({ ...m, secret: '' })) : [...primary.materials],
    currentMaterialId: primary.currentMaterialId,
    rotation: { enabled: false, periodDays: primary.rotation.periodDays },
    onDemandRotationCount: 0,
    multiRegion: true,
    primaryRegion: primary.region,
    grants: [],
  };
  if (policyText !== undefined) {
    const document = readPolicyToStore(policyText);
    if (!bypass) assertNoLockout(services.authorizer, { ...caller, region: replicaRegion }, replica, document);
  }
  context.state.keys[keyStoreKey(replicaRegion, replica.keyId)] = replica;
  context.changed();
  const metadata = { ...keyMetadata(context.state, replica) } as Record<string, unknown>;
  delete metadata.CurrentKeyMaterialId; // not reported while the replica is being created
  return { ReplicaKeyMetadata: metadata, ReplicaPolicy: replica.policy, ReplicaTags: tags };
}

function updatePrimaryRegion(context: OperationContext) {
  const { input, now, services } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const target = input.requiredString('PrimaryRegion', { min: 1, max: 32 });
  const primary = useKey(context, keyId, { allowAlias: false, context: { 'kms:PrimaryRegion': target } });
  assertPrimary(primary);
  if (primary.state === 'Updating' || primary.state === 'Creating') throw unsupportedOperation(`${primary.arn} is ${primary.state} and cannot change its primary Region now.`);
  const replica = context.state.keys[keyStoreKey(target, primary.keyId)];
  if (!replica) throw notFound(`Multi-Region key ${primary.keyId} has no replica in ${target}.`);
  if (replica.state === 'Creating' || replica.state === 'Updating' || replica.state === 'PendingDeletion' || replica.state === 'PendingReplicaDeletion') {
    throw unsupportedOperation(`The replica key ${replica.arn} is ${replica.state} and cannot become the primary key.`);
  }
  // AWS also requires permission on the replica that becomes primary.
  context.services.authorizer.authorizeKeyAction({
    caller: { ...context.caller, region: target }, action: 'kms:UpdatePrimaryRegion', key: replica, keyState: replica.state, aliases: [],
    context: { 'kms:PrimaryRegion': target },
  });
  for (const k of relatedKeys(context, primary)) k.primaryRegion = target;
  // The rotation schedule belongs to the primary key.
  replica.rotation = primary.rotation;
  primary.rotation = { enabled: false, periodDays: primary.rotation.periodDays };
  for (const k of [primary, replica]) {
    k.stateAfterTransient = k.state;
    k.state = 'Updating';
    k.transientUntil = now + services.settings.transientStateDelayMs;
  }
  context.changed();
  return {};
}

export const multiRegionOperations: OperationTable = {
  ReplicateKey: replicateKey,
  UpdatePrimaryRegion: updatePrimaryRegion,
};
