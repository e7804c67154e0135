// Durability of `kms-policy serve --store`: a SIGKILL in the middle of a stream of writes loses
// no acknowledged key or grant and leaves a store that opens; a second serve on the same store
// is refused with a clear message instead of corrupting it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { CreateGrantCommand, CreateKeyCommand, KMSClient, ListGrantsCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { ROOT_CREDENTIALS, scratchDir } from './support/kmsTransports';
import { runServeToExit, startServe } from './support/serveProcess';

const WRITERS = 8;

function kmsAt(url: string): KMSClient {
  return new KMSClient({ region: 'us-east-1', endpoint: url, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
}

async function allKeyIds(kms: KMSClient): Promise<Set<string>> {
  const ids = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListKeysCommand({ Limit: 1000, Marker: marker }));
    page.Keys?.forEach((k) => ids.add(k.KeyId!));
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return ids;
}

describe('kms-policy serve durability', () => {
  const store = scratchDir('kms-crash-store-');
  const env = { KMS_POLICY_ROOT_KEY: randomBytes(32).toString('hex') };
  after(() => store.remove());

  it('loses no acknowledged key or grant when killed with SIGKILL mid-stream', async (t) => {
    const first = await startServe(['--store', store.path], env);
    const kms = kmsAt(first.url);
    const keys: string[] = [];
    const grants: { keyId: string; grantId: string }[] = [];
    let killed = false;

    const writer = async () => {
      while (!killed) {
        try {
          const key = await kms.send(new CreateKeyCommand({ Description: 'crash test' }));
          keys.push(key.KeyMetadata!.KeyId!);
          const grant = await kms.send(new CreateGrantCommand({
            KeyId: key.KeyMetadata!.KeyId,
            GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
            Operations: ['Decrypt'],
          }));
          grants.push({ keyId: key.KeyMetadata!.KeyId!, grantId: grant.GrantId! });
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, writer));
    // Kill while writes are in flight, once a fair number were acknowledged.
    while (keys.length + grants.length < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    first.child.kill('SIGKILL');
    await writing;
    assert.equal(await first.exited, 'SIGKILL');
    kms.destroy();
    assert.ok(keys.length > 0 && grants.length > 0, 'writes were acknowledged before the kill');
    t.diagnostic(`${keys.length} keys and ${grants.length} grants acknowledged before SIGKILL`);

    const second = await startServe(['--store', store.path], env);
    try {
      const again = kmsAt(second.url);
      const stored = await allKeyIds(again);
      const missingKeys = keys.filter((id) => !stored.has(id));
      assert.deepEqual(missingKeys, [], `${missingKeys.length} of ${keys.length} acknowledged keys were lost`);
      const missingGrants: string[] = [];
      for (const { keyId, grantId } of grants) {
        const listed = await again.send(new ListGrantsCommand({ KeyId: keyId }));
        if (!listed.Grants?.some((g) => g.GrantId === grantId)) missingGrants.push(grantId);
      }
      assert.deepEqual(missingGrants, [], `${missingGrants.length} of ${grants.length} acknowledged grants were lost`);
      again.destroy();
    } finally {
      await second.stop();
    }
  });

  it('refuses a second serve on a store in use, with a message naming the holder', async () => {
    const holder = await startServe(['--store', store.path], env);
    try {
      const refused = await runServeToExit(['--store', store.path], env);
      assert.equal(refused.code, 1);
      assert.match(refused.output, new RegExp(`in use by process ${holder.child.pid}`));
      // The holder is unharmed.
      const kms = kmsAt(holder.url);
      assert.ok((await kms.send(new ListKeysCommand({}))).Keys);
      kms.destroy();
    } finally {
      await holder.stop();
    }
  });

  it('refuses a store encrypted under another root key, leaving it untouched', async () => {
    const other = { KMS_POLICY_ROOT_KEY: randomBytes(32).toString('hex') };
    const refused = await runServeToExit(['--store', store.path], other);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /kms-policy serve: /);
    const reopened = await startServe(['--store', store.path], env);
    await reopened.stop();
  });
});
