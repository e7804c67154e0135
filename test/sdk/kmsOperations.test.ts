// Every KMS operation the engine serves, driven through @aws-sdk/client-kms both in process
// and over loopback HTTP against `kms-policy serve`, with the response shapes of the AWS model.
import assert from 'node:assert/strict';
import {
  constants as cryptoConstants,
  createCipheriv,
  createHash,
  createPublicKey,
  createVerify,
  diffieHellman,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  verify as cryptoVerify,
} from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DeleteImportedKeyMaterialCommand,
  DeriveSharedSecretCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  GetParametersForImportCommand,
  GetPublicKeyCommand,
  ImportKeyMaterialCommand,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyPoliciesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ListRetirableGrantsCommand,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  ReplicateKeyCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  UpdatePrimaryRegionCommand,
  VerifyCommand,
  VerifyMacCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { ACCOUNT_ID, eventually, expectKmsError, httpTransport, inProcessTransport, type KmsTransport } from './support/kmsTransports';

const te = new TextEncoder();
const td = new TextDecoder();

for (const open of [inProcessTransport, httpTransport]) {
  describe(`KMS operations through @aws-sdk/client-kms (${open === inProcessTransport ? 'in process' : 'over HTTP'})`, () => {
    let transport: KmsTransport;
    let kms: KMSClient;

    before(async () => {
      transport = await open();
      kms = transport.kms();
    });
    after(() => transport?.close());

    async function newKey(input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) {
      const { KeyMetadata } = await kms.send(new CreateKeyCommand(input));
      assert.ok(KeyMetadata?.KeyId);
      return KeyMetadata;
    }

    it('CreateKey, DescribeKey, ListKeys and UpdateKeyDescription for a symmetric key', async () => {
      const key = await newKey({ Description: 'orders', Tags: [{ TagKey: 'team', TagValue: 'payments' }] });
      assert.match(key.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(key.Arn, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${key.KeyId}`);
      assert.equal(key.AWSAccountId, ACCOUNT_ID);
      assert.equal(key.KeyState, 'Enabled');
      assert.equal(key.Enabled, true);
      assert.equal(key.KeySpec, 'SYMMETRIC_DEFAULT');
      assert.equal(key.KeyUsage, 'ENCRYPT_DECRYPT');
      assert.equal(key.Origin, 'AWS_KMS');
      assert.equal(key.KeyManager, 'CUSTOMER');
      assert.equal(key.MultiRegion, false);
      assert.deepEqual(key.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
      assert.ok(key.CreationDate instanceof Date);

      const described = await kms.send(new DescribeKeyCommand({ KeyId: key.Arn }));
      assert.equal(described.KeyMetadata?.Description, 'orders');
      await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'orders v2' }));
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.Description, 'orders v2');

      const listed = await kms.send(new ListKeysCommand({}));
      assert.ok(listed.Keys?.some((k) => k.KeyId === key.KeyId && k.KeyArn === key.Arn));
    });

    it('ListKeys pages with Limit and Marker', async () => {
      await newKey();
      await newKey();
      const first = await kms.send(new ListKeysCommand({ Limit: 1 }));
      assert.equal(first.Keys?.length, 1);
      assert.equal(first.Truncated, true);
      assert.ok(first.NextMarker);
      const second = await kms.send(new ListKeysCommand({ Limit: 1, Marker: first.NextMarker }));
      assert.equal(second.Keys?.length, 1);
      assert.notEqual(second.Keys?.[0]?.KeyId, first.Keys?.[0]?.KeyId);
    });

    it('Encrypt and Decrypt with an exact, case-sensitive encryption context', async () => {
      const key = await newKey();
      const context = { tenant: 'Acme', purpose: 'invoice' };
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('hello'), EncryptionContext: context }));
      assert.equal(enc.KeyId, key.Arn);
      assert.equal(enc.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }));
      assert.equal(td.decode(dec.Plaintext), 'hello');
      assert.equal(dec.KeyId, key.Arn);
      await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: 'acme', purpose: 'invoice' } })), 'InvalidCiphertextException', '');
      await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'InvalidCiphertextException', '');
    });

    it('Encrypt refuses more than 4096 bytes of plaintext', async () => {
      const key = await newKey();
      await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(4096) }));
      await expectKmsError(
        kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(4097) })),
        'ValidationException',
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
      );
    });

    it('aliases: CreateAlias, UpdateAlias, ListAliases, DeleteAlias, and using a key by alias', async () => {
      const a = await newKey();
      const b = await newKey();
      const alias = `alias/orders-${Date.now()}`;
      await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: a.KeyId }));
      const enc = await kms.send(new EncryptCommand({ KeyId: alias, Plaintext: te.encode('x') }));
      assert.equal(enc.KeyId, a.Arn);
      const byArn = await kms.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:${alias}` }));
      assert.equal(byArn.KeyMetadata?.KeyId, a.KeyId);
      await kms.send(new UpdateAliasCommand({ AliasName: alias, TargetKeyId: b.KeyId }));
      const listed = await kms.send(new ListAliasesCommand({ KeyId: b.KeyId }));
      assert.deepEqual(listed.Aliases?.map((x) => [x.AliasName, x.TargetKeyId, x.AliasArn]), [[alias, b.KeyId, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:${alias}`]]);
      await kms.send(new DeleteAliasCommand({ AliasName: alias }));
      assert.equal((await kms.send(new ListAliasesCommand({ KeyId: b.KeyId }))).Aliases?.length, 0);
      await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: alias })), 'NotFoundException');
    });

    it('GenerateDataKey, GenerateDataKeyWithoutPlaintext and ReEncrypt', async () => {
      const a = await newKey();
      const b = await newKey();
      const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: a.KeyId, KeySpec: 'AES_256', EncryptionContext: { k: 'v' } }));
      assert.equal(dk.Plaintext?.length, 32);
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { k: 'v' } }));
      assert.deepEqual(Buffer.from(opened.Plaintext!), Buffer.from(dk.Plaintext!));
      const dk16 = await kms.send(new GenerateDataKeyCommand({ KeyId: a.KeyId, NumberOfBytes: 16 }));
      assert.equal(dk16.Plaintext?.length, 16);
      const wp = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: a.KeyId, KeySpec: 'AES_128' }));
      assert.ok(!('Plaintext' in wp));
      assert.equal((await kms.send(new DecryptCommand({ CiphertextBlob: wp.CiphertextBlob }))).Plaintext?.length, 16);

      const re = await kms.send(new ReEncryptCommand({
        CiphertextBlob: dk.CiphertextBlob,
        SourceEncryptionContext: { k: 'v' },
        DestinationKeyId: b.KeyId,
        DestinationEncryptionContext: { moved: 'yes' },
      }));
      assert.equal(re.SourceKeyId, a.Arn);
      assert.equal(re.KeyId, b.Arn);
      const back = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { moved: 'yes' } }));
      assert.deepEqual(Buffer.from(back.Plaintext!), Buffer.from(dk.Plaintext!));
      await expectKmsError(kms.send(new GenerateDataKeyCommand({ KeyId: a.KeyId })), 'ValidationException');
    });

    it('GenerateRandom', async () => {
      const r = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 64 }));
      assert.equal(r.Plaintext?.length, 64);
      await expectKmsError(kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })), 'ValidationException');
    });

    it('RSA keys: Encrypt with OAEP, GetPublicKey, Sign and Verify (PSS and PKCS#1, RAW and DIGEST)', async () => {
      const enc = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
      assert.deepEqual([...(enc.EncryptionAlgorithms ?? [])].sort(), ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
      const pub = await kms.send(new GetPublicKeyCommand({ KeyId: enc.KeyId }));
      assert.equal(pub.KeySpec, 'RSA_2048');
      const publicKey = createPublicKey({ key: Buffer.from(pub.PublicKey!), format: 'der', type: 'spki' });
      // Encrypted outside KMS with the public key, decrypted inside: the key pair is real.
      const outside = publicEncrypt({ key: publicKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, te.encode('rsa secret'));
      const dec = await kms.send(new DecryptCommand({ KeyId: enc.KeyId, CiphertextBlob: outside, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      assert.equal(td.decode(dec.Plaintext), 'rsa secret');
      const inside = await kms.send(new EncryptCommand({ KeyId: enc.KeyId, Plaintext: te.encode('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }));
      assert.equal(td.decode((await kms.send(new DecryptCommand({ KeyId: enc.KeyId, CiphertextBlob: inside.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }))).Plaintext), 'x');

      const signing = await newKey({ KeySpec: 'RSA_3072', KeyUsage: 'SIGN_VERIFY' });
      const signingPub = createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: signing.KeyId }))).PublicKey!), format: 'der', type: 'spki' });
      const message = te.encode('signed message');
      for (const algorithm of ['RSASSA_PSS_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_256'] as const) {
        const sig = await kms.send(new SignCommand({ KeyId: signing.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: algorithm }));
        assert.equal(sig.SigningAlgorithm, algorithm);
        const ok = await kms.send(new VerifyCommand({ KeyId: signing.KeyId, Message: message, MessageType: 'RAW', Signature: sig.Signature, SigningAlgorithm: algorithm }));
        assert.equal(ok.SignatureValid, true);
        const padding = algorithm.startsWith('RSASSA_PSS') ? cryptoConstants.RSA_PKCS1_PSS_PADDING : cryptoConstants.RSA_PKCS1_PADDING;
        assert.ok(cryptoVerify('sha256', message, { key: signingPub, padding, saltLength: 32 }, Buffer.from(sig.Signature!)), `${algorithm} verifies outside KMS`);
        await expectKmsError(
          kms.send(new VerifyCommand({ KeyId: signing.KeyId, Message: te.encode('tampered'), MessageType: 'RAW', Signature: sig.Signature, SigningAlgorithm: algorithm })),
          'KMSInvalidSignatureException',
        );
      }
      const digest = createHash('sha256').update(message).digest();
      const digestSig = await kms.send(new SignCommand({ KeyId: signing.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }));
      const v = createVerify('sha256');
      v.update(message);
      assert.ok(v.verify(signingPub, Buffer.from(digestSig.Signature!)));
    });

    it('elliptic-curve keys: ECDSA on P-256, P-384, P-521, secp256k1 and Ed25519', async () => {
      for (const [spec, algorithm, hash] of [
        ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256'],
        ['ECC_NIST_P384', 'ECDSA_SHA_384', 'sha384'],
        ['ECC_NIST_P521', 'ECDSA_SHA_512', 'sha512'],
        ['ECC_SECG_P256K1', 'ECDSA_SHA_256', 'sha256'],
      ] as const) {
        const key = await newKey({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
        const message = te.encode(`message for ${spec}`);
        const sig = await kms.send(new SignCommand({ KeyId: key.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: algorithm }));
        const pub = createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }))).PublicKey!), format: 'der', type: 'spki' });
        assert.ok(cryptoVerify(hash, message, pub, Buffer.from(sig.Signature!)), `${spec} signature verifies outside KMS`);
        assert.equal((await kms.send(new VerifyCommand({ KeyId: key.KeyId, Message: message, MessageType: 'RAW', Signature: sig.Signature, SigningAlgorithm: algorithm }))).SignatureValid, true);
      }
      const ed = await newKey({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' });
      const message = te.encode('edwards');
      const sig = await kms.send(new SignCommand({ KeyId: ed.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }));
      const pub = createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: ed.KeyId }))).PublicKey!), format: 'der', type: 'spki' });
      assert.ok(cryptoVerify(null, message, pub, Buffer.from(sig.Signature!)));
    });

    it('HMAC keys of every size: GenerateMac gives a MAC of the spec\'s length, VerifyMac accepts it and rejects another message', async () => {
      for (const bits of [224, 256, 384, 512] as const) {
        const key = await newKey({ KeySpec: `HMAC_${bits}`, KeyUsage: 'GENERATE_VERIFY_MAC' });
        const algorithm = `HMAC_SHA_${bits}` as const;
        const mac = await kms.send(new GenerateMacCommand({ KeyId: key.KeyId, Message: te.encode('m'), MacAlgorithm: algorithm }));
        assert.equal(mac.Mac?.length, bits / 8);
        const ok = await kms.send(new VerifyMacCommand({ KeyId: key.KeyId, Message: te.encode('m'), Mac: mac.Mac, MacAlgorithm: algorithm }));
        assert.equal(ok.MacValid, true);
        await expectKmsError(kms.send(new VerifyMacCommand({ KeyId: key.KeyId, Message: te.encode('n'), Mac: mac.Mac, MacAlgorithm: algorithm })), 'KMSInvalidMacException');
      }
    });

    it('GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext', async () => {
      const key = await newKey();
      const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' }));
      assert.equal(pair.KeyPairSpec, 'ECC_NIST_P256');
      assert.ok(pair.PrivateKeyPlaintext && pair.PrivateKeyCiphertextBlob && pair.PublicKey);
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob }));
      assert.deepEqual(Buffer.from(opened.Plaintext!), Buffer.from(pair.PrivateKeyPlaintext));
      createPublicKey({ key: Buffer.from(pair.PublicKey), format: 'der', type: 'spki' });
      const wp = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: key.KeyId, KeyPairSpec: 'RSA_2048' }));
      assert.ok(!('PrivateKeyPlaintext' in wp));
      assert.ok(wp.PublicKey && wp.PrivateKeyCiphertextBlob);
    });

    it('DeriveSharedSecret agrees with ECDH done outside KMS', async () => {
      const key = await newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
      const mine = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const theirPublic = createPublicKey({ key: Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: key.KeyId }))).PublicKey!), format: 'der', type: 'spki' });
      const derived = await kms.send(new DeriveSharedSecretCommand({
        KeyId: key.KeyId,
        KeyAgreementAlgorithm: 'ECDH',
        PublicKey: mine.publicKey.export({ format: 'der', type: 'spki' }),
      }));
      const expected = diffieHellman({ privateKey: mine.privateKey, publicKey: theirPublic });
      assert.deepEqual(Buffer.from(derived.SharedSecret!), expected);
    });

    it('EnableKey and DisableKey change what the key may do', async () => {
      const key = await newKey();
      await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState, 'Disabled');
      await expectKmsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('x') })), 'DisabledException', `${key.Arn} is disabled.`);
      await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
      await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('x') }));
    });

    it('tags: TagResource, UntagResource, ListResourceTags', async () => {
      const key = await newKey({ Tags: [{ TagKey: 'a', TagValue: '1' }] });
      await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'b', TagValue: '2' }] }));
      await kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['a'] }));
      const tags = await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }));
      assert.deepEqual(tags.Tags, [{ TagKey: 'b', TagValue: '2' }]);
      await expectKmsError(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: '1' }] })), 'TagException', 'Tags beginning with aws: are reserved');
    });

    it('key policies: GetKeyPolicy, ListKeyPolicies, PutKeyPolicy with the lockout check', async () => {
      const key = await newKey();
      const policy = JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }))).Policy!);
      assert.equal(policy.Statement[0].Principal.AWS, `arn:aws:iam::${ACCOUNT_ID}:root`);
      assert.deepEqual((await kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames, ['default']);
      const next = {
        Version: '2012-10-17',
        Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'kms:*', Resource: '*' }],
      };
      await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: JSON.stringify(next) }));
      assert.deepEqual(JSON.parse((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy!), next);
      const lockout = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'kms:*', Resource: '*' }] };
      await expectKmsError(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: JSON.stringify(lockout) })), 'MalformedPolicyDocumentException');
      await expectKmsError(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: '{not json' })), 'MalformedPolicyDocumentException');
    });

    it('grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant', async () => {
      const key = await newKey();
      const grantee = `arn:aws:iam::${ACCOUNT_ID}:role/app`;
      const retiring = `arn:aws:iam::${ACCOUNT_ID}:root`;
      const created = await kms.send(new CreateGrantCommand({
        KeyId: key.KeyId,
        GranteePrincipal: grantee,
        RetiringPrincipal: retiring,
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextSubset: { app: 'orders' } },
        Name: 'orders-app',
      }));
      assert.match(created.GrantId!, /^[0-9a-f]{64}$/);
      assert.ok(created.GrantToken);
      const grants = await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }));
      const grant = grants.Grants?.find((g) => g.GrantId === created.GrantId);
      assert.equal(grant?.GranteePrincipal, grantee);
      assert.deepEqual([...(grant?.Operations ?? [])].sort(), ['Decrypt', 'Encrypt']);
      assert.deepEqual(grant?.Constraints, { EncryptionContextSubset: { app: 'orders' } });
      assert.equal(grant?.Name, 'orders-app');
      const retirable = await kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: retiring }));
      assert.ok(retirable.Grants?.some((g) => g.GrantId === created.GrantId));
      await kms.send(new RetireGrantCommand({ KeyId: key.Arn, GrantId: created.GrantId }));
      assert.equal((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants?.length, 0);

      const second = await kms.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['Decrypt'] }));
      await kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: second.GrantId }));
      assert.equal((await kms.send(new ListGrantsCommand({ KeyId: key.KeyId }))).Grants?.length, 0);
      await expectKmsError(kms.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: second.GrantId })), 'NotFoundException');
    });

    it('rotation: EnableKeyRotation with a period, RotateKeyOnDemand, ListKeyRotations; old ciphertexts still decrypt', async () => {
      const key = await newKey();
      const before = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('old') }));
      await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
      const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
      assert.equal(status.KeyRotationEnabled, true);
      assert.equal(status.RotationPeriodInDays, 90);
      assert.ok(status.NextRotationDate instanceof Date);
      await expectKmsError(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 89 })), 'ValidationException');
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      const rotations = await eventually('the on-demand rotation to be listed', async () => {
        const list = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }));
        return list.Rotations?.length ? list : undefined;
      });
      assert.equal(rotations.Rotations?.[0]?.RotationType, 'ON_DEMAND');
      assert.equal(td.decode((await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext), 'old');
      await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
      assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled, false);
    });

    it('ScheduleKeyDeletion and CancelKeyDeletion, and deletion once the clock passes the date', async () => {
      const key = await newKey();
      const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
      assert.equal(scheduled.KeyState, 'PendingDeletion');
      assert.equal(scheduled.PendingWindowInDays, 7);
      assert.ok(scheduled.DeletionDate instanceof Date);
      await expectKmsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('x') })), 'KMSInvalidStateException');
      await expectKmsError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 6 })), 'ValidationException');
      await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState, 'Disabled');

      const doomed = await newKey();
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
      await transport.advanceClock(8 * 24 * 3600 * 1000);
      await eventually('the key to be deleted', async () => {
        try {
          await kms.send(new DescribeKeyCommand({ KeyId: doomed.KeyId }));
          return undefined;
        } catch (error) {
          return (error as Error).name === 'NotFoundException' ? true : undefined;
        }
      });
    });

    it('imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial', async () => {
      const key = await newKey({ Origin: 'EXTERNAL' });
      assert.equal(key.KeyState, 'PendingImport');
      const params = await kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
      assert.ok(params.ImportToken && params.PublicKey && params.ParametersValidTo instanceof Date);
      const material = randomBytes(32);
      const wrapped = publicEncrypt(
        { key: createPublicKey({ key: Buffer.from(params.PublicKey), format: 'der', type: 'spki' }), padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        material,
      );
      await kms.send(new ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState, 'Enabled');
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('imported') }));
      assert.equal(td.decode((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext), 'imported');
      await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
      assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState, 'PendingImport');
    });

    it('imports key material wrapped with RSA_AES_KEY_WRAP_SHA_256 (AES key wrap with padding under RSA-OAEP)', async () => {
      const key = await newKey({ Origin: 'EXTERNAL' });
      const params = await kms.send(new GetParametersForImportCommand({ KeyId: key.KeyId, WrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', WrappingKeySpec: 'RSA_3072' }));
      const material = randomBytes(32);
      const aesKey = randomBytes(32);
      const kwp = createCipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('a65959a6', 'hex'));
      const wrappedMaterial = Buffer.concat([kwp.update(material), kwp.final()]);
      const wrappedKey = publicEncrypt(
        { key: createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' }), padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        aesKey,
      );
      await kms.send(new ImportKeyMaterialCommand({
        KeyId: key.KeyId,
        ImportToken: params.ImportToken,
        EncryptedKeyMaterial: Buffer.concat([wrappedKey, wrappedMaterial]),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }));
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('wrapped twice') }));
      assert.equal(td.decode((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext), 'wrapped twice');
    });

    it('ReEncrypt from an RSA key (OAEP) to a symmetric key', async () => {
      const rsa = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
      const symmetric = await newKey();
      const enc = await kms.send(new EncryptCommand({ KeyId: rsa.KeyId, Plaintext: te.encode('moving'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      const re = await kms.send(new ReEncryptCommand({
        CiphertextBlob: enc.CiphertextBlob,
        SourceKeyId: rsa.KeyId,
        SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        DestinationKeyId: symmetric.KeyId,
      }));
      assert.equal(re.SourceKeyId, rsa.Arn);
      assert.equal(td.decode((await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }))).Plaintext), 'moving');
    });

    it('multi-Region keys: ReplicateKey, decrypting across Regions, UpdatePrimaryRegion', async () => {
      const primary = await newKey({ MultiRegion: true });
      assert.match(primary.KeyId!, /^mrk-[0-9a-f]{32}$/);
      assert.equal(primary.MultiRegionConfiguration?.MultiRegionKeyType, 'PRIMARY');
      const replicated = await kms.send(new ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'eu-west-1' }));
      assert.equal(replicated.ReplicaKeyMetadata?.KeyId, primary.KeyId);
      assert.equal(replicated.ReplicaKeyMetadata?.Arn, `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/${primary.KeyId}`);
      const eu = transport.kms({ region: 'eu-west-1' });
      await eventually('the replica to be enabled', async () => {
        const d = await eu.send(new DescribeKeyCommand({ KeyId: primary.KeyId }));
        return d.KeyMetadata?.KeyState === 'Enabled' ? true : undefined;
      });
      const enc = await kms.send(new EncryptCommand({ KeyId: primary.KeyId, Plaintext: te.encode('everywhere') }));
      const dec = await eu.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(td.decode(dec.Plaintext), 'everywhere');
      assert.equal(dec.KeyId, `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/${primary.KeyId}`);
      await kms.send(new UpdatePrimaryRegionCommand({ KeyId: primary.KeyId, PrimaryRegion: 'eu-west-1' }));
      const now = await eventually('eu-west-1 to become primary', async () => {
        const d = await eu.send(new DescribeKeyCommand({ KeyId: primary.KeyId }));
        return d.KeyMetadata?.MultiRegionConfiguration?.MultiRegionKeyType === 'PRIMARY' ? d : undefined;
      });
      assert.equal(now.KeyMetadata?.MultiRegionConfiguration?.PrimaryKey?.Region, 'eu-west-1');
    });

    it('DryRun answers DryRunOperationException and changes nothing', async () => {
      const key = await newKey();
      await expectKmsError(
        kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('x'), DryRun: true })),
        'DryRunOperationException',
        'The request would have succeeded, but the DryRun option is set.',
      );
    });

    it('an unknown key answers NotFoundException with AWS\'s text', async () => {
      const arn = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000`;
      await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: arn })), 'NotFoundException', `Key '${arn}' does not exist`);
      await expectKmsError(kms.send(new DescribeKeyCommand({ KeyId: 'fake-key-id' })), 'NotFoundException', "Invalid keyId 'fake-key-id'");
    });
  });
}
