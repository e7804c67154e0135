// The key explorer's context menu, as the manifest's `when` clauses offer it for a key node's
// contextValue: read from package.json, matched as VS Code matches `viewItem =~ /re/` and `==`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { automaticRotationApplies, keyContextValue } from '../../../client/src/explorer/keyContextValue';

interface MenuEntry {
  readonly command: string;
  readonly when: string;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: { 'view/item/context': MenuEntry[] } } };

/** The commands the Keys view offers on a node with this contextValue, without duplicates. */
function menuFor(contextValue: string): string[] {
  const offered = manifest.contributes.menus['view/item/context'].filter((entry) => {
    const [view, item] = entry.when.split(' && ');
    assert.equal(view, 'view == kmsPolicyStudio.keys', entry.when);
    const regex = /^viewItem =~ \/(.*)\/$/.exec(item ?? '');
    if (regex) return new RegExp(regex[1]!).test(contextValue);
    const equal = /^viewItem == (.*)$/.exec(item ?? '');
    assert.ok(equal, `a when clause this test reads: ${entry.when}`);
    return equal[1] === contextValue;
  });
  return [...new Set(offered.map((e) => e.command.replace('kmsPolicyStudio.', '')))].sort();
}

const symmetric: KeyMetadata = { KeyId: 'k', KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', MultiRegion: false };
const READ_ONLY = ['copyKeyArn', 'openKeyPolicy', 'simulateAccess', 'whoCanUseKey'];

describe('key context menu', () => {
  it('offers Enable Automatic Rotation only when rotation is off, Disable only when it is on', () => {
    assert.equal(keyContextValue(symmetric, false), 'key.Enabled.symmetric.single.aws.customer.rotationOff');
    assert.deepEqual(menuFor(keyContextValue(symmetric, false)), [...READ_ONLY, 'createAlias', 'createGrant', 'disableKey', 'enableKeyRotation', 'rotateKeyNow', 'scheduleKeyDeletion'].sort());
    assert.deepEqual(menuFor(keyContextValue(symmetric, true)), [...READ_ONLY, 'createAlias', 'createGrant', 'disableKey', 'disableKeyRotation', 'rotateKeyNow', 'scheduleKeyDeletion'].sort());
  });

  it('offers both when the rotation status could not be read, and KMS answers', () => {
    assert.deepEqual(menuFor(keyContextValue(symmetric, undefined)).filter((c) => /Rotation/.test(c)), ['disableKeyRotation', 'enableKeyRotation']);
  });

  it('offers no automatic rotation where KMS does not rotate: asymmetric, HMAC, imported, custom key store, replica', () => {
    const cases: KeyMetadata[] = [
      { ...symmetric, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
      { ...symmetric, KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      { ...symmetric, Origin: 'EXTERNAL' },
      { ...symmetric, Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: 'cks-1' },
      { ...symmetric, MultiRegion: true, MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA' } },
    ];
    for (const m of cases) {
      assert.equal(automaticRotationApplies(m), false, JSON.stringify(m));
      assert.deepEqual(menuFor(keyContextValue(m, undefined)).filter((c) => /Rotation/.test(c)), [], keyContextValue(m, undefined));
    }
    assert.deepEqual(menuFor(keyContextValue({ ...symmetric, Origin: 'EXTERNAL' }, undefined)).filter((c) => /rotate|import/i.test(c)), ['importKeyMaterial', 'rotateKeyNow']);
    assert.deepEqual(menuFor(keyContextValue({ ...symmetric, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }, undefined)).filter((c) => /rotate/i.test(c)), []);
  });

  it('offers no change to an AWS managed key: only reading, simulating and asking who can use it', () => {
    const awsManaged: KeyMetadata = { ...symmetric, KeyManager: 'AWS' };
    assert.equal(keyContextValue(awsManaged, true), 'key.Enabled.symmetric.single.aws.awsManaged.rotationNone');
    assert.deepEqual(menuFor(keyContextValue(awsManaged, true)), READ_ONLY);
  });

  it('follows the key state: enable a disabled key, cancel a pending deletion', () => {
    assert.deepEqual(menuFor(keyContextValue({ ...symmetric, KeyState: 'Disabled' }, undefined)), [...READ_ONLY, 'createAlias', 'enableKey', 'scheduleKeyDeletion'].sort());
    assert.deepEqual(menuFor(keyContextValue({ ...symmetric, KeyState: 'PendingDeletion' }, undefined)), [...READ_ONLY, 'cancelKeyDeletion', 'createAlias'].sort());
  });

  it('offers nothing but reading for a key the caller cannot describe', () => {
    assert.equal(keyContextValue({ KeyId: 'k' }, undefined, 'AccessDeniedException'), 'key.unreadable');
    assert.deepEqual(menuFor('key.unreadable'), READ_ONLY);
  });
});
