// Replays the error cases recorded from real AWS KMS (../shared/ground-truth) against the
// engine and compares error name and message after substituting the recording's placeholders.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KmsServiceError } from '../../../server/src/core/engine/kmsEngineApi';
import { b64, openHarness, ROOT, type Harness } from './engineHarness';

const CATALOG = join(__dirname, '../../../../shared/ground-truth/localstack-kms/error-catalog.derived.json');
const available = existsSync(CATALOG);
const skip = available ? false : `ground truth not found at ${CATALOG}`;

interface Recorded { test: string; snapshot_key: string; code: string; message: string }
const recorded: Recorded[] = available ? (JSON.parse(readFileSync(CATALOG, 'utf8')) as { errors: Recorded[] }).errors : [];

/** The recorded error of `testName`/`snapshotKey` with placeholders filled in from `key`. */
function expected(testName: string, snapshotKey: string, fill: { arn?: string; keyId?: string; region?: string } = {}): { code: string; message: string } {
  const match = recorded.find((e) => (e.test === `TestKMS::${testName}` || e.test === `TestKMSGenerateKeys::${testName}`) && e.snapshot_key === snapshotKey);
  assert.ok(match, `recorded error ${testName} ${snapshotKey}`);
  const message = match.message
    .replaceAll('<key-arn>', fill.arn ?? '')
    .replaceAll('<mrk-key-arn>', fill.arn ?? '')
    .replaceAll('arn:<partition>', 'arn:aws')
    .replaceAll('<region>', 'us-east-1')
    .replaceAll('111111111111', '111122223333')
    .replaceAll('<secondary-region>', fill.region ?? '')
    .replaceAll('<key-id:1>', fill.keyId ?? '')
    // KMS added the ECC_NIST_EDWARDS25519 key spec after these errors were recorded.
    .replace('HMAC_224, HMAC_512]', 'HMAC_224, HMAC_512, ECC_NIST_EDWARDS25519]');
  return { code: match.code, message };
}

function same(actual: KmsServiceError, want: { code: string; message: string }): void {
  assert.deepEqual({ code: actual.errorName, message: actual.message }, want);
}

async function key(h: Harness, input: Record<string, unknown> = {}): Promise<{ KeyId: string; Arn: string }> {
  return (await h.call('CreateKey', input)).KeyMetadata;
}

test('GenerateRandom NumberOfBytes errors match AWS', { skip }, async () => {
  const h = await openHarness();
  same(await h.fail('GenerateRandom', {}), expected('test_generate_random_invalid_number_of_bytes[None]', 'generate-random-exc'));
  same(await h.fail('GenerateRandom', { NumberOfBytes: 0 }), expected('test_generate_random_invalid_number_of_bytes[0]', 'generate-random-exc'));
  same(await h.fail('GenerateRandom', { NumberOfBytes: 1025 }), expected('test_generate_random_invalid_number_of_bytes[1025]', 'generate-random-exc'));
  await h.engine.close();
});

test('RSA OAEP plaintext limits match AWS for every RSA size', { skip }, async () => {
  const h = await openHarness();
  for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096']) {
    const k = await key(h, { KeySpec: spec, KeyUsage: 'ENCRYPT_DECRYPT' });
    for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']) {
      const want = expected(`test_encrypt_validate_plaintext_size_per_key_type[${spec}-${algorithm}]`, 'generate-random-exc');
      const limit = Number(/larger than (\d+) bytes/.exec(want.message)?.[1]);
      assert.ok((await h.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64(Buffer.alloc(limit)), EncryptionAlgorithm: algorithm })).CiphertextBlob);
      same(await h.fail('Encrypt', { KeyId: k.KeyId, Plaintext: b64(Buffer.alloc(limit + 1)), EncryptionAlgorithm: algorithm }), want);
    }
  }
  await h.engine.close();
});

