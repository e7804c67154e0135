// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand and
// ListKeyRotations. Only symmetric keys with KMS-generated (or, on demand, imported) material
// rotate; keys in a CloudHSM key store never do.
import { invalidState, limitExceeded, unsupportedOperation } from './engineErrors';
import type { KeyRecord } from './engineState';
import { useKey } from './keyAccess';
import { epochSeconds } from './keyMetadata';
import { rotateKeyMaterial } from './keyRotation';
import type { OperationContext, OperationTable } from './operationContext';
import { paginate } from './pagination';

const DAY_MS = 86_400_000;

function assertAutomaticRotationSupported(key: KeyRecord): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupportedOperation('');
  if (key.origin !== 'AWS_KMS') throw unsupportedOperation(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
  if (key.multiRegion && key.primaryRegion !== key.region) {
    throw unsupportedOperation(`${key.arn} is not a multi-region primary key. Manage rotation of a multi-Region key on its primary key.`);
  }
}

function enableKeyRotation(context: OperationContext) {
  const { input, now } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const period = input.optionalInteger('RotationPeriodInDays', { min: 90, max: 2560 }) ?? 365;
  const key = useKey(context, keyId, { allowAlias: false, context: { 'kms:RotationPeriodInDays': period } });
  assertAutomaticRotationSupported(key);
  const unchanged = key.rotation.enabled && key.rotation.periodDays === period;
  if (!unchanged) {
    key.rotation = { enabled: true, periodDays: period, nextRotationAt: now + period * DAY_MS };
    context.changed();
  }
  return {};
}

function disableKeyRotation(context: OperationContext) {
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }), { allowAlias: false });
  assertAutomaticRotationSupported(key);
  if (key.rotation.enabled) {
    key.rotation = { enabled: false, periodDays: key.rotation.periodDays };
    context.changed();
  }
  return {};
}

function getKeyRotationStatus(context: OperationContext) {
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }), { allowAlias: false });
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' || key.customKeyStoreId) return { KeyId: key.arn, KeyRotationEnabled: false };
  const primary = key.multiRegion ? Object.values(context.state.keys).find((k) => k.keyId === key.keyId && k.region === k.primaryRegion) ?? key : key;
  const rotation = primary.rotation;
  return {
    KeyId: key.arn,
    KeyRotationEnabled: rotation.enabled,
    ...(rotation.enabled ? { RotationPeriodInDays: rotation.periodDays } : {}),
    ...(rotation.enabled && rotation.nextRotationAt !== undefined ? { NextRotationDate: epochSeconds(rotation.nextRotationAt) } : {}),
  };
}

function rotateKeyOnDemand(context: OperationContext) {
  const { now, services } = context;
  const key = useKey(context, context.input.requiredString('KeyId', { min: 1, max: 2048 }), { allowAlias: false });
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupportedOperation('');
  if (key.customKeyStoreId) throw unsupportedOperation(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
  if (key.multiRegion && key.primaryRegion !== key.region) throw unsupportedOperation(`${key.arn} is not a multi-region primary key.`);
  if (key.onDemandRotationCount >= services.settings.onDemandRotationLimit) {
    throw limitExceeded(`The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`);
  }
  if (key.origin === 'EXTERNAL') {
    // Imported keys rotate to material imported beforehand with ImportType NEW_KEY_MATERIAL.
    const pending = key.materials.find((m) => m.pendingRotation);
    if (!pending) throw invalidState(`No available key material pending rotation for the key: ${key.arn}.`);
    key.materials = key.materials.map((m) => (m === pending ? { ...m, pendingRotation: false, rotatedAt: now, origin: 'ON_DEMAND' as const } : m));
    key.currentMaterialId = pending.id;
  } else {
    rotateKeyMaterial(context.state, key, now, 'ON_DEMAND');
  }
  key.onDemandRotationCount += 1;
  context.changed();
  return { KeyId: key.arn };
}

function listKeyRotations(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const limit = input.optionalInteger('Limit', { min: 1, max: 1000 }) ?? 100;
  const marker = input.optionalString('Marker', { min: 1, max: 1024 });
  const include = input.optionalEnum('IncludeKeyMaterial', ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const) ?? 'ROTATIONS_ONLY';
  const key = useKey(context, keyId, { allowAlias: false });
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw unsupportedOperation('');
  const rows = key.materials
    .filter((m) => include === 'ALL_KEY_MATERIAL' || m.rotatedAt !== undefined)
    .map((m) => ({
      KeyId: key.arn,
      KeyMaterialId: m.id,
      ...(m.rotatedAt !== undefined ? { RotationDate: epochSeconds(m.rotatedAt), RotationType: m.origin === 'AUTOMATIC' ? 'AUTOMATIC' : 'ON_DEMAND' } : {}),
      KeyMaterialState: m.pendingRotation ? 'PENDING_ROTATION' : m.id === key.currentMaterialId ? 'CURRENT' : 'NON_CURRENT',
      ...(key.origin === 'EXTERNAL'
        ? {
            ImportState: m.secret ? 'IMPORTED' : 'PENDING_IMPORT',
            ...(m.expirationModel ? { ExpirationModel: m.expirationModel } : {}),
            ...(m.validTo !== undefined ? { ValidTo: epochSeconds(m.validTo) } : {}),
            ...(m.description ? { KeyMaterialDescription: m.description } : {}),
          }
        : {}),
    }));
  const page = paginate(rows, limit, marker);
  return { Rotations: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

export const rotationOperations: OperationTable = {
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
};
