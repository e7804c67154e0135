// Put Key Policy on a key of the embedded engine, as the extension asks for it: calls made through
// @aws-sdk/client-kms over the in-editor bridge leave CloudTrail events, and the access diff of an
// edited policy (`kmsPolicyStudio/accessDiff` with the live and the edited text) says first how
// many of them the edit would refuse.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { AccessDiffRequest, ENGINE_ROOT_KEY_ENV, KmsWireRequest, type AccessDiffResult, type WireRequest, type WireResponse } from '../../server/src/protocol';
import { InProcessRequestHandler } from './support/inProcessRequestHandler';
import { scratchDir } from './support/kmsTransports';
import { REPO_ROOT } from './support/serveProcess';

const SERVER_MAIN = join(REPO_ROOT, 'dist', 'server', 'serverMain.js');
const ROOT = 'arn:aws:iam::111122223333:root';

describe('Put Key Policy on a key of the embedded engine counts the recorded calls the edit would refuse', () => {
  const store = scratchDir('kms-put-policy-store-');
  let connection: MessageConnection;
  let stop: () => Promise<void>;
  let kms: KMSClient;

  before(async () => {
    if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run 'node esbuild.mjs'.`);
    const child = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, [ENGINE_ROOT_KEY_ENV]: randomBytes(32).toString('hex') } });
    child.stderr!.resume();
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.onNotification(() => undefined);
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { engineStorePath: store.path } });
    await connection.sendNotification('initialized', {});
    const send = (request: WireRequest) => connection.sendRequest(KmsWireRequest.method, request) as Promise<WireResponse>;
    kms = new KMSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1, requestHandler: new InProcessRequestHandler(send) });
    stop = async () => {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill();
      connection.dispose();
    };
  });
  after(async () => {
    kms?.destroy();
    await stop?.();
    store.remove();
  });

  it('names the principal and actions of the recorded calls an edit would refuse, first among the lines', async () => {
    const key = (await kms.send(new CreateKeyCommand({ Description: 'put policy' }))).KeyMetadata!;
    const sealed = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new TextEncoder().encode('order 42') }));
    await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    const live = (await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }))).Policy!;

    // The edit hands the key to a role and drops the account's root delegation: the root user's calls stop working.
    const edited = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Only the admin role', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' }, Action: 'kms:*', Resource: '*' }] });
    const answer = (await connection.sendRequest(AccessDiffRequest.method, { reference: live, candidate: edited, keyArn: key.Arn })) as AccessDiffResult;
    assert.equal(answer.status, 'compared');
    assert.match(answer.lines[0]!, new RegExp(`^! 4 of the 5 successful call\\(s\\) recorded on this key in the last 30 days would be refused: ${ROOT} kms:Decrypt \u00d72, `));
    assert.match(answer.lines[0]!, /kms:Encrypt \u00d71/);
    assert.match(answer.lines[0]!, /kms:GetKeyPolicy \u00d71/);
    assert.ok(answer.lines.slice(1).every((line) => /^[+-] /.test(line)), 'the access diff lines follow');

    // An edit that takes nothing away says nothing about recorded calls.
    const same = (await connection.sendRequest(AccessDiffRequest.method, { reference: live, candidate: live, keyArn: key.Arn })) as AccessDiffResult;
    assert.deepEqual(same.lines, []);
  });
});
