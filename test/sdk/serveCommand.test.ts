// `kms-policy serve` as a user meets it: help, mistakes named clearly, the printed endpoint and
// credentials, --clock, an environment file, a port in use, and a clean stop on SIGTERM/SIGINT.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { expectKmsError, scratchDir } from './support/kmsTransports';
import { CLI, assertCliBuilt, runServeToExit, startServe } from './support/serveProcess';

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
    assert.match(unknown.output, /Unknown option '--colour'/);
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
      const state = (await (await fetch(`${serve.url}/_studio/clock`)).json()) as { now: string; offsetMs: number };
      assert.ok(state.offsetMs >= 30 * 86_400_000 && state.offsetMs < 31 * 86_400_000);
      const moved = await fetch(`${serve.url}/_studio/clock`, { method: 'POST', body: '{"advance":"1d"}' });
      assert.equal(((await moved.json()) as { offsetMs: number }).offsetMs >= 31 * 86_400_000, true);
      const backwards = await fetch(`${serve.url}/_studio/clock`, { method: 'POST', body: '{"to":"2001-01-01T00:00:00Z"}' });
      assert.equal(backwards.status, 400);
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
