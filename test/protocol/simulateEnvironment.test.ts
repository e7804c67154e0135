// Simulate access against the workspace's environment file, as the extension starts the server:
// a request naming only principal, action and key is completed from examples/kms-environment.json
// (key policy file, grants, the caller's IAM policies, SCPs), and "who can use this key" answers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { SERVER_MAIN } from './lspTestClient';

const examples = join(import.meta.dirname, '../../examples');
const environmentFile = join(examples, 'kms-environment.json');
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

interface Answer {
  decision: string;
  error: string | null;
  allowedBy?: string | null;
  trace: { policies: { kind: string; name: string; source?: string; statements: { deciding?: boolean; sid?: string }[] }[]; grants: { grantId: string; deciding?: boolean }[] };
}

describe('simulate access against the environment file', () => {
  let connection: MessageConnection;
  let child: ReturnType<typeof spawn>;
  before(async () => {
    child = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.onNotification('window/logMessage', () => undefined);
    connection.onNotification('textDocument/publishDiagnostics', () => undefined);
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { environmentFile, workspaceTrusted: true } });
    await connection.sendNotification('initialized', {});
  });
  after(async () => {
    try {
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } catch {
      // Already gone; the kill below settles it.
    }
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.kill();
    connection.dispose();
  });

  const simulate = (request: object) => connection.sendRequest('kmsPolicyStudio/simulate', { scenario: { request } }) as Promise<Answer>;

  it('completes principal + action + alias from the environment: alice decrypts through her grant with its encryption context', async () => {
    const answer = await simulate({ principal: 'arn:aws:iam::111122223333:user/alice', action: 'kms:Decrypt', keyIdAsGiven: 'alias/demo-app', encryptionContext: { team: 'billing' } });
    assert.equal(answer.decision, 'Allow');
    assert.equal(answer.allowedBy, 'grant');
    assert.equal(answer.trace.grants.find((g) => g.deciding)?.grantId, '0c7a6b5e4d3c2b1a0f9e8d7c6b5a49382716050f4e3d2c1b0a99887766554433');
  });

  it('Simulate access from the open key-policy.json decides for the key the environment declares it for (alias/demo-app), as the CLI does', async () => {
    const policyUri = pathToFileURL(join(examples, 'key-policy.json')).toString();
    const principal = 'arn:aws:iam::444455556666:role/PartnerReader';
    const answer = (await connection.sendRequest('kmsPolicyStudio/simulate', { scenario: { request: { principal, action: 'kms:Decrypt' } }, policyUri })) as Answer & { summary: string; result: { request: { resource: string } } };
    assert.equal(answer.decision, 'Allow');
    assert.equal(answer.result.request.resource, KEY_ARN);
    assert.doesNotMatch(answer.summary, /hypothetical/);
    const cli = await simulate({ principal, action: 'kms:Decrypt', resource: KEY_ARN });
    assert.equal(cli.decision, answer.decision);
  });

  it('a key policy no key of the environment uses is decided for a key the result calls hypothetical', async () => {
    const policyUri = pathToFileURL(join(examples, 'organization-wide-key-policy.json')).toString();
    const answer = (await connection.sendRequest('kmsPolicyStudio/simulate', { scenario: { request: { principal: 'arn:aws:iam::111122223333:root', action: 'kms:Decrypt' } }, policyUri })) as Answer & { summary: string };
    assert.match(answer.summary, /hypothetical key/);
    // Decided, not lost: the made-up key resolves like any key (its id reads as a key id).
    assert.equal(answer.decision, 'Allow', answer.summary);
  });

  it('the key policy in the trace links to its file next to the environment file', async () => {
    const answer = await simulate({ principal: 'arn:aws:iam::111122223333:user/alice', action: 'kms:Decrypt', resource: KEY_ARN });
    assert.equal(answer.decision, 'ImplicitDeny');
    const keyPolicy = answer.trace.policies.find((p) => p.kind === 'key-policy')!;
    assert.equal(keyPolicy.source, pathToFileURL(join(examples, 'key-policy.json')).toString());
  });

  it('the organization\'s SCP denies ScheduleKeyDeletion to everyone but KeyAdmin', async () => {
    const answer = await simulate({ principal: 'arn:aws:iam::111122223333:root', action: 'kms:ScheduleKeyDeletion', resource: KEY_ARN });
    assert.equal(answer.decision, 'ExplicitDeny');
    const admin = await simulate({ principal: 'arn:aws:sts::111122223333:assumed-role/KeyAdmin/ops', action: 'kms:ScheduleKeyDeletion', resource: KEY_ARN });
    assert.equal(admin.decision, 'Allow');
  });

  it('a key the environment does not have is NotFoundException', async () => {
    const answer = await simulate({ principal: 'arn:aws:iam::111122223333:user/alice', action: 'kms:Decrypt', keyIdAsGiven: 'alias/missing' });
    assert.equal(answer.error, 'NotFoundException');
  });

  it('offers the environment\'s principals, keys and grant encryption contexts as simulation choices', async () => {
    const choices = (await connection.sendRequest('kmsPolicyStudio/simulationChoices', {})) as {
      environmentFile: string;
      principals: { arn: string; name?: string }[];
      keys: { arn: string; aliases: string[]; state: string }[];
      encryptionContexts: Record<string, string>[];
    };
    assert.equal(choices.environmentFile, environmentFile);
    assert.ok(choices.principals.some((p) => p.arn === 'arn:aws:iam::111122223333:role/AppRole' && p.name === 'AppRole'));
    assert.deepEqual(choices.keys, [
      { arn: KEY_ARN, aliases: ['alias/demo-app'], description: 'Demo application key', state: 'Enabled' },
      {
        arn: 'arn:aws:kms:us-east-1:111122223333:key/5678abcd-56ab-78cd-90ef-5678901234cd',
        aliases: ['alias/reports'],
        description: 'Reports key: its policy names its users and does not delegate to IAM',
        state: 'Enabled',
      },
    ]);
    assert.deepEqual(choices.encryptionContexts, [{ team: 'billing' }]);
  });

  it('who can use the key: a row per principal, with the path', async () => {
    const table = (await connection.sendRequest('kmsPolicyStudio/whoCanUseKey', { key: 'alias/demo-app', actions: ['kms:Decrypt'] })) as {
      keyArn: string;
      rows: { principal: string; cells: { action: string; decision: string; via: string | null }[] }[];
      text: string;
    };
    assert.equal(table.keyArn, KEY_ARN);
    const alice = table.rows.find((r) => r.principal === 'arn:aws:iam::111122223333:user/alice')!;
    assert.deepEqual(alice.cells.map((c) => [c.action, c.decision, c.via]), [['kms:Decrypt', 'Allow', 'grant']]);
    assert.match(table.text, /^Who can use arn:aws:kms:us-east-1:111122223333:key\/1234abcd-12ab-34cd-56ef-1234567890ab/);
  });
});
