// What a client that gets things wrong sees from `kms-policy serve`: AWS's errors for bad,
// missing, unknown and stale signatures, KMS-shaped errors for malformed or oversized requests
// and unknown operations, and a server that keeps serving afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateKeyCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { NodeSha256 } from '../unit/http/signedRequest';
import { expectKmsError, httpTransport, ROOT_CREDENTIALS, type KmsTransport } from './support/kmsTransports';
import { adminFetch, type ServeProcess } from './support/serveProcess';

interface RawAnswer {
  readonly status: number;
  readonly errorType: string | null;
  readonly body: { __type?: string; message?: string };
}

describe('wire failures against kms-policy serve', () => {
  let transport: KmsTransport & { serve: ServeProcess };
  let url: string;

  before(async () => {
    transport = await httpTransport();
    url = transport.serve.url;
  });
  after(() => transport?.close());

  async function raw(headers: Record<string, string>, body: string | Uint8Array): Promise<RawAnswer> {
    const response = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : Buffer.from(body) });
    const text = await response.text();
    return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: JSON.parse(text) as RawAnswer['body'] };
  }

  /** A request signed for this endpoint with the root user's test/test credentials. */
  async function signed(target: string, body: string, contentType = 'application/x-amz-json-1.1', options: { host?: string; unsigned?: string[] } = {}) {
    const { hostname, port } = new URL(url);
    const host = options.host ?? new URL(url).host;
    const signer = new SignatureV4({ service: 'kms', region: 'us-east-1', sha256: NodeSha256, credentials: ROOT_CREDENTIALS });
    const request = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname,
        port: Number(port),
        path: '/',
        headers: { host, 'content-type': contentType, 'x-amz-target': target },
        body,
      },
      options.unsigned ? { unsignableHeaders: new Set(options.unsigned) } : {},
    );
    return request.headers as Record<string, string>;
  }

  /** Sends with the Host header as given (fetch would put the URL's own host there). */
  async function rawTo(headers: Record<string, string>, body: string): Promise<RawAnswer> {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, errorType: (res.headers['x-amzn-errortype'] as string | undefined) ?? null, body: JSON.parse(text) as RawAnswer['body'] }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  function client(options: Partial<ConstructorParameters<typeof KMSClient>[0]> = {}) {
    return new KMSClient({ endpoint: url, region: 'us-east-1', credentials: ROOT_CREDENTIALS, maxAttempts: 1, ...options });
  }

  it('a wrong secret: InvalidSignatureException with AWS\'s text', async () => {
    const kms = client({ credentials: { accessKeyId: 'test', secretAccessKey: 'not-test' } });
    const error = await expectKmsError(
      kms.send(new ListKeysCommand({})),
      'InvalidSignatureException',
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\./,
    );
    assert.equal(error.$metadata?.httpStatusCode, 400);
    kms.destroy();
  });

  it('an unknown access key: UnrecognizedClientException', async () => {
    const kms = client({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
    await expectKmsError(kms.send(new ListKeysCommand({})), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    kms.destroy();
  });

  it('a clock ten minutes behind: "Signature expired"', async () => {
    const kms = client({ systemClockOffset: -10 * 60 * 1000 });
    await expectKmsError(kms.send(new ListKeysCommand({})), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    kms.destroy();
  });

  it('no Authorization header: MissingAuthenticationTokenException', async () => {
    const answer = await raw({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, '{}');
    assert.equal(answer.status, 400);
    assert.equal(answer.errorType, 'MissingAuthenticationTokenException');
    assert.equal(answer.body.__type, 'MissingAuthenticationTokenException');
  });

  it('an unknown operation: UnknownOperationException', async () => {
    const answer = await raw(await signed('TrentService.MakeCoffee', '{}'), '{}');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.__type, 'UnknownOperationException');
    const otherService = await raw(await signed('DynamoDB_20120810.ListTables', '{}'), '{}');
    assert.equal(otherService.body.__type, 'UnknownOperationException');
  });

  it('malformed JSON, a JSON array, a wrong content type and a missing target: KMS-shaped errors', async () => {
    const malformed = await raw(await signed('TrentService.ListKeys', '{"Limit": '), '{"Limit": ');
    assert.deepEqual([malformed.status, malformed.body.__type], [400, 'SerializationException']);
    const array = await raw(await signed('TrentService.ListKeys', '[1,2]'), '[1,2]');
    assert.equal(array.body.__type, 'SerializationException');
    const wrongType = await raw(await signed('TrentService.ListKeys', '{}', 'text/plain'), '{}');
    assert.equal(wrongType.body.__type, 'SerializationException');
    const noTarget = await raw({ 'content-type': 'application/x-amz-json-1.1' }, '{}');
    assert.equal(noTarget.body.__type, 'UnknownOperationException');
    const binary = new Uint8Array(256).map((_, i) => (i * 37) % 256);
    const garbage = await raw(await signed('TrentService.Encrypt', Buffer.from(binary).toString('latin1')), binary);
    assert.equal(garbage.status, 400);
  });

  it('a body over 1 MiB: 413 RequestEntityTooLargeException through the SDK, and the server goes on', async () => {
    const kms = client();
    const key = await kms.send(new CreateKeyCommand({}));
    const error = await expectKmsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: new Uint8Array(2 * 1024 * 1024) })),
      'RequestEntityTooLargeException',
    );
    assert.equal(error.$metadata?.httpStatusCode, 413);
    assert.ok((await kms.send(new ListKeysCommand({}))).Keys);
    kms.destroy();
  });

  it('a signed request addressed to another host name (DNS rebinding): 403 before its signature is checked', async () => {
    const evil = `evil.example:${new URL(url).port}`;
    const answer = await rawTo(await signed('TrentService.CreateKey', '{}', undefined, { host: evil }), '{}');
    assert.equal(answer.status, 403);
    assert.equal(answer.errorType, 'AccessDeniedException');
    assert.match(answer.body.message!, /answers only requests addressed to .*localhost:\d+.*not 'evil\.example:\d+'/);
  });

  it('a captured ListAliases re-targeted to CreateKey (X-Amz-Target unsigned): InvalidSignatureException, no key made', async () => {
    const kms = client();
    const before = (await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0;
    const headers = await signed('TrentService.ListAliases', '{}', undefined, { unsigned: ['x-amz-target'] });
    const answer = await raw({ ...headers, 'x-amz-target': 'TrentService.CreateKey' }, '{}');
    assert.equal(answer.status, 400);
    assert.equal(answer.errorType, 'InvalidSignatureException');
    assert.equal(answer.body.message, "'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.");
    assert.equal((await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0, before);
    kms.destroy();
  });

  it('POST /_studio/clock as a web page can send it (text/plain, no token, or with an Origin): refused, the clock unmoved', async () => {
    const serve = transport.serve;
    const { offsetMs } = (await (await adminFetch(serve, '/_studio/clock')).json()) as { offsetMs: number };
    const page = await fetch(`${url}/_studio/clock`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"advance":"31d"}' });
    assert.equal(page.status, 401);
    const withOrigin = await fetch(`${url}/_studio/clock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.adminToken}`, 'content-type': 'application/json', origin: 'https://evil.example' },
      body: '{"advance":"31d"}',
    });
    assert.equal(withOrigin.status, 403);
    const form = await fetch(`${url}/_studio/clock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.adminToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"advance":"31d"}',
    });
    assert.equal(form.status, 415);
    assert.equal((await fetch(`${url}/_studio/clock`)).status, 401, 'reading the clock needs the token too');
    const after = (await (await adminFetch(serve, '/_studio/clock')).json()) as { offsetMs: number };
    assert.ok(after.offsetMs === offsetMs, `the clock moved by ${after.offsetMs - offsetMs} ms`);
  });

  it('keeps serving many concurrent clients after all of the above', async () => {
    const clients = Array.from({ length: 20 }, () => client());
    const results = await Promise.all(clients.flatMap((kms) => Array.from({ length: 10 }, () => kms.send(new ListKeysCommand({})))));
    assert.equal(results.length, 200);
    clients.forEach((kms) => kms.destroy());
    assert.equal(transport.serve.child.exitCode, null, 'serve is still running');
  });
});
