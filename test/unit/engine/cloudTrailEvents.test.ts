// The engine's CloudTrail events: the shape AWS documents for each KMS operation family
// (docs.aws.amazon.com/kms/latest/developerguide/ct-*.html), LookupEvents' filters and pages,
// and that no event ever holds plaintext, ciphertext or key material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cloudTrailEvent, newIdSeed, recordCall } from '../../../server/src/core/engine/cloudTrailEvents';
import { CloudTrailEventHistory, parseLookupEventsInput } from '../../../server/src/core/engine/cloudTrailLookup';
import { cloudTrailLogFiles } from '../../../server/src/core/engine/cloudTrailLogFiles';
import { KmsServiceError, type AuthenticatedCaller, type JsonObject } from '../../../server/src/core/engine/kmsEngineApi';
import { ACCOUNT, NOBODY, READER, ROOT, b64, openHarness, type Harness } from './engineHarness';

fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261206) });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = Record<string, any>;

function events(harness: Harness): Event[] {
  return harness.engine.lookupEvents({ maxResults: 50 }).events.map((e) => JSON.parse(e.CloudTrailEvent as string) as Event);
}

/** The top-level fields of AWS's documented Encrypt event (ct-encrypt), in every event. */
const DOCUMENTED_FIELDS = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'resources', 'eventType', 'managementEvent',
  'recipientAccountId', 'eventCategory',
];

test('Encrypt is recorded as AWS documents it: parameters without the plaintext, null response, the key as resource', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  await h.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64('secret text'), EncryptionContext: { Department: 'Engineering' } }, READER);
  const event = events(h)[0]!;
  for (const field of DOCUMENTED_FIELDS) assert.ok(field in event, field);
  assert.equal(event.eventVersion, '1.09');
  assert.deepEqual(event.userIdentity, {
    type: 'IAMUser',
    principalId: event.userIdentity.principalId,
    arn: READER.principalArn,
    accountId: ACCOUNT,
    accessKeyId: 'reader',
    userName: 'reader',
  });
  assert.match(event.userIdentity.principalId, /^AIDA[A-Z2-7]{17}$/);
  assert.match(event.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(event.eventSource, 'kms.amazonaws.com');
  assert.equal(event.eventName, 'Encrypt');
  assert.equal(event.awsRegion, 'us-east-1');
  assert.deepEqual(event.requestParameters, { keyId: key.KeyId, encryptionContext: { Department: 'Engineering' } });
  assert.equal(event.responseElements, null);
  assert.match(event.eventID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(event.readOnly, true);
  assert.deepEqual(event.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
  assert.equal(event.eventType, 'AwsApiCall');
  assert.equal(event.managementEvent, true);
  assert.equal(event.recipientAccountId, ACCOUNT);
  assert.equal(event.eventCategory, 'Management');
  assert.equal(event.errorCode, undefined);
});

test('Decrypt and GenerateDataKey name the key from the answer and log neither blob nor data key', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  const blob = (await h.call('Encrypt', { KeyId: key.Arn, Plaintext: b64('x') })).CiphertextBlob as string;
  await h.call('Decrypt', { CiphertextBlob: blob, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  const dataKey = await h.call('GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256' });
  const [generate, decrypt] = events(h);
  assert.equal(decrypt!.eventName, 'Decrypt');
  assert.deepEqual(decrypt!.requestParameters, { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  assert.deepEqual(decrypt!.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
  assert.equal(decrypt!.userIdentity.type, 'Root');
  assert.deepEqual(generate!.requestParameters, { keyId: key.KeyId, keySpec: 'AES_256' });
  assert.equal(generate!.responseElements, null);
  const text = JSON.stringify(events(h));
  assert.ok(!text.includes(blob) && !text.includes(dataKey.Plaintext as string) && !text.includes(dataKey.CiphertextBlob as string));
});

test('CreateKey logs its key metadata in responseElements and is not read-only (ct-createkey)', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', { Description: 'd', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' })).KeyMetadata;
  const event = events(h)[0]!;
  assert.equal(event.eventName, 'CreateKey');
  assert.equal(event.readOnly, false);
  assert.deepEqual(event.requestParameters, { description: 'd', keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT' });
  assert.equal(event.responseElements.keyMetadata.keyId, key.KeyId);
  assert.equal(event.responseElements.keyMetadata.aWSAccountId, ACCOUNT);
  assert.equal(event.responseElements.keyMetadata.arn, key.Arn);
  assert.deepEqual(event.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
});

test('a denied call is recorded with errorCode and errorMessage, an unknown key with no resource', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  const denied = await h.fail('DescribeKey', { KeyId: key.KeyId }, NOBODY);
  await h.fail('DescribeKey', { KeyId: '00000000-0000-0000-0000-000000000000' });
  const [missing, refused] = events(h);
  assert.equal(refused!.errorCode, 'AccessDeniedException');
  assert.equal(refused!.errorMessage, denied.message);
  assert.equal(refused!.responseElements, null);
  assert.deepEqual(refused!.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
  assert.equal(missing!.errorCode, 'NotFoundException');
  assert.deepEqual(missing!.resources, []);
});

test('grants and aliases: CreateGrant logs its grant id and key ARN but not its token (ct-creategrant), CreateAlias its names', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  const grant = await h.call('CreateGrant', { KeyId: key.KeyId, GranteePrincipal: READER.principalArn, Operations: ['Decrypt'] });
  await h.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: key.KeyId });
  const [alias, created] = events(h);
  assert.deepEqual(created!.requestParameters, { keyId: key.KeyId, granteePrincipal: READER.principalArn, operations: ['Decrypt'] });
  assert.deepEqual(created!.responseElements, { grantId: grant.GrantId, keyId: key.Arn });
  assert.deepEqual(alias!.requestParameters, { aliasName: 'alias/app', targetKeyId: key.KeyId });
  assert.equal(alias!.readOnly, false);
});

