// After authorization, the key's state decides: a disabled key refuses cryptographic
// operations with DisabledException, a key pending deletion or import with
// KMSInvalidStateException (AWS KMS Developer Guide, "Key states of AWS KMS keys").
import type { KeyState } from './scenario';

const CRYPTOGRAPHIC = new Set([
  'Decrypt',
  'DeriveSharedSecret',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'VerifyMac',
  'GetPublicKey',
]);

/** Management operations a disabled key refuses too. */
const REFUSED_WHEN_DISABLED = new Set(['EnableKeyRotation', 'DisableKeyRotation', 'RotateKeyOnDemand']);

/** Operations a key pending deletion (or replica deletion) still accepts. */
const ALLOWED_PENDING_DELETION = new Set([
  'CancelKeyDeletion',
  'DescribeKey',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'ListGrants',
  'ListKeyPolicies',
  'ListKeyRotations',
  'ListResourceTags',
  'ListRetirableGrants',
  'PutKeyPolicy',
  'RetireGrant',
  'RevokeGrant',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
  'DeleteAlias',
  'CreateAlias',
  'UpdateKeyDescription',
  'GetParametersForImport',
  'DeleteImportedKeyMaterial',
]);

export interface KeyStateOutcome {
  readonly error: 'DisabledException' | 'KMSInvalidStateException';
  readonly message: string;
}

const STATE_WORDS: Readonly<Record<KeyState, string>> = {
  Creating: 'creating',
  Enabled: 'enabled',
  Disabled: 'disabled',
  PendingDeletion: 'pending deletion',
  PendingImport: 'pending import',
  PendingReplicaDeletion: 'pending replica deletion',
  Unavailable: 'unavailable',
  Updating: 'updating',
};

/** The error the key's state causes for `operation`, or undefined when the state allows it. */
export function checkKeyState(state: KeyState, operation: string, keyArn: string): KeyStateOutcome | undefined {
  const invalid = (): KeyStateOutcome => ({ error: 'KMSInvalidStateException', message: `${keyArn} is ${STATE_WORDS[state] ?? state}.` });
  if (operation === 'CancelKeyDeletion' && state !== 'PendingDeletion') {
    return { error: 'KMSInvalidStateException', message: `${keyArn} is not pending deletion.` };
  }
  switch (state) {
    case 'Enabled':
      return undefined;
    case 'Disabled':
      return CRYPTOGRAPHIC.has(operation) || REFUSED_WHEN_DISABLED.has(operation)
        ? { error: 'DisabledException', message: `${keyArn} is disabled.` }
        : undefined;
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return ALLOWED_PENDING_DELETION.has(operation) ? undefined : invalid();
    case 'PendingImport':
      return CRYPTOGRAPHIC.has(operation) || operation === 'EnableKey' || REFUSED_WHEN_DISABLED.has(operation) ? invalid() : undefined;
    case 'Unavailable':
    case 'Creating':
    case 'Updating':
      return CRYPTOGRAPHIC.has(operation) || operation === 'CreateGrant' ? invalid() : undefined;
    default:
      return invalid();
  }
}
