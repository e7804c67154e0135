// CloudTrail's LookupEvents through @aws-sdk/client-cloudtrail against the engine's own events,
// in process and over loopback HTTP: calls made through @aws-sdk/client-kms come back as
// CloudTrail events, filtered by lookup attribute and time, a page at a time.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { ACCOUNT_ID, httpTransport, inProcessTransport, type KmsTransport } from './support/kmsTransports';
import { adminFetch } from './support/serveProcess';

const te = new TextEncoder();

for (const open of [inProcessTransport, httpTransport]) {
  describe(`CloudTrail LookupEvents through @aws-sdk/client-cloudtrail (${open === inProcessTransport ? 'in process' : 'over HTTP'})`, () => {
    let transport: KmsTransport;
    let kms: KMSClient;
    let cloudTrail: CloudTrailClient;

    before(async () => {
      transport = await open();
      kms = transport.kms();
      cloudTrail = transport.cloudTrail();
    });
    after(() => transport?.close());

    it('returns the KMS calls made through the SDK, by resource name and event name, a page at a time', async () => {
      const start = new Date(Date.now() - 60_000);
      const key = (await kms.send(new CreateKeyCommand({ Description: 'trail' }))).KeyMetadata!;
      const plaintext = te.encode('a secret that must never be logged');
      const encrypted = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: { app: 'orders' } }));
      for (let i = 0; i < 4; i++) await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { app: 'orders' } }));
      await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })));

      const byKey = await cloudTrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: key.Arn }], StartTime: start }));
      assert.deepEqual(byKey.Events!.map((e) => e.EventName), ['Decrypt', 'Decrypt', 'Decrypt', 'Decrypt', 'Decrypt', 'Encrypt', 'CreateKey']);
      const [failed] = byKey.Events!;
      const failedEvent = JSON.parse(failed!.CloudTrailEvent!);
      assert.equal(failedEvent.errorCode, 'InvalidCiphertextException');
      assert.equal(failed!.Username, 'root');
      assert.equal(failed!.ReadOnly, 'true');
      assert.equal(failed!.EventSource, 'kms.amazonaws.com');
      assert.ok(failed!.EventTime instanceof Date && failed!.EventTime.getTime() >= start.getTime() - 1000);
      assert.deepEqual(failed!.Resources, [{ ResourceType: 'AWS::KMS::Key', ResourceName: key.Arn }]);

      const encrypt = byKey.Events![5]!;
      const event = JSON.parse(encrypt.CloudTrailEvent!);
      assert.equal(event.eventSource, 'kms.amazonaws.com');
      assert.equal(event.userIdentity.type, 'Root');
      assert.equal(event.userIdentity.accountId, ACCOUNT_ID);
      assert.deepEqual(event.requestParameters, { keyId: key.KeyId, encryptionContext: { app: 'orders' } });
      assert.match(event.userAgent, /aws-sdk-js/);
      const everything = JSON.stringify(byKey.Events);
      assert.ok(!everything.includes(Buffer.from(plaintext).toString('base64')));
      assert.ok(!everything.includes(Buffer.from(encrypted.CiphertextBlob!).toString('base64')));

      const pages: Event[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await cloudTrail.send(
          new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Decrypt' }], MaxResults: 2, NextToken: nextToken }),
        );
        pages.push(page.Events!);
        nextToken = page.NextToken;
      } while (nextToken);
      assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
      assert.equal(new Set(pages.flat().map((e) => e.EventId)).size, 5);

      const none = await cloudTrail.send(new LookupEventsCommand({ EndTime: new Date(start.getTime() - 3_600_000) }));
      assert.deepEqual(none.Events, []);
      await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
      const writes = await cloudTrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }));
      assert.ok(writes.Events!.every((e) => e.EventName === 'CreateKey'));
    });

    it('answers bad lookup attributes as CloudTrail does', async () => {
      await assert.rejects(
        cloudTrail.send(new LookupEventsCommand({ MaxResults: 51 })),
        (error: Error) => error.name === 'InvalidMaxResultsException',
      );
      await assert.rejects(
        cloudTrail.send(
          new LookupEventsCommand({
            LookupAttributes: [
              { AttributeKey: 'EventName', AttributeValue: 'Encrypt' },
              { AttributeKey: 'Username', AttributeValue: 'root' },
            ],
          }),
        ),
        (error: Error) => error.name === 'InvalidLookupAttributesException',
      );
    });
  });
}

describe('kms-policy serve writes its CloudTrail events as log files', () => {
  it('POST /_studio/cloudtrail/export writes gzipped {"Records": [...]} in the AWSLogs layout', async () => {
    const transport = await httpTransport();
    const folder = mkdtempSync(join(tmpdir(), 'kms-cloudtrail-'));
    try {
      const kms = transport.kms();
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: te.encode('never in a log file') }));
      const response = await adminFetch(transport.serve, '/_studio/cloudtrail/export', { directory: folder });
      assert.equal(response.status, 200);
      const { files } = (await response.json()) as { files: string[] };
      assert.equal(files.length, 1);
      const dir = join(folder, 'AWSLogs', ACCOUNT_ID, 'CloudTrail', 'us-east-1');
      const [year] = readdirSync(dir);
      assert.match(year!, /^\d{4}$/);
      assert.ok(files[0]!.startsWith(dir));
      const text = gunzipSync(readFileSync(files[0]!)).toString('utf8');
      const log = JSON.parse(text) as { Records: { eventName: string; eventSource: string }[] };
      assert.deepEqual(log.Records.map((r) => r.eventName), ['CreateKey', 'Encrypt']);
      assert.ok(!text.includes(Buffer.from('never in a log file').toString('base64')));
      const refused = await adminFetch(transport.serve, '/_studio/cloudtrail/export', {});
      assert.equal(refused.status, 400);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await transport.close();
    }
  });
});
