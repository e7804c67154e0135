// CloudFormation templates over the protocol: a YAML template and a CDK-synthesized JSON
// template get their keys' findings at positions in the template, hover says what an
// intrinsic resolves to, and YAML that is not a template gets nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { escapeMarkdown } from '../../server/src/core/markdown/markdownText';
import { open, startClient, type TestClient } from './lspTestClient';

const example = readFileSync(join(import.meta.dirname, '../../examples/cloudformation/kms-key.yaml'), 'utf8');

const CAPABILITIES = {
  textDocument: { diagnostic: { dynamicRegistration: false }, hover: { contentFormat: ['markdown'] } },
  workspace: { configuration: true },
};

interface PulledDiagnostic {
  code: string;
  severity: number;
  source: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  data?: { fixes: { title: string; edits: { newText: string }[] }[] };
}

async function pull(client: TestClient, uri: string): Promise<PulledDiagnostic[]> {
  const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: PulledDiagnostic[] };
  return report.items;
}

function lineOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

describe('CloudFormation templates in the language server', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient(CAPABILITIES, { disabledRules: [] });
  });
  after(() => client.close());

  it('a correct YAML template (default policy with !Sub) has no error or warning', async () => {
    open(client, 'file:///ws/kms-key.yaml', example, 'yaml');
    const items = await pull(client, 'file:///ws/kms-key.yaml');
    assert.deepEqual(items.filter((d) => d.severity <= 2).map((d) => d.code), []);
  });

  it('a YAML template\'s findings point at its YAML nodes, with fixes only where YAML stays YAML', async () => {
    const text = example.replace('- kms:Decrypt', '- kms:Decrpyt').replace('              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root', '              AWS: !GetAtt AppRole.Arn');
    open(client, 'file:///ws/broken.yaml', text, 'yaml');
    const items = await pull(client, 'file:///ws/broken.yaml');
    const unknown = items.find((d) => d.code === 'UNKNOWN_ACTION');
    assert.ok(unknown);
    assert.equal(unknown.source, 'kms-policy');
    assert.deepEqual(unknown.range.start, { ...lineOf(text, 'kms:Decrpyt') });
    assert.deepEqual(unknown.data?.fixes.map((f) => f.edits.map((e) => e.newText)), [['"kms:Decrypt"']]);
    const noRoot = items.find((d) => d.code === 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.ok(noRoot, 'the account root statement is gone');
    assert.deepEqual(noRoot.data?.fixes.map((f) => f.title), ["Add the statement that enables IAM policies of the stack's account"]);
    assert.match(noRoot.data!.fixes[0]!.edits[0]!.newText, /^\n {10}- Sid: Enable IAM User Permissions\n/, 'a YAML item, not JSON');
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: 'file:///ws/broken.yaml' },
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as { title: string }[];
    assert.deepEqual(actions.map((a) => a.title), ["Change to 'kms:Decrypt'"]);
  });

  it('hover on !GetAtt says it is the template\'s role', async () => {
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///ws/kms-key.yaml' },
      position: lineOf(example, '!GetAtt AppRole.Arn'),
    })) as { contents: { value: string } } | null;
    assert.ok(hover);
    const [first, second] = hover.contents.value.split('\n');
    assert.equal(first, `**Resolves to** ${escapeMarkdown('arn:aws:iam::${AWS::AccountId}:role/AppRole')}`);
    assert.equal(second, `- ${escapeMarkdown("AppRole is the role AppRole of this template, in the stack's account.")}`);
    assert.match(hover.contents.value, /IAM role in account/);
  });

  it('a CDK template (JSON) is checked too', async () => {
    const cdk = JSON.stringify({
      Resources: {
        Key961B73FD: {
          Type: 'AWS::KMS::Key',
          Properties: {
            EnableKeyRotation: true,
            KeyPolicy: {
              Statement: [
                { Action: 'kms:*', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, Resource: '*' },
                { Action: 'kms:Sign', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }, Resource: '*' },
              ],
              Version: '2012-10-17',
            },
          },
        },
        CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:H4s' } },
      },
    }, null, 1);
    open(client, 'file:///ws/cdk.out/AppStack.template.json', cdk, 'json');
    const items = await pull(client, 'file:///ws/cdk.out/AppStack.template.json');
    assert.deepEqual(items.map((d) => d.code), ['KMS_ACTION_NOT_FOR_KEY_SPEC']);
    assert.deepEqual(items[0]!.range.start, lineOf(cdk, '"kms:Sign"'));
  });

  it('YAML and JSON that are not templates get nothing', async () => {
    open(client, 'file:///ws/docker-compose.yaml', 'services:\n  web:\n    image: nginx\n    command: kms:Decrpyt\n', 'yaml');
    assert.deepEqual(await pull(client, 'file:///ws/docker-compose.yaml'), []);
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///ws/docker-compose.yaml' }, position: { line: 3, character: 15 } });
    assert.equal(hover, null);
  });
});
