// After authorization, the key's state decides (AWS KMS Developer Guide, "Key states of AWS KMS
// keys", whose table this follows): a disabled key refuses cryptographic operations and grants
// with `DisabledException: <key ARN> is disabled.`; a key pending deletion, pending import or
// unavailable refuses them with KMSInvalidStateException; CancelKeyDeletion needs a key that is
// pending deletion. Errors that depend on the key's origin (UnsupportedOperationException for
// imported or custom-store keys) are the engine's to give, not the state's.
import { CRYPTOGRAPHIC_OPERATIONS } from './operationRules';
import type { KeyState } from './scenario';

/** The table's Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, Sign, Verify, GetPublicKey rows, and their MAC and key-agreement kin. */
const CRYPTOGRAPHIC = CRYPTOGRAPHIC_OPERATIONS;

/** Disabled: footnote [1] for these (the table refuses ReplicateKey and UpdatePrimaryRegion too). */
const REFUSED_WHEN_DISABLED = new Set([...CRYPTOGRAPHIC, 'CreateGrant', 'EnableKeyRotation', 'DisableKeyRotation', 'RotateKeyOnDemand', 'ReplicateKey', 'UpdatePrimaryRegion']);

/** Pending import: footnote [5] for these (ReplicateKey and UpdatePrimaryRegion included). */
const REFUSED_WHEN_PENDING_IMPORT = new Set([...CRYPTOGRAPHIC, 'CreateGrant', 'EnableKey', 'DisableKey', 'RotateKeyOnDemand', 'ReplicateKey', 'UpdatePrimaryRegion']);

/** Creating: the key cannot be used, granted, enabled, disabled or given imported material yet. */
const REFUSED_WHEN_CREATING = new Set([
  ...CRYPTOGRAPHIC,
  'CreateGrant',
  'EnableKey',
  'DisableKey',
  'GetParametersForImport',
  'ImportKeyMaterial',
  'DeleteImportedKeyMaterial',
]);

/**
 * Updating (a multi-Region key while its primary Region changes): the table lets cryptographic
 * operations and CreateGrant through; only another change of the key's Regions must wait. The
 * table is silent on the other management operations, which we let through.
 */
const REFUSED_WHEN_UPDATING = new Set(['ReplicateKey', 'UpdatePrimaryRegion']);

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
      return REFUSED_WHEN_CREATING.has(operation) ? invalid() : undefined;
    case 'Updating':
      return REFUSED_WHEN_UPDATING.has(operation) ? invalid() : undefined;
    default:
      return invalid();
  }
}
