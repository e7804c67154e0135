// Completion with what the workspace knows: templates in an empty file, the environment's
// principals and accounts, kms:ViaService endpoints per Region, and actions a key policy cannot
// control ranked last. Whole results and whole documents; `|` marks the cursor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionEntry, OffsetEdit } from '../../../server/src/core/analysis/analysisTypes';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';
import type { CompletionOptions } from '../../../server/src/core/analysis/policyCompletion';
import { AWS_REGIONS } from '../../../server/src/core/catalog/kmsCuratedFacts';
import type { Environment, EnvironmentKey } from '../../../server/src/core/environment/environmentModel';

const service = createKeyPolicyLanguageService();

function complete(fixture: string, options?: CompletionOptions) {
  const offset = fixture.indexOf('|');
  assert.ok(offset >= 0, 'fixture needs a | cursor');
  const text = fixture.slice(0, offset) + fixture.slice(offset + 1);
  return { text, items: service.doComplete(service.parse(text), offset, options) };
}

function insert(text: string, item: { range: OffsetEdit['range']; insertText: string }): string {
  return text.slice(0, item.range.start) + item.insertText + text.slice(item.range.end);
}

/** The order a client shows: by sortText, then label. */
function shown(items: readonly CompletionEntry[]): CompletionEntry[] {
  return [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label));
}

const key: EnvironmentKey = { account: '111122223333', region: 'eu-west-1', aliases: [], grants: [] };
const environment: Environment = {
  partition: 'aws',
  defaultRegion: 'us-east-1',
  accounts: [
    { id: '111122223333', name: 'prod', serviceControlPolicies: [], resourceControlPolicies: [] },
    { id: '444455556666', serviceControlPolicies: [], resourceControlPolicies: [] },
  ],
  principals: [
    { arn: 'arn:aws:iam::111122223333:root', identityPolicies: [], accessKeys: [] },
    { arn: 'arn:aws:iam::111122223333:role/Admin', identityPolicies: [], accessKeys: [] },
    { arn: 'arn:aws:iam::444455556666:user/alice', identityPolicies: [], accessKeys: [] },
  ],
  keys: [key],
};

describe('completion in an empty key-policy file', () => {
  it('offers the default key policy and the common starting points', () => {
    const { items } = complete('|');
    assert.deepEqual(
      items.map((i) => [i.label, i.kind, i.isSnippet, i.sortText]),
      [
        ['Default key policy', 'snippet', true, '00'],
        ['Key administrators and key users (console default)', 'snippet', true, '01'],
        ['Key for an AWS service principal', 'snippet', true, '02'],
        ['Key shared with another account', 'snippet', true, '03'],
      ],
    );
  });

  it('inserts the default key policy with the key\u2019s account, replacing the blank lines', () => {
    const { text, items } = complete('\n|\n', { environment, environmentKey: key });
    assert.equal(
      insert(text, items[0]!),
      '{\n\t"Version": "2012-10-17",\n\t"Statement": [\n\t\t{\n\t\t\t"Sid": "Enable IAM User Permissions",\n\t\t\t"Effect": "Allow",\n\t\t\t"Principal": { "AWS": "arn:aws:iam::111122223333:root" },\n\t\t\t"Action": "kms:*",\n\t\t\t"Resource": "*"\n\t\t}\n\t]\n}\n',
    );
  });

  it('keeps each statement\u2019s tab stops apart, and the key users one stop in both of their statements', () => {
    const body = complete('|').items[1]!.insertText;
    assert.deepEqual(body.match(/\$\{\d+:[^}]*\}/g), [
      '${1:111122223333}',
      '${1:111122223333}',
      '${2:KeyAdministrator}',
      '${1:111122223333}',
      '${3:KeyUser}',
      '${1:111122223333}',
      '${3:KeyUser}',
    ]);
  });

  it('makes a policy the checks accept once the placeholders are filled', () => {
    for (const item of complete('|', { environment, environmentKey: key }).items) {
      const text = item.insertText.replace(/\$\{\d+:([^}]*)\}/g, '$1');
      const errors = service.doValidation(service.parse(text)).filter((f) => f.severity === 'error');
      assert.deepEqual(errors.map((f) => f.code), [], item.label);
    }
  });
});

