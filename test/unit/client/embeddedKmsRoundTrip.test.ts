// The client's path to the embedded engine, without VS Code: a KMSClient whose request handler
// forwards signed requests (as the language client would) to the engine's wire handler.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { EmbeddedBackend } from '../../../client/src/kms/embeddedBackend';
import { decryptText, decryptTextWithKey, encryptText, MAX_DIRECT_PLAINTEXT_BYTES } from '../../../client/src/encryption/selectionCrypto';
import { listKeys } from '../../../client/src/kms/keyListing';
import { isAccessDenied } from '../../../client/src/kms/kmsErrorMessage';
import { openServedEngine, servedPrincipals } from '../../../server/src/http/servedEngine';
import { handleWireRequest } from '../../../server/src/http/wireRequestHandler';
import type { EngineInfoResult } from '../../../server/src/protocol';

async function embedded(environmentFile?: string) {
  const served = await openServedEngine({ environmentFile });
  const info: EngineInfoResult = {
    accountId: served.engine.defaultAccountId,
    region: served.engine.defaultRegion,
    principals: servedPrincipals(served.environment),
  };
  const backend = new EmbeddedBackend(async () => info, (request) => handleWireRequest(served.engine, request), () => [], async () => served.clock.now());
  return { backend, served, region: info.region };
}

describe('embedded engine through @aws-sdk/client-kms and the forwarding request handler', () => {
  it('creates and lists a key, and round-trips a small selection as a base64 blob', async () => {
    const { backend, region } = await embedded();
    const client = await backend.client(region);
    const created = await client.send(new CreateKeyCommand({ Description: 'round trip' }));
    const keyArn = created.KeyMetadata?.Arn ?? '';
    assert.match(keyArn, /^arn:aws:kms:/);
    const keys = await listKeys(client);
    assert.ok(keys.some((k) => k.metadata.Arn === keyArn));
    const ciphertext = await encryptText(client, keyArn, 'db-password=hunter2', { app: 'billing' });
    assert.match(ciphertext, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(await decryptText(client, ciphertext, { app: 'billing' }), 'db-password=hunter2');
    assert.deepEqual(await decryptTextWithKey(client, ciphertext, { app: 'billing' }), { text: 'db-password=hunter2', keyId: keyArn, envelope: false });
    await assert.rejects(decryptText(client, ciphertext, {}), (e: Error) => e.name === 'InvalidCiphertextException');
  });

  it('uses an envelope above 4096 bytes and decrypts it back', async () => {
    const { backend, region } = await embedded();
    const client = await backend.client(region);
    const keyArn = (await client.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    const large = 'é'.repeat(MAX_DIRECT_PLAINTEXT_BYTES); // 8192 bytes of UTF-8
    const armored = await encryptText(client, keyArn, large, { env: 'test' });
    assert.match(armored, /^-----BEGIN KMS ENVELOPE-----\nVersion: 1\nKey-Id: arn:aws:kms:/);
    assert.equal(await decryptText(client, armored, {}), large);
    assert.deepEqual(await decryptTextWithKey(client, armored, {}), { text: large, keyId: keyArn, envelope: true });
  });

  it('answers AccessDeniedException to a principal the key policy does not allow', async () => {
    // The demo environment's user alice has no IAM policy for KMS; a new key's default policy
    // only delegates to IAM, so she is refused.
    const { backend, region } = await embedded('examples/kms-environment.json');
    const principals = await backend.principals();
    const root = principals.find((p) => p.arn.endsWith(':root'));
    const alice = principals.find((p) => p.arn.endsWith(':user/alice'));
    assert.ok(root && alice, 'the demo environment has a root user and alice with access keys');
    backend.actAs(root.arn);
    const keyArn = (await (await backend.client(region)).send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    backend.actAs(alice.arn);
    await assert.rejects(encryptText(await backend.client(region), keyArn, 'x', {}), (e: Error) => {
      assert.ok(isAccessDenied(e), `expected AccessDeniedException, got ${e.name}: ${e.message}`);
      assert.match(e.message, /user\/alice is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:/);
      return true;
    });
  });
});
