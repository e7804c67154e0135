// The in-editor bridge as the extension uses it: @aws-sdk/client-kms whose request handler
// forwards each signed request to the language server (`kmsPolicyStudio/kmsRequest`), the
// engine info with the principals to act as, change notifications, the clock, and the
// loopback endpoint that reaches the same engine from a terminal.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  AdvanceEngineClockRequest,
  CiphertextKeyRequest,
  EngineChangedNotification,
  EngineInfoRequest,
  ENGINE_ROOT_KEY_ENV,
  KmsWireRequest,
  type AdvanceEngineClockResult,
  type CiphertextKeyResult,
  type EngineInfoResult,
  type ServerInitializationOptions,
  type WireRequest,
  type WireResponse,
} from '../../server/src/protocol';
import { InProcessRequestHandler } from './support/inProcessRequestHandler';
import { expectKmsError, scratchDir } from './support/kmsTransports';
import { REPO_ROOT } from './support/serveProcess';

const SERVER_MAIN = join(REPO_ROOT, 'dist', 'server', 'serverMain.js');
const te = new TextEncoder();

interface BridgeClient {
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  changes: number;
  /** window/showMessage texts the server sent. */
  readonly messages: string[];
  close(): Promise<void>;
}

/** Starts the server as the extension does: the store's root key, when given, in the process environment. */
async function startLanguageServer(initializationOptions: ServerInitializationOptions, rootKeyHex?: string): Promise<BridgeClient> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run 'node esbuild.mjs'.`);
  const env = { ...process.env, [ENGINE_ROOT_KEY_ENV]: rootKeyHex ?? '' };
  const child = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  child.stderr!.resume();
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client: BridgeClient = {
    connection,
    child,
    changes: 0,
    messages: [],
    async close() {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill();
      connection.dispose();
    },
  };
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
    client.messages.push(params.message);
    return null;
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('window/showMessage', (params: { message: string }) => {
    client.messages.push(params.message);
  });
  connection.onNotification(EngineChangedNotification.method, () => {
    client.changes++;
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions });
  await connection.sendNotification('initialized', {});
  return client;
}

function bridgeKms(client: BridgeClient, credentials = { accessKeyId: 'test', secretAccessKey: 'test' }): KMSClient {
  const send = (request: WireRequest) => client.connection.sendRequest(KmsWireRequest.method, request) as Promise<WireResponse>;
  return new KMSClient({ region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new InProcessRequestHandler(send) });
}

describe('the editor bridge to the embedded engine (language server over stdio)', () => {
  const store = scratchDir('kms-bridge-store-');
  const rootKeyHex = randomBytes(32).toString('hex');
  let client: BridgeClient;

  before(async () => {
    client = await startLanguageServer({ engineStorePath: store.path }, rootKeyHex);
  });
  after(async () => {
    await client?.close();
    store.remove();
  });

  it('answers engineInfo with the account, Region, principals to act as and the loopback endpoint', async () => {
    const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
    assert.equal(info.accountId, '111122223333');
    assert.equal(info.region, 'us-east-1');
    assert.deepEqual(info.principals, [{ arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'test', secretAccessKey: 'test' }]);
    assert.match(info.endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('runs SDK calls forwarded as kmsRequest, and notifies engineChanged after a change', async () => {
    const kms = bridgeKms(client);
    const before = client.changes;
    const key = await kms.send(new CreateKeyCommand({ Description: 'from the editor' }));
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('selection') }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    assert.equal(new TextDecoder().decode(dec.Plaintext), 'selection');
    const deadline = Date.now() + 3000;
    while (client.changes === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(client.changes > before, 'engineChanged was sent');
  });

  it('names the key of a ciphertext, so Why? can explain a denied Decrypt whose message names no key', async () => {
    const kms = bridgeKms(client);
    const key = await kms.send(new CreateKeyCommand({ Description: 'why decrypt' }));
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('secret') }));
    const ciphertextBase64 = Buffer.from(enc.CiphertextBlob!).toString('base64');
    const answer = (await client.connection.sendRequest(CiphertextKeyRequest.method, { ciphertextBase64, region: 'us-east-1' })) as CiphertextKeyResult;
    assert.equal(answer.keyArn, key.KeyMetadata!.Arn);
    const foreign = (await client.connection.sendRequest(CiphertextKeyRequest.method, { ciphertextBase64: Buffer.from('not ours').toString('base64'), region: 'us-east-1' })) as CiphertextKeyResult;
    assert.equal(foreign.keyArn, undefined);
  });

  it('serves the same engine on its loopback endpoint', async () => {
    const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
    const viaBridge = await bridgeKms(client).send(new CreateKeyCommand({ Description: 'shared' }));
    const overHttp = new KMSClient({ region: 'us-east-1', endpoint: info.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    const keys = await overHttp.send(new ListKeysCommand({ Limit: 1000 }));
    assert.ok(keys.Keys?.some((k) => k.KeyId === viaBridge.KeyMetadata!.KeyId));
    overHttp.destroy();
  });

  it('guards its loopback endpoint like serve: admin routes need the token, other host names and web pages are refused', async () => {
    const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
    const clockUrl = `${info.endpoint}/_studio/clock`;
    const page = await fetch(clockUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"advance":"31d"}' });
    assert.equal(page.status, 401);
    assert.match(info.endpointAdminToken ?? '', /^[A-Za-z0-9_-]{43}$/);
    const admin = { authorization: `Bearer ${info.endpointAdminToken}` };
    const fromPage = await fetch(clockUrl, { method: 'POST', headers: { ...admin, 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"advance":"1s"}' });
    assert.equal(fromPage.status, 403);
    const state = (await (await fetch(clockUrl, { headers: admin })).json()) as { offsetMs: number };
    assert.equal(state.offsetMs, 0, 'nothing moved the clock');
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) =>
      request(info.endpoint!, { method: 'POST', headers: { host: `evil.example:${new URL(info.endpoint!).port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end('{}'),
    );
    assert.equal(status, 403);
  });

  it('writes the engine\'s CloudTrail events as log files from its loopback endpoint, as serve does, for the admin token only', async () => {
    await bridgeKms(client).send(new ListKeysCommand({}));
    const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
    const exportUrl = `${info.endpoint}/_studio/cloudtrail/export`;
    const directory = mkdtempSync(join(tmpdir(), 'kms-bridge-trail-'));
    try {
      const body = JSON.stringify({ directory });
      assert.equal((await fetch(exportUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status, 401);
      const answer = await fetch(exportUrl, { method: 'POST', headers: { authorization: `Bearer ${info.endpointAdminToken}`, 'content-type': 'application/json' }, body });
      assert.equal(answer.status, 200);
      const { files } = (await answer.json()) as { files: string[] };
      assert.ok(files.length >= 1 && files.every((f) => /AWSLogs\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/.+\.json\.gz$/.test(f)), files.join(', '));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('checks signatures on forwarded requests like the endpoint does', async () => {
    await expectKmsError(bridgeKms(client, { accessKeyId: 'test', secretAccessKey: 'wrong' }).send(new ListKeysCommand({})), 'InvalidSignatureException');
    await expectKmsError(bridgeKms(client, { accessKeyId: 'nobody', secretAccessKey: 'x' }).send(new ListKeysCommand({})), 'UnrecognizedClientException');
  });

  it('answers a malformed kmsRequest with a KMS-shaped error and keeps running', async () => {
    for (const junk of [null, { method: 'POST' }, { method: 'POST', path: '/', headers: {}, bodyBase64: '!!!' }]) {
      const answer = (await client.connection.sendRequest(KmsWireRequest.method, junk)) as WireResponse;
      assert.equal(answer.statusCode, 400);
      assert.ok(JSON.parse(Buffer.from(answer.bodyBase64, 'base64').toString()).__type);
    }
    assert.ok((await bridgeKms(client).send(new ListKeysCommand({}))).Keys);
  });

  it('moves the engine clock forward on request, never back', async () => {
    const moved = (await client.connection.sendRequest(AdvanceEngineClockRequest.method, { advance: '30d' })) as AdvanceEngineClockResult;
    assert.ok(moved.offsetMs >= 30 * 86_400_000);
    assert.ok(Date.parse(moved.now) > Date.now() + 29 * 86_400_000);
    await assert.rejects(client.connection.sendRequest(AdvanceEngineClockRequest.method, { to: '2001-01-01T00:00:00Z' }), /only moves forward/);
  });

  it('keeps the keys in the encrypted store across a restart of the language server', async () => {
    const created = await bridgeKms(client).send(new CreateKeyCommand({ Description: 'durable' }));
    await client.close();
    client = await startLanguageServer({ engineStorePath: store.path }, rootKeyHex);
    const keys = await bridgeKms(client).send(new ListKeysCommand({ Limit: 1000 }));
    assert.ok(keys.Keys?.some((k) => k.KeyId === created.KeyMetadata!.KeyId));
  });
});

describe('the editor bridge with an environment file', () => {
  const dir = scratchDir('kms-bridge-env-');
  after(() => dir.remove());

  it('offers the file\'s principals and opens no endpoint when engineHttpPort is null', async () => {
    const environmentFile = dir.file(
      'kms-environment.json',
      JSON.stringify({
        accounts: [{ id: '111122223333' }],
        principals: [
          { arn: 'arn:aws:iam::111122223333:root', accessKeys: [{ accessKeyId: 'test', secretAccessKey: 'test' }] },
          { arn: 'arn:aws:iam::111122223333:role/App', accessKeys: [{ accessKeyId: 'AKIAAPPEXAMPLE', secretAccessKey: 'app-secret' }] },
        ],
      }),
    );
    const client = await startLanguageServer({ environmentFile, workspaceTrusted: true, engineHttpPort: null });
    try {
      const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
      assert.deepEqual(info.principals.map((p) => [p.arn, p.accessKeyId]), [
        ['arn:aws:iam::111122223333:root', 'test'],
        ['arn:aws:iam::111122223333:role/App', 'AKIAAPPEXAMPLE'],
      ]);
      assert.equal(info.endpoint, undefined);
      // The App role has no identity policy: acting as it, the engine denies.
      await expectKmsError(bridgeKms(client, { accessKeyId: 'AKIAAPPEXAMPLE', secretAccessKey: 'app-secret' }).send(new ListKeysCommand({})), 'AccessDeniedException');
    } finally {
      await client.close();
    }
  });

  it('leaves a store it cannot decrypt untouched and serves from memory, saying so', async () => {
    const storeDir = join(dir.path, 'store');
    const first = await startLanguageServer({ engineStorePath: storeDir, engineHttpPort: null }, randomBytes(32).toString('hex'));
    await bridgeKms(first).send(new CreateKeyCommand({}));
    await first.close();
    const snapshotBefore = readdirSync(storeDir).map((name) => [name, readFileSync(join(storeDir, name)).toString('base64')]);

    const second = await startLanguageServer({ engineStorePath: storeDir, engineHttpPort: null }, randomBytes(32).toString('hex'));
    try {
      const keys = await bridgeKms(second).send(new ListKeysCommand({}));
      assert.deepEqual(keys.Keys, [], 'a fresh in-memory engine');
      assert.ok(second.messages.some((m) => m.includes(storeDir) && m.includes('in memory')), second.messages.join('\n'));
    } finally {
      await second.close();
    }
    const snapshotAfter = readdirSync(storeDir).map((name) => [name, readFileSync(join(storeDir, name)).toString('base64')]);
    assert.deepEqual(snapshotAfter, snapshotBefore, 'the store is left exactly as it was');
  });

  it('reads no environment file in an untrusted workspace: the engine serves the default account', async () => {
    const environmentFile = dir.file(
      'untrusted-environment.json',
      JSON.stringify({
        accounts: [{ id: '444455556666' }],
        principals: [{ arn: 'arn:aws:iam::444455556666:root', accessKeys: [{ accessKeyId: 'AKIAPLANTEDEXAMPLE', secretAccessKey: 'planted' }] }],
      }),
    );
    for (const options of [{ environmentFile, engineHttpPort: null }, { environmentFile, workspaceTrusted: false, engineHttpPort: null }]) {
      const client = await startLanguageServer(options);
      try {
        const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
        assert.equal(info.accountId, '111122223333');
        assert.deepEqual(info.principals.map((p) => p.accessKeyId), ['test'], 'the planted access key is not served');
      } finally {
        await client.close();
      }
    }
  });

  it('takes the store\'s root key from its process environment only: a key in initialize parameters (which a trace logs) is not used', async () => {
    const storeDir = join(dir.path, 'store-key-in-initialize');
    const options = { engineStorePath: storeDir, engineHttpPort: null, engineRootKeyHex: randomBytes(32).toString('hex') } as ServerInitializationOptions;
    const client = await startLanguageServer(options);
    try {
      await bridgeKms(client).send(new ListKeysCommand({}));
      assert.ok(client.messages.some((m) => m.includes('no valid root key')), client.messages.join('\n'));
      assert.equal(existsSync(storeDir), false, 'no store was opened under a key from initialize');
    } finally {
      await client.close();
    }
  });

  it('falls back to the default account with a warning when the environment file is broken', async () => {
    const environmentFile = dir.file('broken.json', '{ "principals": ');
    const client = await startLanguageServer({ environmentFile, workspaceTrusted: true, engineHttpPort: null });
    try {
      const info = (await client.connection.sendRequest(EngineInfoRequest.method)) as EngineInfoResult;
      assert.equal(info.principals[0]?.accessKeyId, 'test');
      assert.ok(client.messages.some((m) => m.includes('broken.json') && m.includes('cannot be used')), client.messages.join('\n'));
    } finally {
      await client.close();
    }
  });
});
