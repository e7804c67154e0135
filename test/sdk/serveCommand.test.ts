// `kms-policy serve` as a user meets it: help, mistakes named clearly, the printed endpoint and
// credentials, --clock, an environment file, a port in use, and a clean stop on SIGTERM/SIGINT.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { Agent } from 'node:http';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expectKmsError, scratchDir } from './support/kmsTransports';
import { CLI, adminFetch, assertCliBuilt, runServeToExit, startServe } from './support/serveProcess';

/** Resolves every name to 127.0.0.1, as a hosts-file entry would, so a test can address serve by another name. */
const toLoopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
  options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) as unknown as NonNullable<ConstructorParameters<typeof Agent>[0]>['lookup'];

describe('kms-policy serve', () => {
  const dir = scratchDir('kms-serve-cli-');
  after(() => dir.remove());

  it('prints its usage with --help, including how to move the clock', () => {
    assertCliBuilt();
    const result = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: kms-policy serve/);
    assert.match(result.stdout, /--environment FILE/);
    assert.match(result.stdout, /\/_studio\/clock/);
  });

  it('names the mistake and exits 2 for a bad option', async () => {
    const bad = await runServeToExit(['--port', 'eighty']);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /--port must be a number from 0 to 65535, not 'eighty'/);
    const unknown = await runServeToExit(['--colour']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.output, /unknown option '--colour'/);
  });

  it('prints the endpoint, account, Region and credentials, and stops cleanly on SIGTERM', async () => {
    const serve = await startServe(['--memory']);
    assert.match(serve.output(), /KMS endpoint: http:\/\/127\.0\.0\.1:\d+ {2}account 111122223333 {2}region us-east-1 {2}credentials test\/test/);
    const kms = new KMSClient({ region: 'us-east-1', endpoint: serve.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    assert.ok((await kms.send(new ListKeysCommand({}))).Keys);
    kms.destroy();
    assert.equal(await serve.stop('SIGTERM'), 0);
    assert.match(serve.output(), /Stopped\./);
  });

  it('logs one line per request with --log: operation, access key, result', async () => {
    const serve = await startServe(['--memory', '--log']);
    try {
      const kms = new KMSClient({ region: 'us-east-1', endpoint: serve.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      await kms.send(new ListKeysCommand({}));
      const denied = new KMSClient({ region: 'us-east-1', endpoint: serve.url, credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' }, maxAttempts: 1 });
      await expectKmsError(denied.send(new ListKeysCommand({})), 'InvalidSignatureException');
      kms.destroy();
      denied.destroy();
      const deadline = Date.now() + 3000;
      while (!/InvalidSignatureException/.test(serve.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.match(serve.output(), /ListKeys\s+test\s+OK \(200\) [\d.]+ ms/);
      assert.match(serve.output(), /ListKeys\s+test\s+InvalidSignatureException \(400\)/);
    } finally {
      await serve.stop();
    }
  });

  it('starts with the engine clock moved forward by --clock', async () => {
    const serve = await startServe(['--memory', '--clock', '+30d']);
    try {
      const state = (await (await adminFetch(serve, '/_studio/clock')).json()) as { now: string; offsetMs: number };
      assert.ok(state.offsetMs >= 30 * 86_400_000 && state.offsetMs < 31 * 86_400_000);
      const moved = await adminFetch(serve, '/_studio/clock', { advance: '1d' });
      assert.equal(((await moved.json()) as { offsetMs: number }).offsetMs >= 31 * 86_400_000, true);
      const backwards = await adminFetch(serve, '/_studio/clock', { to: '2001-01-01T00:00:00Z' });
      assert.equal(backwards.status, 400);
      // Far past the clock's bound: refused, and the engine still answers (it once moved anyway and then failed every call).
      const tooFar = await adminFetch(serve, '/_studio/clock', { advance: '100000000d' });
      assert.equal(tooFar.status, 400);
      const kms = new KMSClient({ region: 'us-east-1', endpoint: serve.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      assert.ok((await kms.send(new ListKeysCommand({}))).Keys);
      kms.destroy();
    } finally {
      await serve.stop('SIGINT');
    }
  });

  it('serves the principals of an environment file and lists their access keys', async () => {
    const file = dir.file(
      'kms-environment.json',
      JSON.stringify({
        accounts: [{ id: '444455556666' }],
        principals: [{ arn: 'arn:aws:iam::444455556666:user/dev', accessKeys: [{ accessKeyId: 'AKIADEVEXAMPLE', secretAccessKey: 'dev-secret' }] }],
      }),
    );
    const serve = await startServe(['--memory', '--environment', file]);
    try {
      assert.match(serve.output(), /AKIADEVEXAMPLE\s+acts as arn:aws:iam::444455556666:user\/dev/);
      assert.ok(!serve.output().includes('dev-secret'), 'secrets from the file are not printed');
      const kms = new KMSClient({ region: 'us-east-1', endpoint: serve.url, credentials: { accessKeyId: 'AKIADEVEXAMPLE', secretAccessKey: 'dev-secret' }, maxAttempts: 1 });
      // The user has no identity policy, so even ListKeys is denied: the file's principals are enforced.
      await expectKmsError(kms.send(new ListKeysCommand({})), 'AccessDeniedException', /^User: arn:aws:iam::444455556666:user\/dev is not authorized to perform: kms:ListKeys/);
      kms.destroy();
    } finally {
      await serve.stop();
    }
  });

  it('refuses a broken environment file with the problem and exits 2', async () => {
    const broken = dir.file('broken-environment.json', '{ "principals": [ { "arn": 42 } ] ');
    const result = await runServeToExit(['--memory', '--environment', broken]);
    assert.equal(result.code, 2);
    assert.match(result.output, /broken-environment\.json/);
    const missing = await runServeToExit(['--memory', '--environment', `${dir.path}/nope.json`]);
    assert.equal(missing.code, 2);
    assert.match(missing.output, /Cannot read the environment file .*nope\.json: ENOENT/);
  });

  it('prints a new admin token each start and the curl line that uses it', async () => {
    const first = await startServe(['--memory']);
    const second = await startServe(['--memory']);
    try {
      assert.match(first.adminToken, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(first.adminToken, second.adminToken);
      assert.ok(first.output().includes(`curl -X POST -H 'Authorization: Bearer ${first.adminToken}' -H 'Content-Type: application/json' ${first.url}/_studio/clock`));
      assert.equal((await adminFetch({ ...first, adminToken: second.adminToken }, '/_studio/clock')).status, 401);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('refuses --host 0.0.0.0 while the well-known test/test credentials are accepted, and exits 2', async () => {
    const open = await runServeToExit(['--memory', '--host', '0.0.0.0']);
    assert.equal(open.code, 2);
    assert.match(open.output, /refusing to listen on 0\.0\.0\.0, where other machines can reach it: the environment accepts the well-known credentials test/);
    const file = dir.file(
      'mixed-environment.json',
      JSON.stringify({
        accounts: [{ id: '444455556666' }],
        principals: [
          { arn: 'arn:aws:iam::444455556666:user/dev', accessKeys: [{ accessKeyId: 'AKIADEVEXAMPLE', secretAccessKey: 'a-long-private-secret' }] },
          { arn: 'arn:aws:iam::444455556666:user/ci', accessKeys: [{ accessKeyId: 'AKIACIEXAMPLE', secretAccessKey: 'test' }] },
        ],
      }),
    );
    const mixed = await runServeToExit(['--memory', '--host', '0.0.0.0', '--environment', file]);
    assert.equal(mixed.code, 2);
    assert.match(mixed.output, /well-known credentials AKIACIEXAMPLE/);
  });

  it('binds beyond loopback when every access key is private, and answers only the host names it was told', async () => {
    const file = dir.file(
      'private-environment.json',
      JSON.stringify({
        accounts: [{ id: '444455556666' }],
        principals: [{ arn: 'arn:aws:iam::444455556666:root', accessKeys: [{ accessKeyId: 'AKIAROOTEXAMPLE', secretAccessKey: 'a-long-private-secret' }] }],
      }),
    );
    const serve = await startServe(['--memory', '--host', '0.0.0.0', '--allowed-host', 'kms.internal', '--environment', file]);
    try {
      const port = new URL(serve.url).port;
      const credentials = { accessKeyId: 'AKIAROOTEXAMPLE', secretAccessKey: 'a-long-private-secret' };
      const local = new KMSClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials, maxAttempts: 1 });
      assert.ok((await local.send(new ListKeysCommand({}))).Keys);
      local.destroy();
      // Reached by the name the user allowed (here resolved to loopback by the request handler's lookup).
      const named = new KMSClient({
        region: 'us-east-1',
        endpoint: `http://kms.internal:${port}`,
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: toLoopback }) }),
      });
      assert.ok((await named.send(new ListKeysCommand({}))).Keys);
      named.destroy();
      const other = new KMSClient({
        region: 'us-east-1',
        endpoint: `http://other.internal:${port}`,
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: toLoopback }) }),
      });
      await expectKmsError(other.send(new ListKeysCommand({})), 'AccessDeniedException', /not 'other\.internal:\d+'/);
      other.destroy();
    } finally {
      await serve.stop();
    }
  });

  it('says which port is taken instead of failing obscurely', async () => {
    const holder = await startServe(['--memory']);
    try {
      const port = new URL(holder.url).port;
      const clash = await runServeToExit(['--memory', '--port', port]);
      assert.equal(clash.code, 1);
      assert.match(clash.output, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      await holder.stop();
    }
  });
});
