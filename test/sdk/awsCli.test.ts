// The AWS CLI against `kms-policy serve`: create-key, encrypt and decrypt with --endpoint-url,
// and an access denied through the CLI. Skipped, saying why, where no working `aws` is installed
// (.ci/run installs Debian's awscli).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { scratchDir } from './support/kmsTransports';
import { startServe, type ServeProcess } from './support/serveProcess';

const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const cliMissing =
  probe.error || probe.status !== 0 ? `the AWS CLI is not usable here (${probe.error?.message ?? (probe.stderr || probe.stdout).trim()}); .ci/run installs Debian's awscli` : undefined;

describe('the AWS CLI against kms-policy serve', () => {
  let serve: ServeProcess | undefined;
  const home = scratchDir('kms-awscli-home-');

  before(async () => {
    if (!cliMissing) serve = await startServe(['--memory']);
  });
  after(async () => {
    await serve?.stop();
    home.remove();
  });

  /** Runs `aws kms ...` with the test/test credentials and no user configuration. */
  function aws(args: string[], credentials = { id: 'test', secret: 'test' }, service = 'kms') {
    const result = spawnSync('aws', [service, ...args, '--endpoint-url', serve!.url, '--region', 'us-east-1', '--output', 'json'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        HOME: home.path,
        AWS_ACCESS_KEY_ID: credentials.id,
        AWS_SECRET_ACCESS_KEY: credentials.secret,
        AWS_CONFIG_FILE: `${home.path}/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${home.path}/credentials`,
        AWS_PAGER: '',
        AWS_MAX_ATTEMPTS: '1',
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) as Record<string, unknown> };
  }

  it('create-key, encrypt and decrypt round-trip a secret', { skip: cliMissing ?? false }, () => {
    const created = aws(['create-key', '--description', 'from the aws cli']);
    assert.equal(created.status, 0, created.stderr);
    const metadata = created.json().KeyMetadata as { KeyId: string; Arn: string; KeyState: string };
    assert.equal(metadata.KeyState, 'Enabled');

    // Blobs go through files (fileb://), which AWS CLI v1 and v2 read the same way.
    const secret = 'the launch code is 0000';
    const plaintextFile = home.file('plaintext.bin', secret);
    const encrypted = aws(['encrypt', '--key-id', metadata.KeyId, '--plaintext', `fileb://${plaintextFile}`, '--encryption-context', 'purpose=cli-test']);
    assert.equal(encrypted.status, 0, encrypted.stderr);
    assert.equal(encrypted.json().KeyId, metadata.Arn);
    const ciphertextFile = home.file('ciphertext.bin', '');
    writeFileSync(ciphertextFile, Buffer.from(encrypted.json().CiphertextBlob as string, 'base64'));

    const decrypted = aws(['decrypt', '--ciphertext-blob', `fileb://${ciphertextFile}`, '--encryption-context', 'purpose=cli-test']);
    assert.equal(decrypted.status, 0, decrypted.stderr);
    assert.equal(Buffer.from(decrypted.json().Plaintext as string, 'base64').toString(), secret);
    assert.equal(decrypted.json().KeyId, metadata.Arn);

    const wrongContext = aws(['decrypt', '--ciphertext-blob', `fileb://${ciphertextFile}`, '--encryption-context', 'purpose=other']);
    assert.notEqual(wrongContext.status, 0);
    assert.match(wrongContext.stderr, /InvalidCiphertextException/);
  });

  it('shows AWS\'s error for a bad secret', { skip: cliMissing ?? false }, () => {
    const denied = aws(['list-keys'], { id: 'test', secret: 'wrong' });
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /InvalidSignatureException/);
  });

  it('cloudtrail lookup-events finds the calls made on a key', { skip: cliMissing ?? false }, () => {
    const created = aws(['create-key', '--description', 'watched by cloudtrail']);
    assert.equal(created.status, 0, created.stderr);
    const arn = (created.json().KeyMetadata as { Arn: string }).Arn;
    assert.equal(aws(['describe-key', '--key-id', arn]).status, 0);
    const found = aws(['lookup-events', '--lookup-attributes', `AttributeKey=ResourceName,AttributeValue=${arn}`], undefined, 'cloudtrail');
    assert.equal(found.status, 0, found.stderr);
    const events = found.json().Events as { EventName: string; CloudTrailEvent: string }[];
    assert.deepEqual(events.map((e) => e.EventName), ['DescribeKey', 'CreateKey']);
    assert.equal(JSON.parse(events[0]!.CloudTrailEvent).eventSource, 'kms.amazonaws.com');
  });
});