describe('principal completion', () => {
  const fixture = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::777788889999:role/Partner"}, "Action": "kms:Decrypt", "Resource": "*"}, {"Effect": "Allow", "Principal": {"AWS": "|"}}]}';

  it('offers the key\u2019s account, the environment\u2019s accounts and principals, what the policy names, and "*" last', () => {
    const { items } = complete(fixture, { environment, environmentKey: key });
    assert.deepEqual(
      shown(items).map((i) => [i.label, i.detail]),
      [
        ['arn:aws:iam::111122223333:root', 'The key\u2019s account: delegates to its IAM policies'],
        ['arn:aws:iam::444455556666:root', 'Account 444455556666 of the environment: delegates to its IAM policies'],
        ['arn:aws:iam::111122223333:role/Admin', 'Principal of the environment'],
        ['arn:aws:iam::444455556666:user/alice', 'Principal of the environment'],
        ['arn:aws:iam::777788889999:role/Partner', 'Named elsewhere in this policy'],
        ['*', 'Everyone (restrict with conditions)'],
      ],
    );
  });

  it('inserts the chosen principal as the whole string', () => {
    const { text, items } = complete(fixture, { environment, environmentKey: key });
    assert.equal(insert(text, items.find((i) => i.label.endsWith('role/Admin'))!), fixture.replace('|', 'arn:aws:iam::111122223333:role/Admin'));
  });

  it('without an environment, offers the account the policy names, what it names, and "*"', () => {
    assert.deepEqual(
      shown(complete(fixture).items).map((i) => [i.label, i.insertText]),
      [
        ['arn:aws:iam::777788889999:root', '"arn:aws:iam::777788889999:root"'],
        ['arn:aws:iam::777788889999:role/Partner', '"arn:aws:iam::777788889999:role/Partner"'],
        ['*', '"*"'],
      ],
    );
    assert.deepEqual(
      shown(complete('{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "|"}}]}').items).map((i) => [i.label, i.insertText]),
      [
        ['arn:aws:iam::ACCOUNT:root', '"arn:aws:iam::${1:111122223333}:root"'],
        ['*', '"*"'],
      ],
    );
  });
});

describe('kms:ViaService values', () => {
  const fixture = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "|"}}}]}';

  it('offers each service\u2019s endpoint in each Region, the key\u2019s Region first, never a REGION placeholder', () => {
    const { items } = complete(fixture, { environment, environmentKey: key });
    const labels = shown(items).map((i) => i.label);
    assert.deepEqual(labels.slice(0, 13), [
      'backup.eu-west-1.amazonaws.com',
      'dynamodb.eu-west-1.amazonaws.com',
      'ec2.eu-west-1.amazonaws.com',
      'elasticfilesystem.eu-west-1.amazonaws.com',
      'lambda.eu-west-1.amazonaws.com',
      'logs.eu-west-1.amazonaws.com',
      'rds.eu-west-1.amazonaws.com',
      's3.eu-west-1.amazonaws.com',
      'secretsmanager.eu-west-1.amazonaws.com',
      'sns.eu-west-1.amazonaws.com',
      'sqs.eu-west-1.amazonaws.com',
      'ssm.eu-west-1.amazonaws.com',
      'backup.us-east-1.amazonaws.com',
    ]);
    assert.equal(labels.length, 12 * (AWS_REGIONS.length - 1), 'every Region but the European Sovereign Cloud, whose domain the SDK data does not name');
    assert.ok(labels.includes('ec2.cn-north-1.amazonaws.com.cn'));
    assert.ok(labels.includes('s3.us-gov-west-1.amazonaws.com'));
    assert.deepEqual(labels.filter((l) => /REGION/.test(l)), []);
    assert.deepEqual(items.filter((i) => i.isSnippet), []);
  });

  it('inserts the endpoint as the whole value', () => {
    const { text, items } = complete(fixture);
    assert.equal(insert(text, items.find((i) => i.label === 'ec2.us-east-2.amazonaws.com')!), fixture.replace('|', 'ec2.us-east-2.amazonaws.com'));
  });
});

describe('action completion in a key policy', () => {
  it('ranks actions not performed on a key last and says they have no effect there', () => {
    const { items } = complete('{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["kms:|"], "Resource": "*"}]}');
    const last = shown(items).slice(-11);
    assert.deepEqual(
      last.map((i) => [i.label, i.detail]),
      [
        ['kms:ConnectCustomKeyStore', 'Write · IAM policies only: no effect in a key policy'],
        ['kms:CreateCustomKeyStore', 'Write · IAM policies only: no effect in a key policy'],
        ['kms:CreateKey', 'Write · IAM policies only: no effect in a key policy'],
        ['kms:DeleteCustomKeyStore', 'Write · IAM policies only: no effect in a key policy'],
        ['kms:DescribeCustomKeyStores', 'Read · IAM policies only: no effect in a key policy'],
        ['kms:DisconnectCustomKeyStore', 'Write · IAM policies only: no effect in a key policy'],
        ['kms:GenerateRandom', 'Write · IAM policies only: no effect in a key policy'],
        ['kms:ListAliases', 'List · IAM policies only: no effect in a key policy'],
        ['kms:ListKeys', 'List · IAM policies only: no effect in a key policy'],
        ['kms:ListRetirableGrants', 'List · IAM policies only: no effect in a key policy'],
        ['kms:UpdateCustomKeyStore', 'Write · IAM policies only: no effect in a key policy'],
      ],
    );
    assert.deepEqual(shown(items).slice(0, 3).map((i) => [i.label, i.detail]), [
      ['kms:*', 'All KMS actions'],
      ['kms:CancelKeyDeletion', 'Write'],
      ['kms:CreateAlias', 'Write'],
    ]);
  });
});
