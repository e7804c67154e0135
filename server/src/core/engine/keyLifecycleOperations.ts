// Creating, describing, listing, enabling, disabling and deleting keys.
import { untracked } from './stateTracking';
import { defaultKeyPolicy } from './defaultKeyPolicy';
import { enumViolation, unsupportedOperation, validation } from './engineErrors';
import { keyStoreKey, type KeyOrigin, type KeyRecord, type KeyUsage } from './engineState';
import { useKey } from './keyAccess';
import { newKeyId } from './keyIdentifiers';
import { epochSeconds, keyMetadata } from './keyMetadata';
import { newKeyMaterial } from './keyMaterialFactory';
import { assertNoLockout, readPolicyToStore } from './keyPolicyRules';
import { KEY_SPECS, KEY_SPEC_ENUM, KEY_USAGE_ENUM } from './keySpecs';
import type { OperationContext, OperationTable } from './operationContext';
import { readTags, tagContext } from './tagRules';
import { placeKeyInCustomKeyStore } from './customKeyStoreOperations';
import { paginate } from './pagination';
import { kmsKeyArn } from '../arn/kmsKeyReference';

const DAY_MS = 86_400_000;
const ORIGINS: readonly KeyOrigin[] = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'];

async function createKey(context: OperationContext) {
  const { input, caller, now } = context;
  const policyText = input.optionalString('Policy', { min: 1, max: 32768 });
  const description = input.optionalString('Description', { max: 8192 }) ?? '';
  const legacySpec = input.optionalString('CustomerMasterKeySpec');
  const keySpec = input.optionalString('KeySpec') ?? legacySpec ?? 'SYMMETRIC_DEFAULT';
  if (input.has('KeySpec') && legacySpec !== undefined) {
    throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.');
  }
  if (!KEY_SPECS[keySpec]) throw enumViolation(keySpec, 'keySpec', KEY_SPEC_ENUM);
  const usageGiven = input.optionalString('KeyUsage');
  if (usageGiven !== undefined && !KEY_USAGE_ENUM.includes(usageGiven)) throw enumViolation(usageGiven, 'keyUsage', KEY_USAGE_ENUM.slice(0, 3));
  if (usageGiven === undefined && keySpec !== 'SYMMETRIC_DEFAULT') {
    throw validation('You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  }
  const keyUsage = (usageGiven ?? 'ENCRYPT_DECRYPT') as KeyUsage;
  if (!KEY_SPECS[keySpec].usages.includes(keyUsage)) throw validation(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
  const origin = input.optionalEnum('Origin', ORIGINS) ?? (input.has('CustomKeyStoreId') ? 'AWS_CLOUDHSM' : 'AWS_KMS');
  const customKeyStoreId = input.optionalString('CustomKeyStoreId', { min: 1, max: 64 });
  const multiRegion = input.optionalBoolean('MultiRegion') ?? false;
  const bypass = input.optionalBoolean('BypassPolicyLockoutSafetyCheck') ?? false;
  const tags = readTags(input.optionalObjectList('Tags'));
  if (origin === 'EXTERNAL_KEY_STORE' || input.has('XksKeyId')) {
    throw unsupportedOperation('External key stores are not available in this engine; use an AWS CloudHSM key store.');
  }
  if (origin === 'AWS_CLOUDHSM') {
    if (!customKeyStoreId) throw validation('You must specify a CustomKeyStoreId when Origin is AWS_CLOUDHSM');
    if (keySpec !== 'SYMMETRIC_DEFAULT' || keyUsage !== 'ENCRYPT_DECRYPT') {
      throw unsupportedOperation('Only symmetric encryption KMS keys can be created in a custom key store.');
    }
    if (multiRegion) throw unsupportedOperation('Multi-Region keys cannot be created in a custom key store.');
  } else if (customKeyStoreId) {
    throw validation(`Origin must be AWS_CLOUDHSM when you specify a CustomKeyStoreId`);
  }

  context.services.authorizer.authorizeAccountAction(caller, 'kms:CreateKey', {
    'kms:KeySpec': keySpec,
    'kms:KeyUsage': keyUsage,
    'kms:KeyOrigin': origin,
    'kms:MultiRegion': multiRegion,
    'kms:BypassPolicyLockoutSafetyCheck': bypass,
    ...(multiRegion ? { 'kms:MultiRegionKeyType': 'PRIMARY' } : {}),
    ...tagContext(tags),
  });

  const keyId = newKeyId(multiRegion);
  const partition = context.services.environment.partition;
  const arn = kmsKeyArn(partition, caller.region, caller.accountId, keyId);
  const key: KeyRecord = {
    keyId,
    account: caller.accountId,
    region: caller.region,
    arn,
    description,
    keySpec,
    keyUsage,
    origin,
    state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    createdAt: now,
    policy: policyText ?? defaultKeyPolicy(partition, caller.accountId),
    policyName: 'default',
    tags,
    materials: [],
    rotation: { enabled: false, periodDays: 365 },
    onDemandRotationCount: 0,
    multiRegion,
    primaryRegion: multiRegion ? caller.region : undefined,
    customKeyStoreId: origin === 'AWS_CLOUDHSM' ? customKeyStoreId : undefined,
    grants: [],
  };
  if (policyText !== undefined) {
    const document = readPolicyToStore(policyText);
    if (!bypass) assertNoLockout(context.services.authorizer, caller, key, document);
  }
  if (origin === 'AWS_KMS') {
    const material = await newKeyMaterial(keySpec, now, 'CREATED');
    key.materials.push(material);
    key.currentMaterialId = material.id;
  } else if (origin === 'AWS_CLOUDHSM') {
    placeKeyInCustomKeyStore(context, key);
  }
  context.state.keys[keyStoreKey(key.region, keyId)] = key;
  context.changed();
  return { KeyMetadata: keyMetadata(context.state, key) };
}

function describeKey(context: OperationContext) {
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }));
  return { KeyMetadata: keyMetadata(context.state, key) };
}

