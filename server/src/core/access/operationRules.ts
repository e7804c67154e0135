// Facts about KMS operations that the evaluation depends on: which work across accounts, which
// act on a key at all, and how an action name is written.

/**
 * Operations a principal in another account can perform on a key, given permission on both
 * sides (AWS KMS Developer Guide, "Allowing users in other accounts to use a KMS key": the
 * cryptographic operations, CreateGrant, DescribeKey, GetKeyRotationStatus, GetPublicKey,
 * ListGrants, RetireGrant and RevokeGrant).
 */
export const CROSS_ACCOUNT_OPERATIONS: ReadonlySet<string> = new Set([
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
  'CreateGrant',
  'DescribeKey',
  'GetKeyRotationStatus',
  'GetPublicKey',
  'ListGrants',
  'RetireGrant',
  'RevokeGrant',
]);

/**
 * Operations that act on no particular key, so only IAM policies (and SCPs) decide them, with
 * Resource "*" (AWS KMS Developer Guide, "Permissions reference": these have no key resource).
 */
export const KEYLESS_OPERATIONS: ReadonlySet<string> = new Set([
  'ConnectCustomKeyStore',
  'CreateCustomKeyStore',
  'CreateKey',
  'DeleteCustomKeyStore',
  'DescribeCustomKeyStores',
  'DisconnectCustomKeyStore',
  'GenerateRandom',
  'ListAliases',
  'ListKeys',
  'ListRetirableGrants',
  'UpdateCustomKeyStore',
]);

const ACTION = /^kms:[A-Za-z]+$/;

/** `kms:Decrypt` -> `Decrypt`; undefined when the text is not a KMS action. */
export function operationOf(action: string): string | undefined {
  if (!ACTION.test(action)) return undefined;
  return action.slice(4);
}
