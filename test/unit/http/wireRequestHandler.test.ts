import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KmsServiceError } from '../../../server/src/core/engine/kmsEngineApi';
import type { RawWireResponse } from '../../../server/src/http/rawWireMessage';
import { handleRawWireRequest, handleWireRequest } from '../../../server/src/http/wireRequestHandler';
import { RecordingEngine, TEST_ACCESS_KEY } from './recordingEngine';
import { signedRequest } from './signedRequest';

function body(response: RawWireResponse): Record<string, unknown> {
  return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}

function assertKmsError(response: RawWireResponse, name: string, status = 400): Record<string, unknown> {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers['x-amzn-errortype'], name);
  assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
  const parsed = body(response);
  assert.equal(parsed.__type, name);
  assert.equal(typeof parsed.message, 'string');
  return parsed;
}

describe('handleRawWireRequest', () => {
  it('runs TrentService.<Op> on the engine as the caller behind the access key, in the signed Region', async () => {
    const engine = new RecordingEngine({ Encrypt: () => ({ KeyId: 'k', CiphertextBlob: 'AAAA' }) });
    const request = await signedRequest({ target: 'TrentService.Encrypt', region: 'eu-central-1', body: '{"KeyId":"k","Plaintext":"aGk="}' });
    const response = await handleRawWireRequest(engine, { ...request, sourceIp: '127.0.0.1' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(body(response), { KeyId: 'k', CiphertextBlob: 'AAAA' });
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
    assert.match(response.headers['x-amzn-requestid'] ?? '', /^[0-9a-f-]{36}$/);
    const [call] = engine.calls;
    assert.equal(call?.operation, 'Encrypt');
    assert.deepEqual(call?.input, { KeyId: 'k', Plaintext: 'aGk=' });
    assert.equal(call?.caller.principalArn, TEST_ACCESS_KEY.principalArn);
    assert.equal(call?.caller.accountId, '111122223333');
    assert.equal(call?.caller.region, 'eu-central-1');
    assert.equal(call?.caller.requestContext?.['aws:SourceIp'], '127.0.0.1');
  });

  it('routes BaldrApiService.<Op> to the simulated CloudHSM, signed for the cloudhsm service', async () => {
    const engine = new RecordingEngine({ 'cloudhsm:DescribeClusters': () => ({ Clusters: [] }) });
    const request = await signedRequest({ target: 'BaldrApiService.DescribeClusters', service: 'cloudhsm' });
    const response = await handleRawWireRequest(engine, request);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(body(response), { Clusters: [] });
    assert.equal(engine.calls[0]?.service, 'cloudhsm');
  });

  it('passes the engine\'s KMS errors through with their name, status and message', async () => {
    const engine = new RecordingEngine({
      Decrypt: () => {
        throw new KmsServiceError('InvalidCiphertextException', '');
      },
      DescribeKey: () => {
        throw new KmsServiceError('KMSInternalException', 'x', 500);
      },
    });
    const decrypt = await handleRawWireRequest(engine, await signedRequest({ target: 'TrentService.Decrypt' }));
    assert.deepEqual(assertKmsError(decrypt, 'InvalidCiphertextException'), { __type: 'InvalidCiphertextException', message: '' });
    const describe = await handleRawWireRequest(engine, await signedRequest({ target: 'TrentService.DescribeKey' }));
    assertKmsError(describe, 'KMSInternalException', 500);
  });

  it('answers KMSInternalException, without the details, when the engine fails unexpectedly', async () => {
    const engine = new RecordingEngine({
      ListKeys: () => {
        throw new TypeError('secret internal detail');
      },
    });
    const seen: unknown[] = [];
    const response = await handleRawWireRequest(engine, await signedRequest(), { onInternalError: (e) => seen.push(e) });
    const parsed = assertKmsError(response, 'KMSInternalException', 500);
    assert.ok(!String(parsed.message).includes('secret internal detail'));
    assert.equal(seen.length, 1);
  });

  it('answers UnknownOperationException for a target of another service, a missing target or another method', async () => {
    const engine = new RecordingEngine();
    for (const target of ['DynamoDB_20120810.ListTables', '', 'TrentService.', 'TrentService.Bad/Name']) {
      const request = await signedRequest({ target });
      assertKmsError(await handleRawWireRequest(engine, request), 'UnknownOperationException');
    }
    const get = { ...(await signedRequest()), method: 'GET' };
    assertKmsError(await handleRawWireRequest(engine, get), 'UnknownOperationException');
    assert.equal(engine.calls.length, 0);
  });

  it('answers SerializationException for a wrong content type, malformed JSON and a non-object body', async () => {
    const engine = new RecordingEngine({ ListKeys: () => ({ Keys: [] }) });
    const wrongType = await signedRequest({ contentType: 'text/plain' });
    assert.match(String(assertKmsError(await handleRawWireRequest(engine, wrongType), 'SerializationException').message), /application\/x-amz-json-1\.1/);
    const malformed = await signedRequest({ body: '{"Plaintext": "c2VjcmV0' });
    const parsed = assertKmsError(await handleRawWireRequest(engine, malformed), 'SerializationException');
    assert.ok(!String(parsed.message).includes('c2VjcmV0'), 'the body is never echoed');
    for (const text of ['[]', '42', 'null', '"x"']) {
      assertKmsError(await handleRawWireRequest(engine, await signedRequest({ body: text })), 'SerializationException');
    }
    assert.equal(engine.calls.length, 0);
  });

  it('accepts a content type with parameters and an empty body', async () => {
    const engine = new RecordingEngine({ ListKeys: () => ({ Keys: [] }) });
    const request = await signedRequest({ contentType: 'application/x-amz-json-1.1; charset=utf-8', body: '' });
    assert.equal((await handleRawWireRequest(engine, request)).statusCode, 200);
    assert.deepEqual(engine.calls[0]?.input, {});
  });

  it('checks the signature before the operation runs', async () => {
    const engine = new RecordingEngine({ ListKeys: () => ({ Keys: [] }) });
    const request = await signedRequest({ secretAccessKey: 'wrong' });
    assertKmsError(await handleRawWireRequest(engine, request), 'InvalidSignatureException');
    const skewed = await signedRequest({ signingDate: new Date(Date.now() - 3_600_000) });
    assert.match(String(assertKmsError(await handleRawWireRequest(engine, skewed), 'InvalidSignatureException').message), /^Signature expired/);
    assert.equal(engine.calls.length, 0);
  });
});

describe('handleWireRequest (the base64 form forwarded by the editor)', () => {
  it('decodes the body, lower-cases header names and encodes the answer', async () => {
    const engine = new RecordingEngine({ ListKeys: () => ({ Keys: [{ KeyId: 'a' }] }) });
    const raw = await signedRequest({ body: '{"Limit":1}' });
    const headers = Object.fromEntries(Object.entries(raw.headers).map(([k, v]) => [k.toUpperCase(), v ?? '']));
    const response = await handleWireRequest(engine, {
      method: 'POST',
      path: '/',
      headers,
      bodyBase64: raw.body.toString('base64'),
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(Buffer.from(response.bodyBase64, 'base64').toString()), { Keys: [{ KeyId: 'a' }] });
    assert.deepEqual(engine.calls[0]?.input, { Limit: 1 });
  });

  it('answers a KMS-shaped error for a request that is not a request at all', async () => {
    const engine = new RecordingEngine();
    for (const junk of [null, 42, {}, { method: 'POST' }]) {
      const response = await handleWireRequest(engine, junk as never);
      assert.equal(response.statusCode, 400);
      assert.equal(JSON.parse(Buffer.from(response.bodyBase64, 'base64').toString()).__type, 'SerializationException');
    }
  });
});
