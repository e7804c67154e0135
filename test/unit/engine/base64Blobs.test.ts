import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeBase64, isBase64Text } from '../../../server/src/core/engine/operationInput';

/** The rule stated plainly: the alphabet (standard or URL-safe), at most two `=`, never 4k+1 characters. */
function referenceDecode(text: string): Buffer | undefined {
  const match = /^([A-Za-z0-9+/\-_]*)(={0,2})$/.exec(text);
  if (!match || match[1]!.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

test('blobs in every base64 form SDKs send decode to the bytes that were encoded', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const standard = Buffer.from(bytes).toString('base64');
      const urlSafe = Buffer.from(bytes).toString('base64url');
      for (const text of [standard, standard.replace(/=+$/, ''), urlSafe, `${urlSafe}${'='.repeat((4 - (urlSafe.length % 4)) % 4)}`]) {
        assert.deepEqual(decodeBase64(text), Buffer.from(bytes), text);
        assert.equal(isBase64Text(text), true, text);
      }
    }),
  );
});

test('a character outside the alphabet anywhere in a blob is refused, not skipped', () => {
  const outsider = fc.constantFrom(' ', '\n', '.', '!', '*', 'é', '\u0000', '😀');
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 120 }), outsider, fc.nat(), (bytes, character, at) => {
      const text = Buffer.from(bytes).toString('base64');
      const position = at % (text.replace(/=+$/, '').length + 1);
      const spoiled = text.slice(0, position) + character + text.slice(position);
      assert.equal(referenceDecode(spoiled), undefined, spoiled);
      assert.equal(decodeBase64(spoiled), undefined, spoiled);
      assert.equal(isBase64Text(spoiled), false, spoiled);
    }),
  );
});

test('padding inside a blob, rather than at its end, is refused', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 120 }), fc.nat(), (bytes, at) => {
      const body = Buffer.from(bytes).toString('base64').replace(/=+$/, '');
      const position = at % body.length;
      assert.equal(decodeBase64(`${body.slice(0, position)}=${body.slice(position)}`), undefined);
    }),
  );
});

test('any text at all is decoded exactly when the plain rule says it is base64', () => {
  const text = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9+/_=-]{0,40}$/));
  fc.assert(
    fc.property(text, (candidate) => {
      assert.deepEqual(decodeBase64(candidate), referenceDecode(candidate), JSON.stringify(candidate));
      assert.equal(isBase64Text(candidate), referenceDecode(candidate) !== undefined, JSON.stringify(candidate));
    }),
    { numRuns: 2000 },
  );
});

test('blobs larger than any seen before are still checked whole', () => {
  const big = Buffer.alloc(20_000, 7).toString('base64');
  assert.equal(isBase64Text(big), true);
  assert.equal(isBase64Text(`${big.slice(0, 20_000)}!${big.slice(20_000)}`), false);
});
