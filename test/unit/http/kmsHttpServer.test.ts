import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { KMSClient, ListKeysCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { startKmsHttpServer, type RunningKmsHttpServer } from '../../../server/src/http/kmsHttpServer';
import { RecordingEngine, TEST_ACCESS_KEY } from './recordingEngine';
import { signedRequest } from './signedRequest';

interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function post(url: string, path: string, headers: Record<string, string>, body: Buffer | string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('startKmsHttpServer', () => {
  let server: RunningKmsHttpServer;
  const engine = new RecordingEngine({
    ListKeys: () => ({ Keys: [{ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }], Truncated: false }),
    Encrypt: async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { KeyId: String(input.KeyId), CiphertextBlob: String(input.Plaintext), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  });
  const clock = { now: new Date() };

  before(async () => {
    server = await startKmsHttpServer(engine, {
      port: 0,
      maxBodyBytes: 64 * 1024,
      adminRoute: async (request) =>
        request.path === '/_studio/ping'
          ? { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from('pong') }
          : undefined,
      now: () => clock.now,
    });
  });
  after(() => server.close());

  function client(): KMSClient {
    return new KMSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_ACCESS_KEY.accessKeyId, secretAccessKey: TEST_ACCESS_KEY.secretAccessKey },
      maxAttempts: 1,
    });
  }

  it('binds 127.0.0.1 by default on a free port and serves @aws-sdk/client-kms', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const result = await client().send(new ListKeysCommand({}));
    assert.deepEqual(result.Keys, [{ KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }]);
  });

  it('serves many concurrent clients, each getting its own answer', async () => {
    const kms = client();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        kms.send(new EncryptCommand({ KeyId: `key-${i}`, Plaintext: Buffer.from(`message ${i}`) })),
      ),
    );
    results.forEach((result, i) => {
      assert.equal(result.KeyId, `key-${i}`);
      assert.equal(Buffer.from(result.CiphertextBlob!).toString(), `message ${i}`);
    });
  });

  it('reports an SDK error with the name from x-amzn-errortype', async () => {
    await assert.rejects(
      new KMSClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' },
        maxAttempts: 1,
      }).send(new ListKeysCommand({})),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) =>
        error.name === 'UnrecognizedClientException' &&
        error.message === 'The security token included in the request is invalid.' &&
        error.$metadata?.httpStatusCode === 400,
    );
  });

  it('answers 413 with a KMS-shaped error for a body over the limit, and keeps serving', async () => {
    const big = Buffer.alloc(200 * 1024, 0x61);
    const response = await post(server.url, '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt' }, big);
    assert.equal(response.status, 413);
    assert.equal(response.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.equal(JSON.parse(response.body).__type, 'RequestEntityTooLargeException');
    assert.ok((await client().send(new ListKeysCommand({}))).Keys);
  });

  it('answers malformed requests with KMS-shaped errors over the socket', async () => {
    const signed = await signedRequest({ body: '{not json', host: new URL(server.url).host });
    const response = await post(server.url, '/', signed.headers as Record<string, string>, signed.body);
    assert.equal(response.status, 400);
    assert.equal(JSON.parse(response.body).__type, 'SerializationException');
    const noTarget = await post(server.url, '/', { 'content-type': 'application/x-amz-json-1.1' }, '{}');
    assert.equal(JSON.parse(noTarget.body).__type, 'UnknownOperationException');
    const unsigned = await post(server.url, '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, '{}');
    assert.equal(JSON.parse(unsigned.body).__type, 'MissingAuthenticationTokenException');
  });

  it('answers admin routes under /_studio/ to callers with the admin token, and 404 for unknown ones', async () => {
    const admin = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
    const ping = await post(server.url, '/_studio/ping', admin, '');
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'pong');
    assert.equal((await post(server.url, '/_studio/nothing', admin, '')).status, 404);
  });

  it('refuses admin routes without the admin token, as a web page would send them (no CORS preflight)', async () => {
    assert.match(server.adminToken, /^[A-Za-z0-9_-]{43}$/);
    const page = await post(server.url, '/_studio/ping', { 'content-type': 'text/plain' }, '{"advance":"31d"}');
    assert.equal(page.status, 401);
    assert.equal(page.headers['www-authenticate'], 'Bearer');
    assert.match(JSON.parse(page.body).error, /Authorization: Bearer TOKEN/);
    const wrong = await post(server.url, '/_studio/ping', { authorization: `Bearer ${server.adminToken.slice(1)}x`, 'content-type': 'application/json' }, '{}');
    assert.equal(wrong.status, 401);
  });

  it('refuses browser-shaped admin requests even with the token: an Origin header, or a simple content type', async () => {
    const token = { authorization: `Bearer ${server.adminToken}` };
    const fromPage = await post(server.url, '/_studio/ping', { ...token, 'content-type': 'application/json', origin: 'https://evil.example' }, '{}');
    assert.equal(fromPage.status, 403);
    assert.match(JSON.parse(fromPage.body).error, /Origin/);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain; charset=utf-8']) {
      const simple = await post(server.url, '/_studio/ping', { ...token, 'content-type': type }, '{}');
      assert.equal(simple.status, 415, type);
    }
  });

  it('refuses a signed KMS request addressed to another host name (DNS rebinding) before checking its signature', async () => {
    const port = new URL(server.url).port;
    const signed = await signedRequest({ host: `evil.example:${port}` });
    const callsBefore = engine.calls.length;
    const response = await post(server.url, '/', signed.headers as Record<string, string>, signed.body);
    assert.equal(response.status, 403);
    assert.equal(response.headers['x-amzn-errortype'], 'AccessDeniedException');
    assert.match(JSON.parse(response.body).message, /not 'evil\.example:\d+'/);
    assert.equal(engine.calls.length, callsBefore, 'the engine never saw it');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const ok = await signedRequest({ host });
      assert.equal((await post(server.url, '/', ok.headers as Record<string, string>, ok.body)).status, 200, host);
    }
    const otherPort = await signedRequest({ host: '127.0.0.1:1' });
    assert.equal((await post(server.url, '/', otherPort.headers as Record<string, string>, otherPort.body)).status, 403);
  });

  it('refuses a KMS request carrying an Origin header: only a web page sends one', async () => {
    const signed = await signedRequest({ host: new URL(server.url).host });
    const response = await post(server.url, '/', { ...(signed.headers as Record<string, string>), origin: 'http://localhost:3000' }, signed.body);
    assert.equal(response.status, 403);
    assert.match(JSON.parse(response.body).message, /Origin/);
  });

  it('answers garbage that is not HTTP with a KMS-shaped 400 and closes that connection only', async () => {
    const { connect } = await import('node:net');
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()).write('\u0000\u0001 not http at all\r\n\r\n'));
    assert.match(received, /^HTTP\/1\.1 400/);
    assert.match(received, /"__type":"SerializationException"/);
    assert.ok((await client().send(new ListKeysCommand({}))).Keys);
  });

  it('closes cleanly with keep-alive connections open', async () => {
    const extra = await startKmsHttpServer(engine, { now: () => clock.now });
    const kms = new KMSClient({
      endpoint: extra.url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_ACCESS_KEY.accessKeyId, secretAccessKey: TEST_ACCESS_KEY.secretAccessKey },
    });
    await kms.send(new ListKeysCommand({}));
    const started = Date.now();
    await extra.close();
    assert.ok(Date.now() - started < 1500, 'idle keep-alive sockets do not hold the close');
    kms.destroy();
  });
});

