// Scenario files: every problem named by its JSON path with the range of the offending value,
// and a valid file's policies wrapped so the trace points at their statements.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseScenarioText } from '../../../server/src/core/access/scenarioParser';
import { simulateAccess } from '../../../server/src/core/access/simulateAccess';
import { explainSimulation } from '../../../server/src/core/access/simulationExplainer';

const examples = join(import.meta.dirname, '../../../examples');
const allowed = readFileSync(join(examples, 'decrypt-as-app.kms-scenario.json'), 'utf8');

function issuesOf(text: string) {
  return parseScenarioText(text).issues.map((i) => ({ message: i.message, text: i.range ? text.slice(i.range.start, i.range.end) : undefined }));
}

describe('scenario files', () => {
  it('the example scenarios parse and decide: the app role is allowed, alice is denied', () => {
    const app = parseScenarioText(allowed, 'decrypt-as-app.kms-scenario.json');
    assert.deepEqual(app.issues, []);
    assert.equal(simulateAccess(app.scenario!).decision, 'Allow');
    const alice = parseScenarioText(readFileSync(join(examples, 'alice-decrypt-denied.kms-scenario.json'), 'utf8'));
    assert.equal(simulateAccess(alice.scenario!).decision, 'ImplicitDeny');
  });

  it('names the field and points at the value: request.action must look like kms:Decrypt', () => {
    const text = allowed.replace('"action": "kms:Decrypt"', '"action": "Decrypt"');
    assert.deepEqual(issuesOf(text), [{ message: 'request.action: must be a string like "kms:Decrypt"', text: '"Decrypt"' }]);
  });

  it('reports missing and unknown properties, wrong types and enum values', () => {
    const scenario = JSON.parse(allowed);
    delete scenario.request.principal;
    scenario.request.encryptionContex = {};
    scenario.key.state = 'Paused';
    scenario.grants[0].operations = 'Decrypt';
    const text = JSON.stringify(scenario, null, 2);
    const messages = issuesOf(text).map((i) => i.message);
    assert.deepEqual(messages, [
      'request.principal: is required',
      'request.encryptionContex: is not a known property',
      'key.state: must be one of "Creating", "Enabled", "Disabled", "PendingDeletion", "PendingImport", "PendingReplicaDeletion", "Unavailable", "Updating"',
      'grants[0].operations: must be an array',
    ]);
  });

  it('warns when a valid scenario asks about another key or carries a grant for another key', () => {
    const scenario = JSON.parse(allowed);
    scenario.request.resource = 'arn:aws:kms:us-east-1:111122223333:key/other';
    scenario.grants[0].keyArn = 'arn:aws:kms:us-east-1:111122223333:key/other';
    const text = JSON.stringify(scenario, null, 2);
    const result = parseScenarioText(text);
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.warnings!.map((w) => [w.message, text.slice(w.range!.start, w.range!.end)]),
      [
        ['request.resource: names a different key than key.arn (arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab); the answer will be NotFoundException', '"arn:aws:kms:us-east-1:111122223333:key/other"'],
        ['grants[0].keyArn: is not key.arn; this grant never applies to the request', '"arn:aws:kms:us-east-1:111122223333:key/other"'],
      ],
    );
    assert.deepEqual(parseScenarioText(allowed).warnings, []);
  });

  it('reports JSON syntax errors and an empty file without throwing', () => {
    assert.match(issuesOf('{ "request": ')[0].message, /^JSON syntax: value expected at offset 13$/);
    assert.match(issuesOf('  ')[0].message, /the file is empty/);
  });

  it('the trace points at statements inside the scenario file', () => {
    const { scenario } = parseScenarioText(allowed, 'decrypt-as-app.kms-scenario.json');
    const result = simulateAccess(scenario!);
    const deciding = result.trace.policies.find((p) => p.kind === 'key-policy')!.statements.find((s) => s.deciding)!;
    assert.equal(allowed.slice(deciding.range!.start, deciding.range!.end).startsWith('{'), true);
    assert.match(allowed.slice(deciding.range!.start, deciding.range!.end), /"Sid": "AppRoleUsesKeyForItsTeam"/);
    assert.match(explainSimulation(result), new RegExp(`>> Allow "AppRoleUsesKeyForItsTeam" \\(line ${deciding.range!.startLine}\\): matches - deciding`));
  });
});

describe('pasted AWS CLI output', () => {
  it('accepts describe-key, get-key-policy and list-grants output as key, keyPolicy and grants, and decides as the scenario\'s own shape does', () => {
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] };
    const pasted = {
      request: { principal: 'arn:aws:iam::111122223333:user/alice', action: 'kms:Decrypt', resource: keyArn, encryptionContext: { team: 'billing' } },
      key: { KeyMetadata: { AWSAccountId: '111122223333', KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Arn: keyArn, KeyState: 'Enabled', KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Origin: 'AWS_KMS', MultiRegion: false } },
      keyPolicy: { Policy: JSON.stringify(policy), PolicyName: 'default' },
      grants: {
        Grants: [{
          KeyId: keyArn,
          GrantId: 'abcdef0123456789',
          Name: '',
          CreationDate: '2026-01-01T00:00:00+00:00',
          GranteePrincipal: 'arn:aws:iam::111122223333:user/alice',
          IssuingAccount: 'arn:aws:iam::111122223333:root',
          Operations: ['Decrypt'],
          Constraints: { EncryptionContextSubset: { team: 'billing' } },
        }],
      },
    };
    const { scenario, issues } = parseScenarioText(JSON.stringify(pasted, null, 2));
    assert.deepEqual(issues, []);
    assert.equal(scenario!.key.arn, keyArn);
    assert.equal(scenario!.key.region, 'us-east-1');
    assert.equal(scenario!.grants![0]!.issuingAccount, 'arn:aws:iam::111122223333:root');
    const result = simulateAccess(scenario!);
    assert.equal(result.decision, 'Allow');
    assert.equal(result.allowedBy, 'grant');
  });
});
