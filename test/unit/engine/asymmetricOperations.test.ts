import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, diffieHellman, verify as nodeVerify, constants } from 'node:crypto';
import { test } from 'node:test';
import { b64, openHarness } from './engineHarness';

const SIGNING_CASES: Array<[string, string]> = [
  ['RSA_2048', 'RSASSA_PSS_SHA_256'], ['RSA_2048', 'RSASSA_PSS_SHA_384'], ['RSA_2048', 'RSASSA_PSS_SHA_512'],
  ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256'], ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_512'],
  ['ECC_NIST_P256', 'ECDSA_SHA_256'], ['ECC_NIST_P384', 'ECDSA_SHA_384'], ['ECC_NIST_P521', 'ECDSA_SHA_512'],
  ['ECC_SECG_P256K1', 'ECDSA_SHA_256'],
];

test('Sign and Verify for every RSA and ECDSA spec, RAW and DIGEST, checked by OpenSSL with the public key', async () => {
  const { call, fail, engine } = await openHarness();
  for (const [spec, algorithm] of SIGNING_CASES) {
    const { KeyMetadata: m } = await call('CreateKey', { KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
    assert.ok(m.SigningAlgorithms.includes(algorithm), `${spec} lists ${algorithm}`);
    const publicKey = createPublicKey({ key: Buffer.from((await call('GetPublicKey', { KeyId: m.KeyId })).PublicKey, 'base64'), format: 'der', type: 'spki' });
    const message = Buffer.from(`message for ${algorithm}`);
    const hash = `sha${algorithm.slice(-3)}`;
    const digest = createHash(hash).update(message).digest();
    const options = algorithm.startsWith('RSASSA_PSS') ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length } : publicKey;
    for (const [messageType, payload] of [['RAW', message], ['DIGEST', digest]] as const) {
      const signed = await call('Sign', { KeyId: m.KeyId, Message: b64(payload), MessageType: messageType, SigningAlgorithm: algorithm });
      assert.equal(signed.SigningAlgorithm, algorithm);
      const signature = Buffer.from(signed.Signature, 'base64');
      assert.ok(nodeVerify(hash, message, options, signature), `${spec} ${algorithm} ${messageType} verifies with OpenSSL`);
      const verified = await call('Verify', { KeyId: m.KeyId, Message: b64(payload), MessageType: messageType, Signature: signed.Signature, SigningAlgorithm: algorithm });
      assert.equal(verified.SignatureValid, true);
    }
    const bad = await fail('Verify', { KeyId: m.KeyId, Message: b64('other'), Signature: b64(Buffer.alloc(64, 1)), SigningAlgorithm: algorithm });
    assert.equal(bad.errorName, 'KMSInvalidSignatureException');
    assert.equal(bad.message, '');
    const badDigest = await fail('Sign', { KeyId: m.KeyId, Message: b64('short'), MessageType: 'DIGEST', SigningAlgorithm: algorithm });
    assert.equal(badDigest.message, `Digest is invalid length for algorithm ${algorithm}.`);
  }
  await engine.close();
});

test('Ed25519 signs raw messages and, with ED25519_PH_SHA_512, SHA-512 digests', async () => {
  const { call, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', { KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' });
  const publicKey = createPublicKey({ key: Buffer.from((await call('GetPublicKey', { KeyId: m.KeyId })).PublicKey, 'base64'), format: 'der', type: 'spki' });
  const signed = await call('Sign', { KeyId: m.KeyId, Message: b64('hello'), SigningAlgorithm: 'ED25519_SHA_512' });
  assert.ok(nodeVerify(null, Buffer.from('hello'), publicKey, Buffer.from(signed.Signature, 'base64')));
  const digest = createHash('sha512').update('hello').digest();
  const ph = await call('Sign', { KeyId: m.KeyId, Message: b64(digest), MessageType: 'DIGEST', SigningAlgorithm: 'ED25519_PH_SHA_512' });
  assert.equal((await call('Verify', { KeyId: m.KeyId, Message: b64(digest), MessageType: 'DIGEST', Signature: ph.Signature, SigningAlgorithm: 'ED25519_PH_SHA_512' })).SignatureValid, true);
  await engine.close();
});

