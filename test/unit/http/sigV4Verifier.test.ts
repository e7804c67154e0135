import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KmsServiceError } from '../../../server/src/core/engine/kmsEngineApi';
import type { RawWireRequest } from '../../../server/src/http/rawWireMessage';
import { verifySigV4, type SigV4VerifyOptions } from '../../../server/src/http/sigV4Verifier';
import { TEST_ACCESS_KEY } from './recordingEngine';
import { signedRequest } from './signedRequest';

const SIGNED_AT = new Date('2026-03-01T12:00:00Z');

function options(overrides: Partial<SigV4VerifyOptions> = {}): SigV4VerifyOptions {
  return {
    findAccessKey: (id) => (id === TEST_ACCESS_KEY.accessKeyId ? TEST_ACCESS_KEY : undefined),
    service: 'kms',
    now: new Date(SIGNED_AT.getTime() + 1000),
    ...overrides,
  };
}

function rejection(request: RawWireRequest, opts = options()): KmsServiceError {
  try {
    verifySigV4(request, opts);
  } catch (error) {
    assert.ok(error instanceof KmsServiceError, `expected a KmsServiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('the request was accepted');
}

describe('verifySigV4', () => {
  it('accepts a request signed by @smithy/signature-v4 and reports the key and the scope', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, region: 'eu-west-3', body: '{"Limit":5}' });
    const verified = verifySigV4(request, options());
    assert.equal(verified.accessKey.principalArn, TEST_ACCESS_KEY.principalArn);
    assert.equal(verified.region, 'eu-west-3');
    assert.equal(verified.service, 'kms');
  });

  it('accepts a query string and a path that need encoding', async () => {
    const request = await signedRequest({
      signingDate: SIGNED_AT,
      path: '/a%20path/with%2Bplus', // as on the wire: encoded once by the client
      query: { b: 'two words', a: 'x/y*z' },
    });
    assert.doesNotThrow(() => verifySigV4(request, options()));
  });

  it('accepts a session token signed with the request when the key carries one', async () => {
    const key = { ...TEST_ACCESS_KEY, sessionToken: 'session-token-1' };
    const request = await signedRequest({ signingDate: SIGNED_AT, sessionToken: 'session-token-1' });
    assert.doesNotThrow(() => verifySigV4(request, options({ findAccessKey: () => key })));
    const wrong = await signedRequest({ signingDate: SIGNED_AT, sessionToken: 'other' });
    assert.equal(rejection(wrong, options({ findAccessKey: () => key })).errorName, 'UnrecognizedClientException');
  });

  it('answers MissingAuthenticationTokenException without an Authorization header', async () => {
    const { authorization: _dropped, ...headers } = (await signedRequest({ signingDate: SIGNED_AT })).headers;
    const error = rejection({ method: 'POST', path: '/', headers, body: Buffer.from('{}') });
    assert.equal(error.errorName, 'MissingAuthenticationTokenException');
    assert.equal(error.httpStatus, 400);
  });

  it('answers UnrecognizedClientException for an access key the engine does not know', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, accessKeyId: 'AKIAUNKNOWNUNKNOWN' });
    const error = rejection(request);
    assert.equal(error.errorName, 'UnrecognizedClientException');
    assert.equal(error.message, 'The security token included in the request is invalid.');
  });

  it('answers InvalidSignatureException with the canonical request when the secret is wrong', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, secretAccessKey: 'not-the-secret' });
    const error = rejection(request);
    assert.equal(error.errorName, 'InvalidSignatureException');
    assert.match(
      error.message,
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/\n/,
    );
    assert.ok(!error.message.includes(TEST_ACCESS_KEY.secretAccessKey), 'the secret is never echoed');
  });

  it('answers InvalidSignatureException when the body was changed after signing, even with a signed payload hash', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, body: '{"Limit":5}' });
    assert.ok(request.headers['x-amz-content-sha256'], 'the signer sent the payload hash header');
    const tampered = { ...request, body: Buffer.from('{"Limit":6}') };
    assert.equal(rejection(tampered).errorName, 'InvalidSignatureException');
    const { 'x-amz-content-sha256': _hash, ...headers } = request.headers;
    assert.equal(rejection({ ...tampered, headers }).errorName, 'InvalidSignatureException');
  });

  it('answers "Signature expired" for a request signed more than five minutes ago', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT });
    const error = rejection(request, options({ now: new Date('2026-03-01T12:10:00Z') }));
    assert.equal(error.errorName, 'InvalidSignatureException');
    assert.equal(
      error.message,
      'Signature expired: 20260301T120000Z is now earlier than 20260301T120500Z (20260301T121000Z - 5 min.)',
    );
  });

  it('answers "Signature not yet current" for a request signed more than five minutes ahead', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT });
    const error = rejection(request, options({ now: new Date('2026-03-01T11:50:00Z') }));
    assert.equal(
      error.message,
      'Signature not yet current: 20260301T120000Z is still later than 20260301T115500Z (20260301T115000Z + 5 min.)',
    );
  });

  it('answers IncompleteSignatureException for an Authorization header missing its parts', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT });
    const error = rejection({ ...request, headers: { ...request.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } });
    assert.equal(error.errorName, 'IncompleteSignatureException');
    assert.match(error.message, /requires 'Signature' parameter\. .*requires 'SignedHeaders' parameter/);
  });

  it('answers InvalidSignatureException for a credential scoped to another service', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, service: 's3' });
    const error = rejection(request);
    assert.equal(error.errorName, 'InvalidSignatureException');
    assert.equal(error.message, "Credential should be scoped to correct service: 'kms'. ");
  });

  it('answers InvalidSignatureException when X-Amz-Target is not signed, so a captured request cannot be re-targeted', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, target: 'TrentService.ListAliases', unsignedHeaders: ['x-amz-target'] });
    assert.doesNotMatch(request.headers['authorization']!, /x-amz-target/);
    const retargeted = { ...request, headers: { ...request.headers, 'x-amz-target': 'TrentService.CreateKey' } };
    const error = rejection(retargeted);
    assert.equal(error.errorName, 'InvalidSignatureException');
    assert.equal(error.message, "'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.");
    assert.equal(rejection(request).errorName, 'InvalidSignatureException');
  });

  it('answers InvalidSignatureException for any x-amz-* header left out of the signature', async () => {
    const request = await signedRequest({ signingDate: SIGNED_AT, extraHeaders: { 'x-amz-meta-note': 'hello' }, unsignedHeaders: ['x-amz-meta-note'] });
    const error = rejection(request);
    assert.equal(error.errorName, 'InvalidSignatureException');
    assert.equal(error.message, "'x-amz-meta-note' must be a 'SignedHeader' in the AWS Authorization.");
    // Signed, the same header is fine; x-amzn-* (not x-amz-*) headers such as a trace id need no signature.
    const signed = await signedRequest({ signingDate: SIGNED_AT, extraHeaders: { 'x-amz-meta-note': 'hello' } });
    verifySigV4({ ...signed, headers: { ...signed.headers, 'x-amzn-trace-id': 'Root=1-abc' } }, options());
  });
});
