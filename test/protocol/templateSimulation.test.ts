// Simulate access and Who Can Use on a YAML CloudFormation template, over the protocol: each
// key-policy statement has a "Simulate access" lens (with the template's principal and action
// when the statement names them) and each key policy a "Who can use" lens; the requests those
// lenses lead to are decided against the environment the template makes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { templateKeyArn } from '../../server/src/core/templates/intrinsicResolver';
import { SimulateRequest, WhoCanUseKeyRequest, type SimulateResult, type WhoCanUseKeyResult } from '../../server/src/protocol';
import { open, startClient, type TestClient } from './lspTestClient';

const example = readFileSync(join(import.meta.dirname, '../../examples/cloudformation/kms-key.yaml'), 'utf8');
/** The example, with an inline policy that lets AppRole decrypt with the key. */
const template = example.replace(
  '            Action: sts:AssumeRole\n',
  `            Action: sts:AssumeRole
      Policies:
        - PolicyName: decrypt-data
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: kms:Decrypt
                Resource: !GetAtt DataKey.Arn
`,
);
const withoutDelegation = template.replace(/          - Sid: Enable IAM User Permissions\n(?:            .*\n)+?(?=          - Sid)/, '');
const URI = 'file:///ws/stack.yaml';
const APP_ROLE = 'arn:aws:iam::000000000000:role/AppRole';
const KEY = templateKeyArn('DataKey');

interface Lens {
  range: { start: { line: number; character: number } };
  command: { title: string; command: string; arguments: unknown[] };
}

describe('Simulate access and Who Can Use on a CloudFormation template', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient({ textDocument: { codeLens: {} } });
    open(client, URI, template, 'yaml');
    open(client, 'file:///ws/no-delegation.yaml', withoutDelegation, 'yaml');
  });
  after(() => client.close());

  it('a lens on each statement of the key policy, and one for who can use the key', async () => {
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } })) as Lens[];
    assert.deepEqual(lenses.map((l) => l.command.title), [
      '$(organization) Who can use DataKey?',
      '$(play) Simulate access (Enable IAM User Permissions)',
      '$(play) Simulate access (Allow access for Key Administrators)',
      '$(play) Simulate access (Allow use of the key through S3)',
    ]);
    assert.deepEqual(lenses[0]!.command.arguments, [`${URI}#DataKey`]);
    const s3 = lenses[3]!;
    assert.equal(s3.command.command, 'kmsPolicyStudio.simulateAccess');
    assert.deepEqual(s3.command.arguments, [URI, 2, { resource: KEY, principal: APP_ROLE, action: 'kms:Encrypt' }]);
    assert.equal(s3.range.start.line, template.slice(0, template.indexOf('- Sid: Allow use of the key through S3')).split('\n').length - 1);
  });

  it('the simulation a lens asks for is decided against the template: its role, its inline policy, the key policy that delegates', async () => {
    const ask = async (uri: string) =>
      (await client.connection.sendRequest(SimulateRequest.method, { policyUri: uri, scenario: { request: { principal: APP_ROLE, action: 'kms:Decrypt', resource: KEY } } })) as SimulateResult;
    const allowed = await ask(URI);
    assert.equal(allowed.decision, 'Allow');
    assert.equal(allowed.allowedBy, 'key-policy-and-iam');
    // The trace links the key policy's statements to where the template writes them.
    const keyPolicy = allowed.trace.policies.find((p) => p.kind === 'key-policy');
    assert.equal(keyPolicy?.source, URI);
    const delegation = keyPolicy?.statements.find((s) => s.sid === 'Enable IAM User Permissions');
    assert.equal(delegation?.range?.startLine, template.slice(0, template.indexOf('- Sid: Enable IAM User Permissions')).split('\n').length);
    // And the role's inline policy, to its statement in the template.
    const inline = allowed.trace.policies.find((p) => p.kind === 'identity-policy' && p.name.startsWith('decrypt-data'));
    assert.equal(inline?.source, URI);
    assert.equal(inline?.statements[0]?.range?.startLine, template.slice(0, template.indexOf('              - Effect: Allow\n                Action: kms:Decrypt')).split('\n').length);
    const denied = await ask('file:///ws/no-delegation.yaml');
    assert.equal(denied.decision, 'ImplicitDeny');
    assert.match(denied.summary ?? '', /no key policy statement allows kms:Decrypt for this caller/);
  });

  it('Who can use lists the template\'s role', async () => {
    const table = (await client.connection.sendRequest(WhoCanUseKeyRequest.method, { key: `${URI}#DataKey`, actions: ['kms:Decrypt', 'kms:Encrypt'] })) as WhoCanUseKeyResult;
    assert.equal(table.keyArn, KEY);
    const appRole = table.rows.find((r) => r.principal === APP_ROLE);
    assert.ok(appRole, table.text);
    assert.deepEqual(appRole.cells.map((c) => c.decision), ['Allow', 'ImplicitDeny']);
  });
});