test('RSA OAEP Encrypt/Decrypt with its size limits, and ReEncrypt to a symmetric key', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: rsa } = await call('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
  const { KeyMetadata: sym } = await call('CreateKey', {});
  const enc = await call('Encrypt', { KeyId: rsa.KeyId, Plaintext: b64('rsa secret'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  const dec = await call('Decrypt', { KeyId: rsa.KeyId, CiphertextBlob: enc.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  assert.equal(Buffer.from(dec.Plaintext, 'base64').toString(), 'rsa secret');
  const tooLarge = await fail('Encrypt', { KeyId: rsa.KeyId, Plaintext: b64(Buffer.alloc(191)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  assert.equal(tooLarge.message, 'Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.');
  const tooLarge1 = await fail('Encrypt', { KeyId: rsa.KeyId, Plaintext: b64(Buffer.alloc(215)), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  assert.equal(tooLarge1.message, 'Algorithm RSAES_OAEP_SHA_1 and key spec RSA_2048 cannot encrypt data larger than 214 bytes.');
  const re = await call('ReEncrypt', { CiphertextBlob: enc.CiphertextBlob, SourceKeyId: rsa.KeyId, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: sym.KeyId });
  assert.equal(re.SourceKeyId, rsa.Arn);
  assert.equal(re.KeyId, sym.Arn);
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: re.CiphertextBlob })).Plaintext, 'base64').toString(), 'rsa secret');
  const wrongSource = await fail('ReEncrypt', { CiphertextBlob: re.CiphertextBlob, SourceKeyId: rsa.KeyId, DestinationKeyId: sym.KeyId });
  assert.ok(['IncorrectKeyException', 'InvalidKeyUsageException'].includes(wrongSource.errorName));
  await engine.close();
});

test('GenerateMac/VerifyMac with the HMAC specs and AWS error texts', async () => {
  const { call, fail, engine } = await openHarness();
  for (const bits of [224, 256, 384, 512]) {
    const { KeyMetadata: m } = await call('CreateKey', { KeySpec: `HMAC_${bits}`, KeyUsage: 'GENERATE_VERIFY_MAC' });
    assert.deepEqual(m.MacAlgorithms, [`HMAC_SHA_${bits}`]);
    assert.equal(m.CurrentKeyMaterialId, undefined);
    const mac = await call('GenerateMac', { KeyId: m.KeyId, Message: b64('msg'), MacAlgorithm: `HMAC_SHA_${bits}` });
    assert.equal(Buffer.from(mac.Mac, 'base64').length, bits / 8);
    assert.equal((await call('VerifyMac', { KeyId: m.KeyId, Message: b64('msg'), Mac: mac.Mac, MacAlgorithm: `HMAC_SHA_${bits}` })).MacValid, true);
    const wrong = await fail('VerifyMac', { KeyId: m.KeyId, Message: b64('other'), Mac: mac.Mac, MacAlgorithm: `HMAC_SHA_${bits}` });
    assert.deepEqual([wrong.errorName, wrong.message], ['KMSInvalidMacException', '']);
  }
  const { KeyMetadata: h224 } = await call('CreateKey', { KeySpec: 'HMAC_224', KeyUsage: 'GENERATE_VERIFY_MAC' });
  assert.equal((await fail('GenerateMac', { KeyId: h224.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })).message, 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.');
  assert.equal((await fail('GenerateMac', { KeyId: h224.KeyId, Message: b64('m'), MacAlgorithm: 'INVALID' })).message,
    "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]");
  assert.equal((await fail('GenerateMac', { KeyId: 'key_id', Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })).message, "Invalid keyId 'key_id'");
  const { KeyMetadata: sym } = await call('CreateKey', {});
  assert.equal((await fail('GenerateMac', { KeyId: sym.KeyId, Message: b64('m'), MacAlgorithm: 'HMAC_SHA_256' })).message, `${sym.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`);
  assert.equal((await fail('Sign', { KeyId: h224.KeyId, Message: b64('m'), SigningAlgorithm: 'ECDSA_SHA_256' })).message, `${h224.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.`);
  await engine.close();
});

test('DeriveSharedSecret agrees with the peer side of ECDH; bad input gets AWS errors', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
  assert.deepEqual(m.KeyAgreementAlgorithms, ['ECDH']);
  const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const derived = await call('DeriveSharedSecret', { KeyId: m.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64(peer.publicKey.export({ type: 'spki', format: 'der' })) });
  const kmsPublic = createPublicKey({ key: Buffer.from((await call('GetPublicKey', { KeyId: m.KeyId })).PublicKey, 'base64'), format: 'der', type: 'spki' });
  assert.equal(derived.SharedSecret, diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic }).toString('base64'));
  assert.equal(derived.KeyOrigin, 'AWS_KMS');
  assert.deepEqual(
    [(await fail('DeriveSharedSecret', { KeyId: m.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64('garbage') })).message],
    [''],
  );
  assert.equal((await fail('DeriveSharedSecret', { KeyId: m.KeyId, KeyAgreementAlgorithm: 'INVALID', PublicKey: b64('x') })).message,
    "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]");
  assert.equal((await fail('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'KEY_AGREEMENT' })).message, 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048');
  await engine.close();
});

test('GenerateDataKeyPair returns a matching pair whose private key decrypts back; DryRun answers AWS text', async () => {
  const { call, fail, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', {});
  const pair = await call('GenerateDataKeyPair', { KeyId: m.KeyId, KeyPairSpec: 'ECC_NIST_P256', EncryptionContext: { a: 'b' } });
  assert.equal(pair.KeyPairSpec, 'ECC_NIST_P256');
  const decrypted = await call('Decrypt', { CiphertextBlob: pair.PrivateKeyCiphertextBlob, EncryptionContext: { a: 'b' } });
  assert.equal(decrypted.Plaintext, pair.PrivateKeyPlaintext);
  const derivedPublic = createPublicKey(createPrivateKey({ key: Buffer.from(pair.PrivateKeyPlaintext, 'base64'), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  assert.equal(derivedPublic.toString('base64'), pair.PublicKey);
  const without = await call('GenerateDataKeyPairWithoutPlaintext', { KeyId: m.KeyId, KeyPairSpec: 'RSA_2048' });
  assert.equal(without.PrivateKeyPlaintext, undefined);
  const dry = await fail('GenerateDataKeyPair', { KeyId: m.KeyId, KeyPairSpec: 'RSA_2048', DryRun: true });
  assert.deepEqual([dry.errorName, dry.message], ['DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.']);
  await engine.close();
});
