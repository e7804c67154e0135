import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { writeJsonBody } from '../../../server/src/http/jsonBodyWriter';

const sameAsStringify = (value: unknown) => assert.deepEqual(writeJsonBody(value), Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'));

test('any JSON value is written byte for byte as JSON.stringify writes it', () => {
  fc.assert(fc.property(fc.jsonValue(), sameAsStringify), { numRuns: 500 });
});

test('blob members are written byte for byte as JSON.stringify writes them, base64 or not', () => {
  const blobName = fc.constantFrom('CiphertextBlob', 'Plaintext', 'PublicKey', 'Signature', 'Mac', 'SharedSecret', 'ImportToken', 'KeyId');
  const blobValue = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    // Long enough to take the raw copy (fast-check favours short arrays otherwise).
    fc.uint8Array({ minLength: 384, maxLength: 3000 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    fc.uint8Array({ minLength: 384, maxLength: 900 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ minLength: 400, maxLength: 900 }).map((bytes) => `${Buffer.from(bytes).toString('base64')}"\\\n\u0000é`),
  );
  fc.assert(
    fc.property(fc.dictionary(blobName, blobValue), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), (blobs, others) =>
      sameAsStringify({ ...others, ...blobs }),
    ),
    { numRuns: 500 },
  );
});

test('members JSON leaves out stay out, and objects with their own toJSON are honoured', () => {
  sameAsStringify({ a: undefined, b: () => 1, c: Symbol('x'), Plaintext: undefined, d: [undefined, 1], e: new Date(0) });
  sameAsStringify({ toJSON: () => ({ replaced: true }) });
  sameAsStringify(Object.assign(Object.create({ inherited: 1 }), { own: 2 }));
  sameAsStringify({ 2: 'b', 1: 'a', z: 'z', CiphertextBlob: Buffer.alloc(1000, 1).toString('base64') });
});
