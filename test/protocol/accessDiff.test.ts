// The access diff in the editor, through the bundled server: a key policy in a temporary git
// repository is compared with its HEAD version (request and code lens), a file outside git says
// so instead of failing, Put Key Policy's two texts are compared, and the save checks the
// settings turn on come back as diagnostics with their witness.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { open, startClient, waitFor, type TestClient } from './lspTestClient';

const ACCOUNT = '111122223333';
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2) + '\n';
const rootStatement = { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const partnerDecrypt = { Sid: 'PartnerDecrypts', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'kms:Decrypt', Resource: '*' };
const appEncrypt = { Sid: 'AppEncrypts', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/App` }, Action: 'kms:Encrypt', Resource: '*' };
const publicDescribe = { Sid: 'AnyoneDescribes', Effect: 'Allow', Principal: '*', Action: 'kms:DescribeKey', Resource: '*' };

const CAPABILITIES = { textDocument: { codeLens: {}, diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } };

interface DiffAnswer {
  status: string;
  reason?: string;
  lines: string[];
  title: string;
  text: string;
}
interface Lens {
  range: { start: { line: number } };
  command: { title: string; command: string; arguments: unknown[]; tooltip?: string };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

describe('access diff in the editor (trusted workspace)', () => {
  let client: TestClient;
  let repo: string;
  let outside: string;
  let loose: string;
  before(async () => {
    repo = mkdtempSync(join(tmpdir(), 'kms-access-diff-'));
    outside = mkdtempSync(join(tmpdir(), 'kms-no-git-'));
    loose = mkdtempSync(join(tmpdir(), 'kms-loose-folder-'));
    git(repo, 'init', '-q');
    writeFileSync(join(repo, 'app.key-policy.json'), policy(rootStatement, appEncrypt));
    git(repo, 'add', 'app.key-policy.json');
    git(repo, 'commit', '-q', '-m', 'key policy');
    client = await startClient(CAPABILITIES, {}, [
      { uri: pathToFileURL(repo).href, name: 'repo' },
      { uri: pathToFileURL(loose).href, name: 'loose' },
    ], { workspaceTrusted: true });
  });
  after(async () => {
    await client.close();
    rmSync(repo, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
    rmSync(loose, { recursive: true, force: true });
  });

  const lensesOf = (uri: string) => client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Promise<Lens[]>;
  const accessLens = async (uri: string) => (await lensesOf(uri)).filter((l) => l.command.command === 'kmsPolicyStudio.showAccessDiff');

  it('says in words what the working copy grants that HEAD does not, and what it takes away', async () => {
    const path = join(repo, 'app.key-policy.json');
    const edited = policy(rootStatement, partnerDecrypt);
    writeFileSync(path, edited);
    const uri = pathToFileURL(path).href;
    open(client, uri, edited);
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/accessDiff', { uri })) as DiffAnswer;
    assert.equal(answer.status, 'compared');
    assert.deepEqual(answer.lines, [
      '+ arn:aws:iam::444455556666:root may now kms:Decrypt, any encryption context',
      '- arn:aws:iam::111122223333:role/App (with no IAM policy) may no longer kms:Encrypt, any encryption context',
      '- arn:aws:sts::111122223333:assumed-role/App/any-session (with no IAM policy) may no longer kms:Encrypt, any encryption context',
    ]);
    assert.equal(answer.title, 'Access diff vs HEAD: +1 / \u22122');
    assert.match(answer.text, /^Access diff: app\.key-policy\.json in HEAD \u2192 app\.key-policy\.json \(working copy\)\n/);
    assert.ok(answer.text.includes(answer.lines[0]!));

    const lenses = await accessLens(uri);
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.range.start.line, 0);
    assert.equal(lenses[0]!.command.title, 'Access diff vs HEAD: +1 / \u22122');
    assert.deepEqual(lenses[0]!.command.arguments, [uri]);
  });

  it('sees the unsaved text: back to HEAD\u2019s policy, reordered, is no access change', async () => {
    const path = join(repo, 'app.key-policy.json');
    const uri = pathToFileURL(path).href;
    client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: policy(appEncrypt, rootStatement) }] });
    const lenses = await accessLens(uri);
    assert.equal(lenses[0]!.command.title, 'No access change vs HEAD');
  });

  it('an untracked file in the repository is not under git: the lens says so, the request answers without an error', async () => {
    const path = join(repo, 'new.key-policy.json');
    writeFileSync(path, policy(rootStatement));
    const uri = pathToFileURL(path).href;
    open(client, uri, policy(rootStatement));
    const lenses = await accessLens(uri);
    assert.equal(lenses[0]!.command.title, 'Access diff: not under git');
    assert.equal(lenses[0]!.command.tooltip, 'the file is not in HEAD (untracked or new)');
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/accessDiff', { uri })) as DiffAnswer;
    assert.equal(answer.status, 'notUnderGit');
    assert.deepEqual(answer.lines, []);
  });

  it('a file outside any repository is not under git; outside the workspace folders it gets no lens (a live key policy in the extension\u2019s storage)', async () => {
    const path = join(outside, 'key-policy.json');
    writeFileSync(path, policy(rootStatement));
    const uri = pathToFileURL(path).href;
    open(client, uri, policy(rootStatement));
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/accessDiff', { uri })) as DiffAnswer;
    assert.equal(answer.status, 'notUnderGit');
    assert.equal(answer.reason, 'the folder is not in a git repository');
    assert.deepEqual(await accessLens(uri), []);
  });

  it('a workspace folder that is no repository says so in the lens', async () => {
    const path = join(loose, 'key-policy.json');
    writeFileSync(path, policy(rootStatement));
    const uri = pathToFileURL(path).href;
    open(client, uri, policy(rootStatement));
    const lenses = await accessLens(uri);
    assert.equal(lenses[0]!.command.title, 'Access diff: not under git');
    assert.equal(lenses[0]!.command.tooltip, 'the folder is not in a git repository');
  });

  it('compares two texts for Put Key Policy: the live policy and the edited one, for the key named', async () => {
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/accessDiff', {
      reference: policy(rootStatement),
      candidate: policy(rootStatement, partnerDecrypt),
      keyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    })) as DiffAnswer;
    assert.equal(answer.status, 'compared');
    assert.deepEqual(answer.lines, ['+ arn:aws:iam::444455556666:root may now kms:Decrypt, any encryption context']);
    assert.equal(answer.title, 'Access diff vs the key: +1 / \u22120');
  });

  it('an edited policy that is not JSON yet gets no diff, and no error', async () => {
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/accessDiff', { reference: policy(rootStatement), candidate: '{ "Statement": [' })) as DiffAnswer;
    assert.equal(answer.status, 'invalid');
    assert.match(answer.reason!, /not a key policy yet/);
  });

  it('reports the save checks the settings turn on, at the allowing statement, with the witness', async () => {
    client.settings = { accessChecks: { noPublicAccess: true, actionsNeverGranted: ['kms:Decrypt', 'kms:NoSuchAction'] } };
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const text = policy(rootStatement, partnerDecrypt, publicDescribe);
    const uri = pathToFileURL(join(outside, 'checked.key-policy.json')).href;
    open(client, uri, text);
    const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code: string; message: string; severity: number; range: { start: { line: number } } }[] };
    const checks = report.items.filter((d) => d.code === 'KMS_PUBLIC_ACCESS' || d.code === 'KMS_ACCESS_GRANTED');
    const publicAccess = checks.filter((d) => d.code === 'KMS_PUBLIC_ACCESS');
    assert.equal(publicAccess.length, 1);
    assert.equal(
      publicAccess[0]!.message,
      'Public access (setting accessChecks.noPublicAccess): the root user of an account no policy names (999999999999) may kms:DescribeKey: statement "AnyoneDescribes" of the policy allows it.',
    );
    assert.equal(publicAccess[0]!.range.start.line, text.split('\n').findIndex((l) => l.includes('"AnyoneDescribes"')) - 1);
    const granted = checks.filter((d) => d.code === 'KMS_ACCESS_GRANTED');
    assert.ok(granted.some((d) => /names no KMS action with "kms:NoSuchAction"/.test(d.message)), 'an unknown action in the setting is said');
    const partner = granted.find((d) => d.message.includes('444455556666'));
    assert.ok(partner, JSON.stringify(granted));
    assert.equal(
      partner.message,
      'kms:Decrypt is never to be granted (setting accessChecks.actionsNeverGranted), yet the root user of account 444455556666 may kms:Decrypt, any encryption context: statement "PartnerDecrypts" of the policy allows it.',
    );

    client.settings = {};
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const off = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: { code: string }[] };
    assert.deepEqual(off.items.filter((d) => d.code === 'KMS_PUBLIC_ACCESS' || d.code === 'KMS_ACCESS_GRANTED'), []);
  });
});

describe('access diff in an untrusted workspace', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient(CAPABILITIES);
  });
  after(() => client.close());

  it('runs no git: no lens, and the request says why', async () => {
    const uri = pathToFileURL(join(tmpdir(), 'untrusted', 'key-policy.json')).href;
    open(client, uri, policy(rootStatement));
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Lens[];
    assert.deepEqual(lenses.filter((l) => l.command.command === 'kmsPolicyStudio.showAccessDiff'), []);
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/accessDiff', { uri })) as DiffAnswer;
    assert.equal(answer.status, 'untrusted');
  });
});

describe('access diff lens after a commit', () => {
  it('a commit rewrites .git/index and the branch ref: the server asks the editor for the lenses again, and they compare with the new HEAD', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'kms-access-diff-commit-'));
    const client = await startClient(
      { ...CAPABILITIES, workspace: { configuration: true, codeLens: { refreshSupport: true } } },
      {},
      [{ uri: pathToFileURL(repo).href, name: 'repo' }],
      { workspaceTrusted: true },
    );
    let refreshes = 0;
    client.connection.onRequest('workspace/codeLens/refresh', () => {
      refreshes++;
      return null;
    });
    try {
      const path = join(repo, 'key-policy.json');
      const uri = pathToFileURL(path).href;
      writeFileSync(path, policy(rootStatement, appEncrypt));
      git(repo, 'init', '-q');
      git(repo, 'add', 'key-policy.json');
      git(repo, 'commit', '-q', '-m', 'key policy');
      const edited = policy(rootStatement, partnerDecrypt);
      writeFileSync(path, edited);
      open(client, uri, edited);
      const lensTitle = async () =>
        ((await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Lens[]).find((l) => l.command.command === 'kmsPolicyStudio.showAccessDiff')?.command.title;
      assert.equal(await lensTitle(), 'Access diff vs HEAD: +1 / \u22122');

      git(repo, 'commit', '-q', '-am', 'partner decrypts');
      // What the editor's file watcher reports; a change elsewhere asks for nothing.
      client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(repo, 'README.md')).href, type: 2 }] });
      client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [
          { uri: pathToFileURL(join(repo, '.git', 'index')).href, type: 2 },
          { uri: pathToFileURL(join(repo, '.git', 'refs', 'heads', 'main')).href, type: 2 },
        ],
      });
      await waitFor(() => (refreshes > 0 ? true : undefined));
      assert.equal(refreshes, 1);
      assert.equal(await lensTitle(), 'No access change vs HEAD');
    } finally {
      await client.close();
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