function listKeys(context: OperationContext) {
  const { input, caller, state } = context;
  const limit = input.optionalInteger('Limit', { min: 1, max: 1000 }) ?? 100;
  const marker = input.optionalString('Marker', { min: 1, max: 1024 });
  context.services.authorizer.authorizeAccountAction(caller, 'kms:ListKeys');
  const keys = Object.values(state.keys)
    .filter((k) => k.account === caller.accountId && k.region === caller.region)
    .sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId))
    .map((k) => ({ KeyId: k.keyId, KeyArn: k.arn }));
  const page = paginate(keys, limit, marker);
  return { Keys: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

function updateKeyDescription(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const description = input.optionalString('Description', { max: 8192 });
  if (description === undefined) throw validation("1 validation error detected: Value null at 'description' failed to satisfy constraint: Member must not be null");
  const key = useKey(context, keyId, { allowAlias: false });
  key.description = description;
  context.changed();
  return {};
}

function enableKey(context: OperationContext) {
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }), { allowAlias: false });
  // The stored state changes even while a custom key store is disconnected (the key shows
  // Unavailable until it reconnects).
  if (key.state === 'Disabled') {
    key.state = 'Enabled';
    context.changed();
  }
  return {};
}

function disableKey(context: OperationContext) {
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }), { allowAlias: false });
  // A key without usable material stays PendingImport: enabling it later must not skip the import.
  if (key.state === 'Enabled') {
    key.state = 'Disabled';
    context.changed();
  }
  return {};
}

function scheduleKeyDeletion(context: OperationContext) {
  const { input, now } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const days = input.optionalInteger('PendingWindowInDays', { min: 7, max: 30 }) ?? 30;
  const key = useKey(context, keyId, { allowAlias: false, context: { 'kms:ScheduleKeyDeletionPendingWindowInDays': days } });
  if (key.multiRegion && key.primaryRegion === key.region) {
    const replicas = Object.values(untracked(context.state).keys).filter((k) => k.keyId === key.keyId && k !== key && k.state !== 'PendingDeletion');
    if (replicas.length) {
      // A primary with live replicas waits for them: PendingReplicaDeletion, then the window.
      key.state = 'PendingReplicaDeletion';
      key.pendingWindowDays = days;
      key.deletionDate = undefined;
      context.changed();
      return { KeyId: key.arn, KeyState: key.state, PendingWindowInDays: days };
    }
  }
  key.state = 'PendingDeletion';
  key.pendingWindowDays = days;
  key.deletionDate = now + days * DAY_MS;
  context.changed();
  return { KeyId: key.arn, DeletionDate: epochSeconds(key.deletionDate), KeyState: key.state, PendingWindowInDays: days };
}

function cancelKeyDeletion(context: OperationContext) {
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }), { allowAlias: false });
  key.state = 'Disabled';
  key.deletionDate = undefined;
  key.pendingWindowDays = undefined;
  context.changed();
  return { KeyId: key.arn };
}

export const keyLifecycleOperations: OperationTable = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  UpdateKeyDescription: updateKeyDescription,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
};