test('key lookup errors match AWS: missing keys, invalid ids, other Regions', { skip }, async () => {
  const h = await openHarness();
  const missing = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';
  same(await h.fail('DescribeKey', { KeyId: '00000000-0000-4000-8000-000000000000' }), expected('test_get_key_does_not_exist', 'describe-nonexistent-key-with-id', { arn: missing }));
  same(await h.fail('DescribeKey', { KeyId: missing }), expected('test_get_key_does_not_exist', 'describe-nonexistent-with-arn', { arn: missing }));
  const mrk = 'arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef';
  same(await h.fail('DescribeKey', { KeyId: 'mrk-0123456789abcdef0123456789abcdef' }), expected('test_get_key_does_not_exist', 'describe-key-with-valid-id-mrk', { arn: mrk }));
  same(await h.fail('DescribeKey', { KeyId: 'fake-key-id' }), expected('test_get_key_invalid_uuid', 'describe-key-with-invalid-uuid'));
  same(await h.fail('DescribeKey', { KeyId: '134f2428cec14b25a1ae9048164dba47' }), expected('test_get_key_invalid_uuid', 'describe-key-with-invalid-uuid-2'));
  same(await h.fail('DescribeKey', { KeyId: 'mrk-fake-key-id' }), expected('test_get_key_invalid_uuid', 'describe-key-with-invalid-uuid-mrk'));
  const k = await key(h);
  const west = { ...ROOT, region: 'us-west-2' };
  // The recording names the Region the request went to (its placeholder is that Region's).
  const inWest = expected('test_get_key_in_different_region', 'describe-key-diff-region-with-id', { keyId: k.KeyId });
  same(await h.fail('DescribeKey', { KeyId: k.KeyId }, west), { ...inWest, message: inWest.message.replace('us-east-1', 'us-west-2') });
  same(await h.fail('DescribeKey', { KeyId: k.Arn }, west), expected('test_get_key_in_different_region', 'describe-key-diff-region-with-arn', { region: 'us-east-1' }));
  same(await h.fail('CreateAlias', { AliasName: 'no-prefix', TargetKeyId: k.KeyId }), expected('test_create_alias', 'create_alias'));
  same(await h.fail('GenerateMac', { KeyId: 'key_id', Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }), expected('test_generate_and_verify_mac[HMAC_256-HMAC_SHA_256]', 'generate-mac-invalid-key-id'));
  same(await h.fail('VerifyMac', { KeyId: 'key_id', Message: b64('m'), Mac: b64('x'), MacAlgorithm: 'HMAC_SHA_256' }), expected('test_generate_and_verify_mac[HMAC_256-HMAC_SHA_256]', 'verify-mac-invalid-key-id'));
  await h.engine.close();
});

