import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnvelopeFormatError, openEnvelope, parseEnvelope, sealEnvelope } from '../../../client/src/encryption/kmsEnvelopeFormat';
import { parseEncryptionContextText } from '../../../client/src/encryption/encryptionContextText';

const dataKey = new Uint8Array(32).map((_, i) => i + 1);
const nonce = new Uint8Array(12).map((_, i) => 200 - i);
const header = { keyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', encryptionContext: { env: 'prod', app: 'billing' }, encryptedDataKey: new Uint8Array([1, 2, 3, 4, 5]) };

describe('KMS envelope format, version 1', () => {
  it('round-trips text and its header', () => {
    const plaintext = new TextEncoder().encode('x'.repeat(10_000));
    const armored = sealEnvelope(header, dataKey, plaintext, nonce);
    const lines = armored.split('\n');
    assert.equal(lines[0], '-----BEGIN KMS ENVELOPE-----');
    assert.equal(lines[1], 'Version: 1');
    assert.equal(lines.at(-1), '-----END KMS ENVELOPE-----');
    assert.ok(lines.every((l) => l.length <= 120));
    const parsed = parseEnvelope(armored);
    assert.equal(parsed.keyId, header.keyId);
    assert.deepEqual(parsed.encryptionContext, { app: 'billing', env: 'prod' });
    assert.deepEqual([...parsed.encryptedDataKey], [1, 2, 3, 4, 5]);
    assert.equal(new TextDecoder().decode(openEnvelope(parsed, dataKey)), 'x'.repeat(10_000));
  });

  it('reads an indented envelope with CRLF line ends', () => {
    const armored = sealEnvelope(header, dataKey, new TextEncoder().encode('secret'), nonce);
    const pasted = armored.split('\n').map((l) => `    ${l}`).join('\r\n');
    assert.equal(new TextDecoder().decode(openEnvelope(parseEnvelope(pasted), dataKey)), 'secret');
  });

  it('fails authentication when the header is changed', () => {
    const armored = sealEnvelope(header, dataKey, new TextEncoder().encode('secret'), nonce);
    const tampered = armored.replace('key/1234abcd', 'key/9999abcd');
    assert.throws(() => openEnvelope(parseEnvelope(tampered), dataKey), EnvelopeFormatError);
  });

  it('fails authentication with another data key', () => {
    const armored = sealEnvelope(header, dataKey, new TextEncoder().encode('secret'), nonce);
    assert.throws(() => openEnvelope(parseEnvelope(armored), new Uint8Array(32)), /failed authentication/);
  });

  it('names what is wrong with a malformed envelope', () => {
    assert.throws(() => parseEnvelope('-----BEGIN KMS ENVELOPE-----\nVersion: 2\n\nAAAA\n-----END KMS ENVELOPE-----'), /Unsupported envelope version 2/);
    assert.throws(() => parseEnvelope('-----BEGIN KMS ENVELOPE-----\nVersion: 1\nKey-Id: k\n\nAAAA\n-----END KMS ENVELOPE-----'), /lacks Data-Key/);
    assert.throws(() => parseEnvelope('-----BEGIN KMS ENVELOPE-----\nVersion: 1\n'), /no -----END KMS ENVELOPE----- line/);
  });
});

describe('encryption context text', () => {
  it('reads key=value pairs and an empty answer', () => {
    assert.deepEqual(parseEncryptionContextText(' app = billing , env=prod '), { app: 'billing', env: 'prod' });
    assert.deepEqual(parseEncryptionContextText(''), {});
  });

  it('rejects pairs without a key and repeated keys', () => {
    assert.throws(() => parseEncryptionContextText('=x'), /not key=value/);
    assert.throws(() => parseEncryptionContextText('a=1,a=2'), /appears twice/);
  });
});
