// The contextValue of a key node, which the manifest's `view/item/context` menus match on:
// `key.<state>.<spec>.<region>.<origin>.<manager>.<rotation>`, e.g.
// `key.Enabled.symmetric.single.aws.customer.rotationOff`. No vscode here, so it is tested alone.
import type { KeyMetadata } from '@aws-sdk/client-kms';

/**
 * Whether EnableKeyRotation and DisableKeyRotation apply: a customer managed symmetric key with
 * KMS-generated material, and for a multi-Region key its primary (AWS KMS Developer Guide,
 * "Rotating AWS KMS keys"; AWS managed keys rotate every year and cannot be changed).
 */
export function automaticRotationApplies(m: KeyMetadata): boolean {
  return (
    m.KeyManager !== 'AWS' &&
    (m.KeySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' &&
    (m.Origin ?? 'AWS_KMS') === 'AWS_KMS' &&
    !m.CustomKeyStoreId &&
    m.MultiRegionConfiguration?.MultiRegionKeyType !== 'REPLICA'
  );
}

/**
 * `rotation` is GetKeyRotationStatus's KeyRotationEnabled, undefined when it was not asked or
 * was refused: then both rotation commands stay offered and KMS answers.
 */
export function keyContextValue(m: KeyMetadata, rotation: boolean | undefined, describeError?: string): string {
  if (describeError) return 'key.unreadable';
  const state = m.KeyState ?? 'Unknown';
  const spec = m.KeySpec ?? 'SYMMETRIC_DEFAULT';
  const specClass = spec === 'SYMMETRIC_DEFAULT' ? 'symmetric' : spec.startsWith('HMAC') ? 'hmac' : 'asymmetric';
  const region = !m.MultiRegion ? 'single' : m.MultiRegionConfiguration?.MultiRegionKeyType === 'REPLICA' ? 'mrkReplica' : 'mrkPrimary';
  const origin = m.Origin === 'EXTERNAL' ? 'external' : m.Origin === 'AWS_CLOUDHSM' ? 'cloudhsm' : m.Origin === 'EXTERNAL_KEY_STORE' ? 'xks' : 'aws';
  const manager = m.KeyManager === 'AWS' ? 'awsManaged' : 'customer';
  const rotationState = !automaticRotationApplies(m) ? 'rotationNone' : rotation === undefined ? 'rotationUnknown' : rotation ? 'rotationOn' : 'rotationOff';
  return `key.${state}.${specClass}.${region}.${origin}.${manager}.${rotationState}`;
}