describe('startKmsHttpServer request time limit', () => {
  it('closes a request whose body never finishes, and keeps serving others', async () => {
    const engine = new RecordingEngine({ ListKeys: () => ({ Keys: [] }) });
    const server = await startKmsHttpServer(engine, { port: 0, requestTimeoutMs: 1_000 });
    try {
      const { connect } = await import('node:net');
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` + 'Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\nContent-Length: 100\r\n\r\n{"Li');
      const started = Date.now();
      await closed;
      const waited = Date.now() - started;
      assert.ok(waited >= 900 && waited < 5_000, `closed after ${waited} ms`);
      assert.match(received, /^HTTP\/1\.1 408/);
      assert.match(received, /x-amzn-errortype: RequestTimeoutException/);
      const kms = new KMSClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: TEST_ACCESS_KEY.accessKeyId, secretAccessKey: TEST_ACCESS_KEY.secretAccessKey },
        maxAttempts: 1,
      });
      assert.deepEqual((await kms.send(new ListKeysCommand({}))).Keys, []);
      kms.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('startKmsHttpServer idle connections', () => {
  it('closes a connection that never sends a byte, and one left silent after its answer', async () => {
    const engine = new RecordingEngine({ ListKeys: () => ({ Keys: [] }) });
    const server = await startKmsHttpServer(engine, { port: 0, idleTimeoutMs: 1_000 });
    try {
      const { connect } = await import('node:net');
      const silent = connect(server.port, '127.0.0.1');
      const opened = Date.now();
      await new Promise<void>((resolve) => silent.on('close', () => resolve()));
      const waited = Date.now() - opened;
      assert.ok(waited >= 900 && waited < 3_000, `closed after ${waited} ms`);

      const kms = new KMSClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: TEST_ACCESS_KEY.accessKeyId, secretAccessKey: TEST_ACCESS_KEY.secretAccessKey },
        maxAttempts: 1,
      });
      assert.deepEqual((await kms.send(new ListKeysCommand({}))).Keys, []);
      kms.destroy();
    } finally {
      await server.close();
    }
  });
});
