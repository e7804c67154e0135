// The embedded backend's keyActivity, without VS Code: @aws-sdk/client-cloudtrail's LookupEvents
// forwarded (as the language client would) to the engine's wire handler, over the events the
// engine recorded for the key's calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { EmbeddedBackend } from '../../../client/src/kms/embeddedBackend';
import { activitySince, keyUseSummary } from '../../../client/src/kms/keyActivity';
import { lookupKeyActivity, readKeyUse } from '../../../client/src/kms/keyActivityLookup';
import { activityUnreadableReason, keyChangeDialogs } from '../../../client/src/kms/keyActivityText';
import { openServedEngine, servedPrincipals } from '../../../server/src/http/servedEngine';
import { handleWireRequest } from '../../../server/src/http/wireRequestHandler';
import type { EngineInfoResult } from '../../../server/src/protocol';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { LanguageServerRequestHandler } from '../../../client/src/kms/languageServerRequestHandler';

async function demoEngine() {
  const served = await openServedEngine({ environmentFile: 'examples/kms-environment.json' });
  const info: EngineInfoResult = { accountId: served.engine.defaultAccountId, region: served.engine.defaultRegion, principals: servedPrincipals(served.environment) };
  const send = (request: Parameters<typeof handleWireRequest>[1]) => handleWireRequest(served.engine, request);
  const backend = new EmbeddedBackend(async () => info, send, () => [], async () => served.clock.now());
  const principal = (suffix: string) => {
    const found = info.principals.find((p) => p.arn.endsWith(suffix));
    assert.ok(found, `the demo environment has ${suffix} with an access key`);
    return found;
  };
  return { backend, region: info.region, principal, send, served };
}

describe('a key\'s activity from the embedded engine through CloudTrail LookupEvents', () => {
  it('lists the key\'s calls newest first, the refused one with its error code, and names who used it', async () => {
    const { backend, region, principal } = await demoEngine();
    const root = principal(':root');
    const alice = principal(':user/alice');
    backend.actAs(root.arn);
    const since = new Date(Date.now() - 60_000);
    const kms = await backend.client(region);
    const keyArn = (await kms.send(new CreateKeyCommand({ Description: 'activity' }))).KeyMetadata?.Arn ?? '';
    const other = (await kms.send(new CreateKeyCommand({ Description: 'another key' }))).KeyMetadata?.Arn ?? '';
    await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') }));
    await kms.send(new EncryptCommand({ KeyId: other, Plaintext: Buffer.from('y') }));
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    backend.actAs(alice.arn);
    await assert.rejects((await backend.client(region)).send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('z') })));
    backend.actAs(root.arn);

    const activity = await backend.keyActivity(keyArn, since);
    assert.deepEqual(
      activity.events.map((e) => [e.operation, e.principalLabel, e.errorCode ?? 'ok']),
      [
        ['Encrypt', 'alice', 'AccessDeniedException'],
        ['DescribeKey', 'root', 'ok'],
        ['Encrypt', 'root', 'ok'],
        ['CreateKey', 'root', 'ok'],
      ],
    );
    assert.equal(activity.truncated, false);
    const summary = keyUseSummary(activity);
    assert.deepEqual(summary.principals.map((p) => [p.principal, p.uses]), [[root.arn, 1]]);
    const dialogs = keyChangeDialogs({ kind: 'scheduleKeyDeletion', pendingWindowInDays: 7 }, 'activity', { activity }, new Date());
    assert.equal(dialogs.length, 2);
    assert.match(dialogs[1].detail, new RegExp(`^${root.arn}: 1 call, last just now\\n`));
  });

  it('reads a bounded number of events, page after page, and says more were recorded', async () => {
    const { backend, region, principal, send } = await demoEngine();
    const root = principal(':root');
    backend.actAs(root.arn);
    const kms = await backend.client(region);
    const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    for (let i = 0; i < 60; i++) await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') }));
    const trail = new CloudTrailClient({
      region,
      endpoint: `https://cloudtrail.${region}.amazonaws.com`,
      credentials: { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey },
      requestHandler: new LanguageServerRequestHandler(send),
      maxAttempts: 1,
    });
    const since = activitySince(new Date());
    const bounded = await lookupKeyActivity(trail, keyArn, since, 55);
    assert.equal(bounded.events.length, 55);
    assert.equal(bounded.truncated, true);
    const whole = await lookupKeyActivity(trail, keyArn, since);
    assert.equal(whole.events.length, 61, 'CreateKey and 60 Encrypt calls');
    assert.equal(whole.truncated, false);
  });

  it('a principal without cloudtrail:LookupEvents is refused, and told which permission it needs', async () => {
    const { backend, region, principal } = await demoEngine();
    backend.actAs(principal(':root').arn);
    const keyArn = (await (await backend.client(region)).send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    backend.actAs(principal(':user/alice').arn);
    await assert.rejects(backend.keyActivity(keyArn, activitySince(new Date())), (error: Error) => {
      assert.equal(error.name, 'AccessDeniedException');
      assert.match(activityUnreadableReason(error), /cloudtrail:LookupEvents.*\(reading a key's activity needs cloudtrail:LookupEvents\)$/);
      return true;
    });
  });

  it('the last 90 days are the engine\'s: after Advance Engine Clock by 100 days, a call made before is no longer recent', async () => {
    const { backend, region, principal, served } = await demoEngine();
    backend.actAs(principal(':root').arn);
    const kms = await backend.client(region);
    const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn ?? '';
    await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') }));
    const before = await readKeyUse({ backend, keyArn });
    assert.ok('activity' in before && keyUseSummary(before.activity).uses === 1, 'the Encrypt is recent');
    served.clock.advance(100 * 24 * 3600_000);
    const after = await readKeyUse({ backend, keyArn });
    assert.ok(after.now.getTime() - Date.now() > 99 * 24 * 3600_000, 'measured from the engine\'s clock, 100 days ahead');
    assert.ok('activity' in after);
    assert.deepEqual(after.activity.events, [], 'nothing in the engine\'s last 90 days');
  });
});