test('CreateKey, MAC, signing and key-usage errors match AWS', { skip }, async () => {
  const h = await openHarness();
  same(await h.fail('CreateKey', { KeySpec: 'HMAC_256' }), expected('test_hmac_create_key_invalid_operations', 'create-hmac-key-without-key-usage'));
  same(await h.fail('CreateKey', { KeySpec: 'HMAC_random', KeyUsage: 'GENERATE_VERIFY_MAC' }), expected('test_hmac_create_key_invalid_operations', 'create-hmac-key-invalid-spec'));
  same(await h.fail('CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'RANDOM' }), expected('test_hmac_create_key_invalid_operations', 'create-hmac-key-invalid-key-usage'));
  const h224 = await key(h, { KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' });
  same(await h.fail('GenerateMac', { KeyId: h224.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }), expected('test_invalid_generate_mac[HMAC_224-HMAC_SHA_256]', 'generate-mac'));
  const h256 = await key(h, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  same(await h.fail('GenerateMac', { KeyId: h256.KeyId, Message: b64('m'), MacAlgorithm: 'INVALID' }), expected('test_invalid_generate_mac[HMAC_256-INVALID]', 'generate-mac'));
  const mac = (await h.call('GenerateMac', { KeyId: h256.KeyId, Message: b64('some important message'), MacAlgorithm: 'HMAC_SHA_256' })).Mac;
  same(await h.fail('VerifyMac', { KeyId: h256.KeyId, Message: b64('some different important message'), Mac: mac, MacAlgorithm: 'HMAC_SHA_256' }), expected('test_invalid_verify_mac[HMAC_256-HMAC_SHA_256-some different important message]', 'verify-mac'));
  same(await h.fail('VerifyMac', { KeyId: h256.KeyId, Message: b64('some important message'), Mac: mac, MacAlgorithm: 'HMAC_SHA_512' }), expected('test_invalid_verify_mac[HMAC_256-HMAC_SHA_512-some important message]', 'verify-mac'));
  same(await h.fail('VerifyMac', { KeyId: h256.KeyId, Message: b64('some important message'), Mac: mac, MacAlgorithm: 'INVALID' }), expected('test_invalid_verify_mac[HMAC_256-INVALID-some important message]', 'verify-mac'));
  for (const [spec, algorithm] of [['RSA_2048', 'RSASSA_PSS_SHA_256'], ['ECC_NIST_P256', 'ECDSA_SHA_256'], ['ECC_SECG_P256K1', 'ECDSA_SHA_256'], ['ECC_NIST_P384', 'ECDSA_SHA_384']]) {
    const k = await key(h, { KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
    const name = `test_sign_verify[${spec}-${algorithm}]`;
    same(await h.fail('Sign', { KeyId: k.KeyId, Message: b64('x'), MessageType: 'DIGEST', SigningAlgorithm: algorithm }), expected(name, 'bad-digest'));
    same(await h.fail('Verify', { KeyId: k.KeyId, Message: b64('x'), Signature: b64('not a signature'), SigningAlgorithm: algorithm }), expected(name, 'bad-signature'));
  }
  const sym = await key(h);
  const sign = await key(h, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  same(await h.fail('GenerateMac', { KeyId: sym.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' }), expected('test_error_messaging_for_invalid_keys', 'generate-mac-invalid-key-id', { arn: sym.Arn }));
  same(await h.fail('Sign', { KeyId: h256.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' }), expected('test_error_messaging_for_invalid_keys', 'sign-invalid-key-id', { arn: h256.Arn }));
  same(await h.fail('Verify', { KeyId: sym.KeyId, Message: b64('m'), Signature: b64('s'), SigningAlgorithm: 'ECDSA_SHA_256' }), expected('test_error_messaging_for_invalid_keys', 'verify-invalid-key-id', { arn: sym.Arn }));
  same(await h.fail('Encrypt', { KeyId: sign.KeyId, Plaintext: b64('m') }), expected('test_error_messaging_for_invalid_keys', 'encrypt-invalid-key-id', { arn: sign.Arn }));
  const blob = (await h.call('Encrypt', { KeyId: sym.KeyId, Plaintext: b64('m') })).CiphertextBlob;
  same(await h.fail('Decrypt', { KeyId: sign.KeyId, CiphertextBlob: blob }), expected('test_error_messaging_for_invalid_keys', 'decrypt-invalid-key-id'));
  same(await h.fail('Encrypt', { KeyId: sym.KeyId, Plaintext: b64(Buffer.alloc(4097)) }), expected('test_plaintext_size_for_encrypt', 'invalid-plaintext-size-encrypt'));
  await h.engine.close();
});

test('ciphertext, re-encrypt, dry-run and ECDH errors match AWS', { skip }, async () => {
  const h = await openHarness();
  const k = await key(h);
  const blob = (await h.call('Encrypt', { KeyId: k.KeyId, Plaintext: b64('p'), EncryptionContext: { a: 'b' } })).CiphertextBlob;
  same(await h.fail('Decrypt', { CiphertextBlob: blob }), expected('test_encrypt_decrypt_encryption_context', 'decrypt_response_without_encryption_context'));
  same(await h.fail('Decrypt', { CiphertextBlob: b64('garbage'), EncryptionContext: { a: 'b' } }), expected('test_encrypt_decrypt_encryption_context', 'decrypt_response_with_invalid_ciphertext'));
  const other = await key(h);
  same(await h.fail('ReEncrypt', { CiphertextBlob: blob, SourceKeyId: other.KeyId, DestinationKeyId: k.KeyId, SourceEncryptionContext: { a: 'b' } }), expected('test_re_encrypt_incorrect_source_key', 'incorrect-source-key'));
  same(await h.fail('GenerateDataKeyPair', { KeyId: k.KeyId, KeyPairSpec: 'ECC_NIST_P256', DryRun: true }), expected('test_generate_data_key_pair_dry_run', 'dryrun_exception'));
  same(await h.fail('GenerateDataKeyPairWithoutPlaintext', { KeyId: k.KeyId, KeyPairSpec: 'ECC_NIST_P256', DryRun: true }), expected('test_generate_data_key_pair_without_plaintext_dry_run', 'dryrun_exception'));
  const agreement = await key(h, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
  const signing = await key(h, { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const peer = (await h.call('GetPublicKey', { KeyId: signing.KeyId })).PublicKey;
  same(await h.fail('DeriveSharedSecret', { KeyId: signing.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }), expected('test_derive_shared_secret', 'response-invalid-key-usage', { arn: signing.Arn }));
  same(await h.fail('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' }), expected('test_derive_shared_secret', 'response-invalid-key-spec'));
  same(await h.fail('DeriveSharedSecret', { KeyId: agreement.KeyId, KeyAgreementAlgorithm: 'INVALID', PublicKey: peer }), expected('test_derive_shared_secret', 'response-invalid-key-agreement-algo'));
  same(await h.fail('DeriveSharedSecret', { KeyId: k.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }), expected('test_derive_shared_secret', 'response-invalid-key', { arn: k.Arn }));
  same(await h.fail('DeriveSharedSecret', { KeyId: agreement.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('not a key') }), expected('test_derive_shared_secret', 'response-invalid-public-key'));
  await h.engine.close();
});

test('tag errors match AWS', { skip }, async () => {
  const h = await openHarness();
  const k = await key(h);
  same(await h.fail('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] }), expected('test_tag_key_with_duplicate_tag_keys_raises_error', 'duplicate-tag-keys'));
  same(await h.fail('CreateKey', { Tags: Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' })) }), expected('test_create_key_with_too_many_tags_raises_error', 'invalid-tag-key'));
  same(await h.fail('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'aws:key', TagValue: 'v' }] }), expected('test_tag_existing_key_with_invalid_tag_key', 'invalid-tag-key'));
  same(await h.fail('CreateKey', { Tags: [{ TagKey: 'AWS:key', TagValue: 'v' }] }), expected('test_create_key_with_invalid_tag_key[uppercase_prefix]', 'invalid-tag-key'));
  same(await h.fail('CreateKey', { Tags: [{ TagKey: 'a'.repeat(129), TagValue: 'v' }] }), expected('test_create_key_with_invalid_tag_key[too_long_key]', 'invalid-tag-key'));
  same(await h.fail('TagResource', { KeyId: k.KeyId, Tags: [{ TagKey: 'k', TagValue: 'v'.repeat(257) }] }), expected('test_key_with_long_tag_value_raises_error', 'too-long-tag-value'));
  await h.engine.close();
});

test('rotation, import and multi-Region errors match AWS', { skip }, async () => {
  const h = await openHarness({ onDemandRotationLimit: 10 });
  const k = await key(h);
  for (let i = 0; i < 10; i++) await h.call('RotateKeyOnDemand', { KeyId: k.KeyId });
  same(await h.fail('RotateKeyOnDemand', { KeyId: k.KeyId }), expected('test_key_rotations_limits', 'error-response', { arn: k.Arn }));
  const disabled = await key(h);
  await h.call('DisableKey', { KeyId: disabled.KeyId });
  same(await h.fail('RotateKeyOnDemand', { KeyId: disabled.KeyId }), expected('test_rotate_key_on_demand_raises_error_given_key_is_disabled', 'error-response', { arn: disabled.Arn }));
  const missing = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';
  same(await h.fail('RotateKeyOnDemand', { KeyId: missing }), expected('test_rotate_key_on_demand_raises_error_given_key_that_does_not_exist', 'error-response', { arn: missing }));
  const rsa = await key(h, { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
  same(await h.fail('RotateKeyOnDemand', { KeyId: rsa.KeyId }), expected('test_rotate_key_on_demand_raises_error_given_non_symmetric_key', 'error-response'));
  const external = await key(h, { Origin: 'EXTERNAL' });
  same(await h.fail('RotateKeyOnDemand', { KeyId: external.KeyId }), expected('test_rotate_key_on_demand_on_external_key_with_no_key_material[SYMMETRIC_DEFAULT]', 'rotate-key-on-demand-error-response-SYMMETRIC_DEFAULT', { keyId: external.KeyId }));
  same(await h.fail('Encrypt', { KeyId: external.KeyId, Plaintext: b64('x') }), expected('test_import_key_symmetric', 'encrypt-before-import-error', { keyId: external.KeyId }));
  same(await h.fail('GetParametersForImport', { KeyId: k.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }), expected('test_get_parameters_for_import', 'response-error', { arn: k.Arn }));
  const params = await h.call('GetParametersForImport', { KeyId: external.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  same(await h.fail('ImportKeyMaterial', { KeyId: external.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: b64('x'), ExpirationModel: 'KEY_MATERIAL_EXPIRES' }), expected('test_import_key_symmetric', 'import-expiring-key-without-valid-to'));
  const mrk = await key(h, { MultiRegion: true });
  await h.call('ReplicateKey', { KeyId: mrk.KeyId, ReplicaRegion: 'us-west-2' });
  const replicaArn = mrk.Arn.replace('us-east-1', 'us-west-2');
  same(await h.fail('ReplicateKey', { KeyId: mrk.KeyId, ReplicaRegion: 'eu-west-1' }, { ...ROOT, region: 'us-west-2' }), expected('test_replicate_replica_key_should_fail', 'fail-replicate-non-primary-key', { arn: replicaArn }));
  await h.engine.close();
});
