// After authorization, the key's state decides (AWS KMS Developer Guide, "Key states of AWS KMS
// keys", whose table this follows): a disabled key refuses cryptographic operations and grants
// with `DisabledException: <key ARN> is disabled.`; a key pending deletion, pending import or
// unavailable refuses them with KMSInvalidStateException; CancelKeyDeletion needs a key that is
// pending deletion. Errors that depend on the key's origin (UnsupportedOperationException for
// imported or custom-store keys) are the engine's to give, not the state's.
import type { KeyState } from './scenario';

/** Operations that use the key material (the table's Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, Sign, Verify, GetPublicKey rows, and their MAC and key-agreement kin). */
const CRYPTOGRAPHIC = new Set([
  'Decrypt',
  'DeriveSharedSecret',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetPublicKey',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'VerifyMac',
]);

/** Disabled: footnote [1] for these. */
const REFUSED_WHEN_DISABLED = new Set([...CRYPTOGRAPHIC, 'CreateGrant', 'EnableKeyRotation', 'DisableKeyRotation', 'RotateKeyOnDemand']);

/** Pending import: footnote [5] for these. */
const REFUSED_WHEN_PENDING_IMPORT = new Set([...CRYPTOGRAPHIC, 'CreateGrant', 'EnableKey', 'DisableKey', 'RotateKeyOnDemand']);

/** Pending deletion: footnote [3] for these (cryptographic operations included). */
const REFUSED_WHEN_PENDING_DELETION = new Set([
  ...CRYPTOGRAPHIC,
  'CreateAlias',
  'CreateGrant',
  'DeleteImportedKeyMaterial',
  'DisableKey',
  'DisableKeyRotation',
  'EnableKey',
  'EnableKeyRotation',
  'GetParametersForImport',
  'ImportKeyMaterial',
  'ReplicateKey',
  'RotateKeyOnDemand',
  'ScheduleKeyDeletion',
  'TagResource',
  'UntagResource',
  'UpdateKeyDescription',
  'UpdatePrimaryRegion',
]);

/** Unavailable (a disconnected custom key store): footnote [11] for the cryptographic operations. */
const REFUSED_WHEN_UNAVAILABLE = CRYPTOGRAPHIC;

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
  // [4] "KMSInvalidStateException: <CMK ARN> is not pending deletion."
  if (operation === 'CancelKeyDeletion') {
    return state === 'PendingDeletion' ? undefined : { error: 'KMSInvalidStateException', message: `${keyArn} is not pending deletion.` };
  }
  switch (state) {
    case 'Enabled':
      return undefined;
    case 'Disabled':
      return REFUSED_WHEN_DISABLED.has(operation) ? { error: 'DisabledException', message: `${keyArn} is disabled.` } : undefined;
    case 'PendingImport':
      return REFUSED_WHEN_PENDING_IMPORT.has(operation) ? invalid() : undefined;
    case 'PendingDeletion':
    case 'PendingReplicaDeletion':
      return REFUSED_WHEN_PENDING_DELETION.has(operation) ? invalid() : undefined;
    case 'Unavailable':
      return REFUSED_WHEN_UNAVAILABLE.has(operation) ? invalid() : undefined;
    case 'Creating':
    case 'Updating':
      // A key still being created or updated cannot be used or granted yet.
      return CRYPTOGRAPHIC.has(operation) || operation === 'CreateGrant' ? invalid() : undefined;
    default:
      return invalid();
  }
}
