import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { openHarness } from './engineHarness';

test('scenarioFor explains a key that exists only in the engine: its policy, grants and state decide', async () => {
  const { call, engine } = await openHarness();
  const { KeyMetadata: m } = await call('CreateKey', { Description: 'engine only' });
  await call('CreateAlias', { AliasName: 'alias/engine-only', TargetKeyId: m.KeyId });
  await call('CreateGrant', { KeyId: m.KeyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/Reader', Operations: ['Decrypt'] });

  const root = engine.scenarioFor({ principalArn: 'arn:aws:iam::111122223333:root', action: 'kms:Decrypt', keyRef: 'alias/engine-only' });
  assert.ok(root, 'the alias resolves in the caller account and the default Region');
  assert.equal(root.key.arn, m.Arn);
  assert.equal(simulateAccess(root).decision, 'Allow');

  const reader = engine.scenarioFor({ principalArn: 'arn:aws:iam::111122223333:role/Reader', action: 'kms:Decrypt', keyRef: m.Arn });
  assert.ok(reader);
  assert.equal(reader.grants?.length, 1);
  assert.equal(simulateAccess(reader).decision, 'Allow', 'the grant allows Decrypt');
  assert.equal(simulateAccess({ ...reader, request: { ...reader.request, action: 'kms:Encrypt' } }).decision, 'ImplicitDeny');

  await call('DisableKey', { KeyId: m.KeyId });
  const disabled = engine.scenarioFor({ principalArn: 'arn:aws:iam::111122223333:root', action: 'kms:Decrypt', keyRef: m.KeyId });
  assert.equal(disabled?.key.state, 'Disabled');
  assert.equal(simulateAccess(disabled!).error, 'DisabledException');

  assert.equal(engine.scenarioFor({ principalArn: 'arn:aws:iam::111122223333:root', action: 'kms:Decrypt', keyRef: 'alias/missing' }), undefined);
  await engine.close();
});
