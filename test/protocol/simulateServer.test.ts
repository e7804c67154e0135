// Simulate access as an LSP client sees it: the kmsPolicyStudio/simulate request (complete
// scenarios, scenario documents, partial requests against an open key policy), the code lenses
// on key policies and scenario files, and the diagnostics pushed for scenario files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { open, startClient, waitFor, type TestClient } from './lspTestClient';

const examples = join(import.meta.dirname, '../../examples');
const allowedScenario = readFileSync(join(examples, 'decrypt-as-app.kms-scenario.json'), 'utf8');
const deniedScenario = readFileSync(join(examples, 'alice-decrypt-denied.kms-scenario.json'), 'utf8');

interface SimulateAnswer {
  decision: string;
  error: string | null;
  errorMessage?: string;
  explanation: string;
  trace: { policies: { kind: string; source?: string; statements: { sid?: string; deciding?: boolean; range?: { startLine: number } }[] }[] };
}

const KEY_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "EnableIAMPolicies",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "NoDeletion",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "kms:ScheduleKeyDeletion",
      "Resource": "*"
    }
  ]
}`;

describe('simulate access over LSP', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient({ textDocument: { codeLens: {} }, workspace: { configuration: true } });
  });
  after(async () => client.close());

  it('advertises code lenses', () => {
    assert.deepEqual(client.initializeResult?.capabilities.codeLensProvider, { resolveProvider: false });
  });

  it('answers a complete scenario with the decision, the error text and the trace', async () => {
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/simulate', { scenario: JSON.parse(deniedScenario) })) as SimulateAnswer;
    assert.equal(answer.decision, 'ImplicitDeny');
    assert.equal(answer.error, 'AccessDeniedException');
    assert.match(answer.errorMessage!, /^User: arn:aws:iam::111122223333:user\/alice is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key\/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action$/);
    assert.match(answer.explanation, /^Decision: ImplicitDeny \(AccessDeniedException\)/);
  });

  it('runs an open scenario document and points the trace into it', async () => {
    const uri = 'file:///workspace/decrypt-as-app.kms-scenario.json';
    open(client, uri, allowedScenario, 'kms-scenario');
    const answer = (await client.connection.sendRequest('kmsPolicyStudio/simulate', { scenario: null, scenarioUri: uri })) as SimulateAnswer;
    assert.equal(answer.decision, 'Allow');
    const keyPolicy = answer.trace.policies.find((p) => p.kind === 'key-policy')!;
    assert.equal(keyPolicy.source, uri);
    const deciding = keyPolicy.statements.find((s) => s.deciding)!;
    assert.equal(deciding.sid, 'AppRoleUsesKeyForItsTeam');
    const line = allowedScenario.split('\n').findIndex((l) => l.includes('"Sid": "AppRoleUsesKeyForItsTeam"'));
    assert.equal(deciding.range!.startLine, line); // the statement's "{" is on the line before its Sid (1-based)
  });

  it('completes a partial request from an open key policy (the environment\'s default account)', async () => {
    const uri = 'file:///workspace/key-policy.json';
    open(client, uri, KEY_POLICY);
    const ask = async (action: string) =>
      (await client.connection.sendRequest('kmsPolicyStudio/simulate', {
        scenario: { request: { principal: 'arn:aws:iam::111122223333:root', action } },
        policyUri: uri,
      })) as SimulateAnswer;
    assert.equal((await ask('kms:Decrypt')).decision, 'Allow');
    const denied = await ask('kms:ScheduleKeyDeletion');
    assert.equal(denied.decision, 'ExplicitDeny');
    const statement = denied.trace.policies[0].statements.find((s) => s.deciding)!;
    assert.equal(statement.sid, 'NoDeletion');
    assert.equal(statement.range!.startLine, 11); // 1-based: the statement's "{" is the 11th line
  });

  it('refuses bad input with a message naming the field', async () => {
    await assert.rejects(
      client.connection.sendRequest('kmsPolicyStudio/simulate', { scenario: { request: { principal: 'arn:aws:iam::111122223333:root', action: 'Decrypt' } } }),
      /scenario\.request\.action: must be a string like "kms:Decrypt"/,
    );
    await assert.rejects(
      client.connection.sendRequest('kmsPolicyStudio/simulate', { scenario: { request: { principal: 'bob', action: 'kms:Decrypt' } } }),
      /scenario\.request\.principal: must be an IAM or STS ARN/,
    );
    await assert.rejects(
      client.connection.sendRequest('kmsPolicyStudio/simulate', { scenario: { ...JSON.parse(allowedScenario), request: { principal: 'x', action: 'kms:Decrypt', resource: 'r' } } }),
      /request\.principal: must be an IAM or STS ARN/,
    );
  });

  it('puts a Simulate access lens on each statement of a key policy', async () => {
    const uri = 'file:///workspace/lenses/key-policy.json';
    open(client, uri, KEY_POLICY);
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command.command, l.command.arguments]),
      [
        [3, 'kmsPolicyStudio.simulateAccess', [uri, 0]],
        [10, 'kmsPolicyStudio.simulateAccess', [uri, 1]],
      ],
    );
    assert.equal(lenses[0].command.title, '$(play) Simulate access (EnableIAMPolicies)');
  });

  it('puts Run and the current decision on a scenario file', async () => {
    const uri = 'file:///workspace/lenses/denied.kms-scenario.json';
    open(client, uri, deniedScenario, 'kms-scenario');
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { command: { title: string; command: string } }[];
    assert.equal(lenses[0].command.title, '$(play) Run scenario');
    assert.equal(lenses[0].command.command, 'kmsPolicyStudio.runScenario');
    assert.match(lenses[1].command.title, /^ImplicitDeny \(AccessDeniedException\): /);
  });

  it('pushes schema diagnostics with ranges for a broken scenario file', async () => {
    const uri = 'file:///workspace/broken.kms-scenario.json';
    const broken = deniedScenario.replace('"action": "kms:Decrypt"', '"action": "Decrypt"');
    open(client, uri, broken, 'kms-scenario');
    const published = await waitFor(() => {
      const p = client.published.get(uri);
      return p && p.diagnostics.length ? (p as unknown as { diagnostics: { code: string; message: string; source: string; range: { start: { line: number } } }[] }) : undefined;
    }, 20_000); // generous: the machine running the suite may be busy
    assert.equal(published.diagnostics.length, 1);
    const [diagnostic] = published.diagnostics;
    assert.equal(diagnostic.code, 'SCENARIO_SCHEMA');
    assert.equal(diagnostic.source, 'kms-scenario');
    assert.equal(diagnostic.message, 'request.action: must be a string like "kms:Decrypt"');
    assert.equal(diagnostic.range.start.line, broken.split('\n').findIndex((l) => l.includes('"action": "Decrypt"')));
  });

  it('answers who can use a key only for keys of the environment', async () => {
    await assert.rejects(client.connection.sendRequest('kmsPolicyStudio/whoCanUseKey', { key: 'alias/nope' }), /is not a key of the environment file/);
  });
});
