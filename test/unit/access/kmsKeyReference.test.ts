// What KMS takes as KeyId (AWS KMS API Reference, "KeyId" of Encrypt): key id, key ARN, alias name, alias ARN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAliasName, isKeyId, parseKeyReference } from '../../../server/src/core/arn/kmsKeyReference';

describe('key references', () => {
  it('key ids are UUIDs or mrk- and 32 hex digits', () => {
    assert.equal(isKeyId('1234abcd-12ab-34cd-56ef-1234567890ab'), true);
    assert.equal(isKeyId('mrk-1234abcd12ab34cd56ef1234567890ab'), true);
    assert.equal(isKeyId('1234abcd'), false);
  });
  it('alias names follow CreateAlias\u2019s pattern', () => {
    assert.equal(isAliasName('alias/team/app_1-x'), true);
    assert.equal(isAliasName('alias/a b'), false);
    assert.equal(isAliasName('app'), false);
  });
  it('reads each form, and nothing else', () => {
    assert.equal(parseKeyReference('1234abcd-12ab-34cd-56ef-1234567890ab')?.kind, 'keyId');
    assert.equal(parseKeyReference('alias/app')?.kind, 'aliasName');
    assert.equal(parseKeyReference('arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab')?.kind, 'keyArn');
    assert.equal(parseKeyReference('arn:aws:kms:us-east-1:111122223333:alias/app')?.kind, 'aliasArn');
    assert.equal(parseKeyReference('arn:aws:kms::111122223333:alias/app'), undefined);
    assert.equal(parseKeyReference('arn:aws:kms:us-east-1:111122223333:alias/a b'), undefined);
    assert.equal(parseKeyReference(' alias/app'), undefined);
  });
});