test('a role session carries sessionContext with its role as session issuer', () => {
  const caller: AuthenticatedCaller = { principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/App/worker-1`, accountId: ACCOUNT, accessKeyId: 'ASIAEXAMPLE', region: 'eu-west-1' };
  const event = cloudTrailEvent(recordCall(0, newIdSeed(), 'Decrypt', {}, caller, Date.UTC(2026, 0, 2, 3, 4, 5), undefined, {}, undefined)) as Event;
  assert.equal(event.userIdentity.type, 'AssumedRole');
  assert.match(event.userIdentity.principalId, /^AROA[A-Z2-7]{17}:worker-1$/);
  assert.deepEqual(event.userIdentity.sessionContext.sessionIssuer, {
    type: 'Role',
    principalId: event.userIdentity.principalId.split(':')[0],
    arn: `arn:aws:iam::${ACCOUNT}:role/App`,
    accountId: ACCOUNT,
    userName: 'App',
  });
  assert.equal(event.eventTime, '2026-01-02T03:04:05Z');
  assert.equal(event.awsRegion, 'eu-west-1');
});

const SECRET_OPERATIONS = ['Encrypt', 'Decrypt', 'ReEncrypt', 'Sign', 'Verify', 'GenerateMac', 'VerifyMac', 'ImportKeyMaterial', 'DeriveSharedSecret'];

test('no event ever holds the plaintext, ciphertext, message, signature, MAC or key material of its request or answer', () => {
  const blob = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64'));
  fc.assert(
    fc.property(
      fc.constantFrom(...SECRET_OPERATIONS),
      fc.record({ Plaintext: blob, CiphertextBlob: blob, Message: blob, Signature: blob, Mac: blob, EncryptedKeyMaterial: blob, ImportToken: blob, PublicKey: blob }, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
      fc.record({ Plaintext: blob, CiphertextBlob: blob, PrivateKeyPlaintext: blob, SharedSecret: blob, PublicKey: blob, CiphertextForRecipient: blob }, { requiredKeys: [] }),
      fc.boolean(),
      (operation, secrets, encryptionContext, answer, failed) => {
        const input: JsonObject = { KeyId: 'alias/app', EncryptionContext: encryptionContext, ...secrets };
        const error = failed ? new KmsServiceError('AccessDeniedException', 'denied') : undefined;
        const event = JSON.stringify(cloudTrailEvent(recordCall(0, newIdSeed(), operation, input, ROOT, 0, undefined, failed ? undefined : answer, error)));
        for (const value of [...Object.values(secrets), ...Object.values(answer)]) {
          // Values shorter than 8 characters can occur by chance in the event's other text.
          if (value.length >= 8) assert.ok(!event.includes(value), `${operation} logged ${value}`);
        }
        for (const name of ['plaintext', 'ciphertextBlob', 'message', 'signature', 'mac', 'encryptedKeyMaterial', 'importToken', 'publicKey', 'sharedSecret']) {
          assert.ok(!event.includes(`"${name}"`), `${operation} logged ${name}`);
        }
      },
    ),
  );
});

test('LookupEvents filters by one attribute and time range, newest first, a page at a time', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  for (let i = 0; i < 7; i++) await h.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64(`m${i}`) }, READER);
  await h.call('DescribeKey', { KeyId: key.KeyId });
  const page = (filter: object) => h.engine.lookupEvents(parseLookupEventsInput(filter as JsonObject));
  assert.equal(page({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }] }).events.length, 7);
  assert.equal(page({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'reader' }] }).events.length, 7);
  assert.equal(page({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root' }] }).events.length, 2);
  assert.equal(page({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: key.Arn }] }).events.length, 9);
  assert.equal(page({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }).events.length, 1);
  assert.equal(page({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'reader' }] }).events.length, 7);
  assert.equal(page({ EndTime: 0 }).events.length, 0);
  const first = page({ MaxResults: 4 });
  assert.deepEqual(first.events.map((e) => e.EventName), ['DescribeKey', 'Encrypt', 'Encrypt', 'Encrypt']);
  const second = page({ MaxResults: 4, NextToken: first.nextToken });
  const third = page({ MaxResults: 4, NextToken: second.nextToken });
  assert.equal(third.nextToken, undefined);
  const ids = [...first.events, ...second.events, ...third.events].map((e) => e.EventId);
  assert.equal(new Set(ids).size, 9);
  const one = page({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: ids[3] }] }).events;
  assert.equal(one.length, 1);
  assert.throws(() => page({ LookupAttributes: [{ AttributeKey: 'Nope', AttributeValue: 'x' }] }), /InvalidLookupAttributes|Invalid AttributeKey/);
  assert.throws(() => page({ MaxResults: 51 }), /MaxResults/);
});

test('LookupEvents with a caller needs cloudtrail:LookupEvents in the caller\'s IAM policies', async () => {
  const h = await openHarness();
  assert.equal(h.engine.lookupEvents({}, ROOT).events.length, 0);
  assert.throws(() => h.engine.lookupEvents({}, NOBODY), (error: KmsServiceError) => error.errorName === 'AccessDeniedException' && error.message.includes('cloudtrail:LookupEvents'));
});

test('the history keeps the newest events within its bound', () => {
  const history = new CloudTrailEventHistory(3);
  for (let i = 0; i < 5; i++) history.record(`Op${i}`, {}, ROOT, i, undefined, {}, undefined);
  assert.equal(history.size, 3);
  assert.deepEqual([...history.all()].map((c) => c.operation), ['Op2', 'Op3', 'Op4']);
  assert.deepEqual(history.lookup({}).events.map((e) => e.EventName), ['Op4', 'Op3', 'Op2']);
});

test('log files: one {"Records": [...]} per account, Region and day, in the AWSLogs layout', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  await h.call('Encrypt', { KeyId: key.KeyId, Plaintext: b64('x') });
  await h.call('ListKeys', {}, { ...ROOT, region: 'eu-west-1' });
  const files = cloudTrailLogFiles(h.engine.cloudTrailEvents(), 'ABCDEFGHIJKLMNOP');
  assert.equal(files.length, 2);
  const [east, west] = files;
  assert.match(east!.path, /^AWSLogs\/111122223333\/CloudTrail\/us-east-1\/\d{4}\/\d\d\/\d\d\/111122223333_CloudTrail_us-east-1_\d{8}T\d{4}Z_ABCDEFGHIJKLMNOP\.json\.gz$/);
  assert.deepEqual(east!.content.Records.map((r) => r.eventName), ['CreateKey', 'Encrypt']);
  assert.match(west!.path, /\/CloudTrail\/eu-west-1\//);
  assert.deepEqual(west!.content.Records.map((r) => r.eventName), ['ListKeys']);
  const day = String(east!.content.Records[0]!.eventTime).slice(0, 10).replace(/-/g, '/');
  assert.ok(east!.path.includes(`/us-east-1/${day}/`));
});

test('through the engine, random Encrypt, Decrypt, ReEncrypt and GenerateDataKey calls leave no blob of theirs in any event', async () => {
  const h = await openHarness();
  const key = (await h.call('CreateKey', {})).KeyMetadata;
  const other = (await h.call('CreateKey', {})).KeyMetadata;
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 6, maxLength: 256 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
      async (bytes, encryptionContext) => {
        const plaintext = Buffer.from(bytes).toString('base64');
        const blob = (await h.call('Encrypt', { KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: encryptionContext })).CiphertextBlob as string;
        await h.call('Decrypt', { CiphertextBlob: blob, EncryptionContext: encryptionContext });
        await h.fail('Decrypt', { CiphertextBlob: blob, EncryptionContext: { wrong: 'context' } });
        const again = (await h.call('ReEncrypt', { CiphertextBlob: blob, SourceEncryptionContext: encryptionContext, DestinationKeyId: other.KeyId })).CiphertextBlob as string;
        const dataKey = await h.call('GenerateDataKey', { KeyId: key.KeyId, NumberOfBytes: 32 });
        const text = JSON.stringify([...h.engine.cloudTrailEvents()]);
        for (const secret of [plaintext, blob, again, dataKey.Plaintext as string, dataKey.CiphertextBlob as string]) {
          assert.ok(!text.includes(secret), 'an event holds a blob of its call');
        }
      },
    ),
    { numRuns: 25 },
  );
});
