// Durability of `kms-policy serve --store`: a SIGKILL in the middle of a stream of writes loses
// no acknowledged key or grant and leaves a store that opens; no ciphertext answered under a key
// or a rotation that a kill could take away; a full disk or a read-only store makes writes fail
// cleanly (500, no path in the message) and leaves nothing in memory that is not on disk; a
// second serve on the same store is refused with a clear message instead of corrupting it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  KMSClient,
  KMSInternalException,
  ListGrantsCommand,
  ListKeysCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { ROOT_CREDENTIALS, scratchDir } from './support/kmsTransports';
import { runServeToExit, startServe } from './support/serveProcess';

const WRITERS = 8;
const KILL_TRIALS = Number(process.env.KILL_TRIALS ?? 12);

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

  it('answers no Encrypt under a key or rotation a SIGKILL could take away: every acknowledged ciphertext decrypts after restart', async (t) => {
    const trialStore = scratchDir('kms-crash-encrypt-');
    let acknowledgedWrites = 0;
    let acknowledgedCiphertexts = 0;
    let lost = 0;
    try {
      for (let trial = 0; trial < KILL_TRIALS; trial++) {
        const serve = await startServe(['--store', trialStore.path], env);
        const kms = kmsAt(serve.url);
        const ciphertexts: Uint8Array[] = [];
        let killed = false;
        // Each worker creates a key and at once encrypts under it, then rotates it while other
        // requests encrypt under it: every answer races a write that may not be durable yet.
        const worker = async (id: number) => {
          while (!killed) {
            try {
              const key = await kms.send(new CreateKeyCommand({ Description: `trial ${trial} worker ${id}` }));
              acknowledgedWrites++;
              const KeyId = key.KeyMetadata!.KeyId!;
              const encrypt = async () => {
                const out = await kms.send(new EncryptCommand({ KeyId, Plaintext: Buffer.from(`trial ${trial}`) }));
                ciphertexts.push(out.CiphertextBlob!);
              };
              await encrypt();
              for (let rotation = 0; rotation < 3 && !killed; rotation++) {
                await Promise.all([
                  kms.send(new RotateKeyOnDemandCommand({ KeyId })).then(() => acknowledgedWrites++),
                  encrypt(),
                  encrypt(),
                ]);
              }
            } catch (error) {
              if (!killed) throw error;
            }
          }
        };
        const working = Promise.all(Array.from({ length: 6 }, (_, id) => worker(id)));
        // Kill at a different moment each trial, once some answers were given.
        await new Promise((resolve) => setTimeout(resolve, 150 + ((trial * 97) % 400)));
        killed = true;
        serve.child.kill('SIGKILL');
        await working;
        await serve.exited;
        kms.destroy();
        acknowledgedCiphertexts += ciphertexts.length;

        const again = await startServe(['--store', trialStore.path], env);
        const check = kmsAt(again.url);
        for (const CiphertextBlob of ciphertexts) {
          try {
            const { Plaintext } = await check.send(new DecryptCommand({ CiphertextBlob }));
            if (Buffer.from(Plaintext!).toString() !== `trial ${trial}`) lost++;
          } catch {
            lost++;
          }
        }
        check.destroy();
        await again.stop();
      }
    } finally {
      trialStore.remove();
    }
    t.diagnostic(`${KILL_TRIALS} SIGKILL trials: ${acknowledgedWrites} acknowledged writes (CreateKey, RotateKeyOnDemand), ${acknowledgedCiphertexts} acknowledged ciphertexts, ${lost} lost`);
    assert.ok(acknowledgedCiphertexts > 0);
    assert.equal(lost, 0, `${lost} of ${acknowledgedCiphertexts} acknowledged ciphertexts could not be decrypted after SIGKILL`);
  });

  describe('on a small tmpfs (mounted by the test; needs root or CAP_SYS_ADMIN)', () => {
    const mountPoint = scratchDir('kms-tmpfs-');
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mountPoint.path], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // Without the right to mount, the same failures are simulated through the store backend in
      // test/unit/engine/durableAnswers.test.ts.
    }
    const skip = mounted ? false : 'cannot mount a tmpfs here: ENOSPC and EROFS are covered by test/unit/engine/durableAnswers.test.ts';
    after(() => {
      if (mounted) execFileSync('umount', [mountPoint.path]);
      mountPoint.remove();
    });

    it('a full disk fails the write with a 500 naming no path, keeps nothing of it, and every acknowledged key and ciphertext survives', { skip }, async (t) => {
      const dir = join(mountPoint.path, 'full');
      mkdirSync(dir);
      const serve = await startServe(['--store', dir], env);
      const kms = kmsAt(serve.url);
      const acknowledged: string[] = [];
      const ciphertexts: Uint8Array[] = [];
      try {
        // Leave a little room, then write until the disk is full.
        const filler = join(mountPoint.path, 'filler');
        let room = 2 * 1024 * 1024 - 64 * 1024;
        while (room > 0) {
          try {
            writeFileSync(filler, Buffer.alloc(room));
            break;
          } catch {
            room -= 64 * 1024;
          }
        }
        let failure: unknown;
        for (let i = 0; i < 2000 && !failure; i++) {
          try {
            const key = await kms.send(new CreateKeyCommand({ Description: 'x'.repeat(2000) }));
            acknowledged.push(key.KeyMetadata!.KeyId!);
            ciphertexts.push((await kms.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId!, Plaintext: Buffer.from('kept') }))).CiphertextBlob!);
          } catch (error) {
            failure = error;
          }
        }
        assert.ok(failure instanceof KMSInternalException, `the write failed as KMSInternalException: ${String(failure)}`);
        assert.equal(failure.$metadata.httpStatusCode, 500);
        assert.match(failure.message, /ENOSPC/);
        assert.doesNotMatch(failure.message, /\//, `the message names no path: ${failure.message}`);
        const listed = await kms.send(new ListKeysCommand({ Limit: 1000 }));
        assert.deepEqual(listed.Keys!.map((k) => k.KeyId).sort(), [...acknowledged].sort(), 'the failed CreateKey left no key in memory');
        // Room again: writes succeed, and what was acknowledged before is all there after a restart.
        execFileSync('rm', ['-f', filler]);
        acknowledged.push((await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
        kms.destroy();
        await serve.stop();
        const again = await startServe(['--store', dir], env);
        const check = kmsAt(again.url);
        const stored = await allKeyIds(check);
        const missing = acknowledged.filter((id) => !stored.has(id));
        let lost = 0;
        for (const CiphertextBlob of ciphertexts) await check.send(new DecryptCommand({ CiphertextBlob })).catch(() => lost++);
        t.diagnostic(`disk full after ${acknowledged.length - 1} keys; ${missing.length} acknowledged keys and ${lost} of ${ciphertexts.length} ciphertexts lost`);
        assert.deepEqual(missing, []);
        assert.equal(lost, 0);
        check.destroy();
        await again.stop();
      } finally {
        kms.destroy();
        await serve.stop();
        execFileSync('rm', ['-rf', dir, join(mountPoint.path, 'filler')]);
      }
    });

    it('a read-only store opens and serves reads; writes fail with a 500 naming no path and leave nothing in memory', { skip }, async (t) => {
      const dir = join(mountPoint.path, 'readonly');
      mkdirSync(dir);
      const serve = await startServe(['--store', dir], env);
      const kms = kmsAt(serve.url);
      const kept = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: kept, Plaintext: Buffer.from('still served') }));
      kms.destroy();
      await serve.stop();
      // A file system cannot become read-only while the store has files open for writing, so
      // the store is made read-only between two runs (a store on read-only media; a disk that
      // turns read-only mid-run is simulated in test/unit/engine/durableAnswers.test.ts).
      execFileSync('mount', ['-o', 'remount,ro', mountPoint.path]);
      try {
        const again = await startServe(['--store', dir], env);
        const check = kmsAt(again.url);
        try {
          assert.equal(Buffer.from((await check.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!).toString(), 'still served');
          const failure = await check.send(new CreateKeyCommand({})).then(() => undefined, (error: unknown) => error);
          assert.ok(failure instanceof KMSInternalException, `CreateKey failed as KMSInternalException: ${String(failure)}`);
          assert.equal(failure.$metadata.httpStatusCode, 500);
          assert.match(failure.message, /EROFS/);
          assert.doesNotMatch(failure.message, /\//, `the message names no path: ${failure.message}`);
          const rotation = await check.send(new RotateKeyOnDemandCommand({ KeyId: kept })).then(() => undefined, (error: unknown) => error);
          assert.ok(rotation instanceof KMSInternalException);
          const listed = await check.send(new ListKeysCommand({}));
          assert.deepEqual(listed.Keys!.map((k) => k.KeyId), [kept], 'the refused CreateKey left no key in memory');
          const { CiphertextBlob: after } = await check.send(new EncryptCommand({ KeyId: kept, Plaintext: Buffer.from('after') }));
          assert.equal(Buffer.from((await check.send(new DecryptCommand({ CiphertextBlob: after }))).Plaintext!).toString(), 'after', 'the refused rotation left no material in use');
          t.diagnostic(`read-only store: writes answered ${failure.$metadata.httpStatusCode} "${failure.message}"`);
        } finally {
          check.destroy();
          await again.stop();
        }
      } finally {
        execFileSync('mount', ['-o', 'remount,rw', mountPoint.path]);
        execFileSync('rm', ['-rf', dir]);
      }
    });
  });
});
