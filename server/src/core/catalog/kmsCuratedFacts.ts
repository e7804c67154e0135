// KMS facts that AWS's Service Authorization Reference (and so iam-data) does not carry.
// Each table cites the AWS page it follows; keep them small and checked against that page.

/**
 * Operations that work on a KMS key in another account ("Cross-account use: Yes" in each
 * operation's page of the AWS KMS API Reference).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export const CROSS_ACCOUNT_ACTIONS: ReadonlySet<string> = new Set([
  'CreateGrant',
  'Decrypt',
  'DeriveSharedSecret',
  'DescribeKey',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetKeyRotationStatus',
  'GetPublicKey',
  'ListGrants',
  'ReEncryptFrom',
  'ReEncryptTo',
  'RetireGrant',
  'RevokeGrant',
  'Sign',
  'Verify',
  'VerifyMac',
]);

/**
 * Operations that use the key material: encrypt, decrypt, data keys, sign, verify, MAC, key
 * agreement, public key (AWS KMS Developer Guide, "Cryptographic operations"). The key-state
 * table, the template rules and the key explorer's idea of a key's use all read this one list.
 */
export const CRYPTOGRAPHIC_OPERATIONS: ReadonlySet<string> = new Set([
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

/**
 * Values a grant's Operations (and so `kms:GrantOperations`) may hold: the CreateGrant
 * `Operations` enumeration. https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
 */
export const GRANT_OPERATIONS: readonly string[] = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
];

/**
 * Grant operations valid for a key of this usage and spec (AWS KMS Developer Guide, "Grant
 * operations": "the operations in a grant must be appropriate for the key"). The engine's
 * CreateGrant, the key explorer's Create Grant picker and the rules read this one table.
 */
export function grantOperationsFor(keyUsage: string | undefined, keySpec: string | undefined): readonly string[] {
  const common = ['CreateGrant', 'RetireGrant', 'DescribeKey'];
  switch (keyUsage ?? 'ENCRYPT_DECRYPT') {
    case 'ENCRYPT_DECRYPT':
      return (keySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT'
        ? ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', ...common]
        : ['Decrypt', 'Encrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey', ...common];
    case 'SIGN_VERIFY':
      return ['Sign', 'Verify', 'GetPublicKey', ...common];
    case 'GENERATE_VERIFY_MAC':
      return ['GenerateMac', 'VerifyMac', ...common];
    case 'KEY_AGREEMENT':
      return ['DeriveSharedSecret', 'GetPublicKey', ...common];
    default:
      return common;
  }
}

/**
 * AWS Regions (commercial, China, GovCloud and the European Sovereign Cloud) where KMS runs.
 * https://docs.aws.amazon.com/general/latest/gr/kms.html
 */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  'cn-north-1', 'cn-northwest-1',
  'us-gov-east-1', 'us-gov-west-1',
  'eusc-de-east-1',
];

const REGION_SET: ReadonlySet<string> = new Set(AWS_REGIONS);

export function isKnownRegion(region: string): boolean {
  return REGION_SET.has(region);
}

/**
 * Allowed values of the enumerated KMS condition keys, from the matching request or key
 * fields of the AWS KMS API Reference (CreateKey KeySpec/KeyUsage/Origin, Encrypt
 * EncryptionAlgorithm, Sign SigningAlgorithm, GenerateMac MacAlgorithm, ...).
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
 */
const KEY_SPECS = [
  'SYMMETRIC_DEFAULT', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521',
  'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2',
  'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
];
export const ENUMERATED_CONDITION_VALUES: Readonly<Record<string, readonly string[]>> = {
  'kms:keyspec': KEY_SPECS,
  'kms:customermasterkeyspec': KEY_SPECS,
  'kms:keyusage': ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'],
  'kms:customermasterkeyusage': ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'],
  'kms:keyorigin': ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'],
  'kms:encryptionalgorithm': ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'],
  'kms:signingalgorithm': [
    'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512',
    'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512',
    'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'SM2DSA', 'ML_DSA_SHAKE_256', 'ED25519_SHA_512', 'ED25519_PH_SHA_512',
  ],
  'kms:macalgorithm': ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'],
  'kms:datakeypairspec': [
    'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'SM2',
  ],
  'kms:expirationmodel': ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'],
  'kms:wrappingalgorithm': [
    'RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE',
  ],
  'kms:wrappingkeyspec': ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'],
  'kms:messagetype': ['RAW', 'DIGEST', 'EXTERNAL_MU'],
  'kms:multiregionkeytype': ['PRIMARY', 'REPLICA'],
  'kms:keyagreementalgorithm': ['ECDH'],
  'kms:grantconstrainttype': ['EncryptionContextEquals', 'EncryptionContextSubset'],
  'kms:grantoperations': GRANT_OPERATIONS,
  'kms:replicaregion': AWS_REGIONS,
  'kms:primaryregion': AWS_REGIONS,
  'aws:requestedregion': AWS_REGIONS,
};

/** Condition keys whose values name Regions (checked by KMS_INVALID_REGION). */
export const REGION_VALUED_KEYS: ReadonlySet<string> = new Set(['kms:replicaregion', 'kms:primaryregion', 'aws:requestedregion']);

/** AWS documentation pages the rules and hovers link to. */
/**
 * Condition keys the AWS KMS Developer Guide lists for "CreateKey, KMS key resource operations"
 * (and uses kms:KeyOrigin with GenerateDataKey in its example), where the Service Authorization
 * Reference lists CreateKey alone: they are in the context of every operation on a key.
 */
export const KEY_RESOURCE_CONDITION_KEYS: ReadonlySet<string> = new Set(['kms:keyorigin', 'kms:keyspec', 'kms:keyusage', 'kms:multiregion', 'kms:multiregionkeytype']);

/**
 * Types the Service Authorization Reference gets wrong. kms:ValidTo: "The value is a timestamp in
 * Unix time", compared with NumericLessThanEquals in AWS's own example (AWS KMS Developer Guide,
 * kms:ValidTo).
 */
export const CONDITION_KEY_TYPE_CORRECTIONS: Readonly<Record<string, 'Numeric'>> = { 'kms:validto': 'Numeric' };

export const DOCS = {
  keyPolicyElements: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html',
  defaultKeyPolicy: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html',
  putKeyPolicy: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html',
  quotas: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html',
  permissionsReference: 'https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html',
  crossAccount: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  kmsConditions: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html',
  viaService: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
  grantConditions: 'https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html',
  multiRegion: 'https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html',
  keyAdministrators: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators',
  iamVersion: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html',
  iamStatement: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html',
  iamSid: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html',
  iamElements: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html',
  iamGrammar: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
  iamPrincipal: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
  iamNotPrincipal: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html',
  conditionOperators: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
  multivaluedKeys: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
  globalKeys: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
  confusedDeputy: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  policyGrammar: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
  kmsActions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html',
} as const;
