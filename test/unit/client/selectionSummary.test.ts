import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decryptionSummary, encryptionSummary, shortKeyName } from '../../../client/src/encryption/selectionSummary';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('what Encrypt and Decrypt Selection say when done', () => {
  it('names the key, the bytes and how, for one selection', () => {
    assert.equal(encryptionSummary([{ bytes: 19, envelope: false, key: 'alias/app-secrets' }]), 'Encrypted 19 bytes (direct) with key alias/app-secrets.');
    assert.equal(decryptionSummary([{ bytes: 8192, envelope: true, key: KEY_ID }]), `Decrypted 8,192 bytes (envelope) with key ${KEY_ID}.`);
    assert.equal(encryptionSummary([{ bytes: 1, envelope: false, key: 'alias/a' }]), 'Encrypted 1 byte (direct) with key alias/a.');
  });

  it('counts several selections, mixed ways and keys', () => {
    assert.equal(
      encryptionSummary([
        { bytes: 10, envelope: false, key: 'alias/a' },
        { bytes: 5000, envelope: true, key: 'alias/a' },
        { bytes: 20, envelope: false, key: 'alias/a' },
      ]),
      'Encrypted 3 selections, 5,030 bytes (1 envelope, 2 direct) with key alias/a.',
    );
    assert.equal(
      decryptionSummary([
        { bytes: 10, envelope: false, key: 'k1' },
        { bytes: 10, envelope: false, key: 'k2' },
      ]),
      'Decrypted 2 selections, 20 bytes (direct) with keys k1, k2.',
    );
  });

  it('shortens a key ARN to its id and an alias ARN to its alias', () => {
    assert.equal(shortKeyName(`arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`), KEY_ID);
    assert.equal(shortKeyName('arn:aws:kms:us-east-1:111122223333:alias/app'), 'alias/app');
    assert.equal(shortKeyName('alias/app'), 'alias/app');
  });
});
