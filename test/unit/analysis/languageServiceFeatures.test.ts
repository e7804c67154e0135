// Hover, completion, quick fixes, symbols, folding and formatting, asserted whole: exact
// hover markdown, and the whole document after applying a completion or a fix.
// `|` marks the cursor in fixtures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OffsetEdit } from '../../../server/src/core/analysis/analysisTypes';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';

const service = createKeyPolicyLanguageService();

function cursor(fixture: string): { text: string; offset: number } {
  const offset = fixture.indexOf('|');
  assert.ok(offset >= 0, 'fixture needs a | cursor');
  return { text: fixture.slice(0, offset) + fixture.slice(offset + 1), offset };
}

function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  return [...edits].sort((a, b) => b.range.start - a.range.start).reduce((t, e) => t.slice(0, e.range.start) + e.newText + t.slice(e.range.end), text);
}

function insert(text: string, item: { range: OffsetEdit['range']; insertText: string }): string {
  return applyEdits(text, [{ range: item.range, newText: item.insertText }]);
}

function hover(fixture: string): string | undefined {
  const { text, offset } = cursor(fixture);
  return service.doHover(service.parse(text), offset)?.markdown;
}

function complete(fixture: string) {
  const { text, offset } = cursor(fixture);
  return { text, items: service.doComplete(service.parse(text), offset) };
}

const statement = (body: string) => `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, ${body}, "Resource": "*"}]}`;

describe('hover', () => {
  it('describes an action: what it does, access level, key policy and cross-account use', () => {
    assert.equal(
      hover(statement('"Action": "kms:Dec|rypt"')),
      [
        '**kms:Decrypt** (Write)',
        '',
        'Controls permission to decrypt ciphertext that was encrypted under an AWS KMS key.',
        '',
        '- Key policy: yes: the key policy controls it (IAM policies too, when the key policy delegates to the account)',
        '- Cross-account: yes',
        '- Condition keys: `kms:CallerAccount`, `kms:EncryptionAlgorithm`, `kms:EncryptionContext:${EncryptionContextKey}`, `kms:EncryptionContextKeys`, `kms:RequestAlias`, `kms:ViaService`, `kms:RecipientAttestation:* (57 keys)`',
        '',
        '[AWS API reference](https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html)',
      ].join('\n'),
    );
  });
  it('says when an action works only in IAM policies', () => {
    assert.match(hover(statement('"Action": ["kms:Create|Key"]'))!, /- Key policy: no: not performed on a key, so only IAM policies control it\n- Cross-account: not applicable/);
  });
  it('says when an action does not work across accounts', () => {
    assert.match(hover(statement('"Action": "kms:ScheduleKey|Deletion"'))!, /- Cross-account: no: only principals of the key's account can call it/);
  });
  it('lists what a wildcard action matches', () => {
    assert.equal(
      hover(statement('"Action": "kms:Gen|erateDataKey*"')),
      '**kms\\:GenerateDataKey\\*** matches 4 KMS actions: `kms:GenerateDataKey`, `kms:GenerateDataKeyPair`, `kms:GenerateDataKeyPairWithoutPlaintext`, `kms:GenerateDataKeyWithoutPlaintext`',
    );
  });
  it('describes a condition key with its type, actions and an example', () => {
    assert.equal(
      hover(statement('"Action": "kms:Decrypt", "Condition": {"StringEquals": {"kms:Caller|Account": "111122223333"}}'))!.split('\n').filter((l) => !l.startsWith('- Applies to')).join('\n'),
      [
        '**kms\\:CallerAccount** (String)',
        '',
        'Filters access to specified AWS KMS operations based on the AWS account ID of the caller. You can use this condition key to allow or deny access to all IAM users and roles in an AWS account in a single policy statement.',
        '',
        '- Example: `"StringEquals": { "kms:CallerAccount": "111122223333" }`',
        '',
        '[AWS documentation](https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html)',
      ].join('\n'),
    );
  });
  it('describes an operator', () => {
    assert.equal(
      hover(statement('"Action": "kms:Decrypt", "Condition": {"StringLike|IfExists": {"kms:ViaService": "ec2.*.amazonaws.com"}}')),
      [
        '**StringLikeIfExists** (String condition operator)',
        '',
        'Case-sensitive match with `*` and `?` wildcards.',
        '',
        '`IfExists`: also matches when the key is absent from the request.',
        '',
        '[AWS documentation](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)',
      ].join('\n'),
    );
  });
  it('shows a principal carrying a link and an image as text, never as a link or an image', () => {
    const evil = '[x](http://evil)![i](http://evil/i.png)';
    const text = `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "${evil.slice(0, 3)}|${evil.slice(3)}"}, "Action": "kms:*", "Resource": "*"}]}`;
    const markdown = hover(text)!;
    const shown = '\\[x\\]\\(http\\:\\/\\/evil\\)\\!\\[i\\]\\(http\\:\\/\\/evil\\/i\\.png\\)';
    assert.equal(markdown.split('\n')[0], `**${shown}**: not a valid principal`);
    assert.doesNotMatch(markdown, /(^|[^\\])\]\(/, 'no unescaped link or image');
    assert.doesNotMatch(markdown, /(^|[^\\])http:/, 'no autolink');
  });

  it('escapes what a wildcard action, a condition key and an operator were written as', () => {
    assert.equal(hover(statement('"Action": "kms:<img src=x>|*"')), '**kms\\:\\<img src\\=x\\>\\*** matches no KMS action.');
  });

  it('explains that the account root delegates to IAM and grants no one directly', () => {
    const text = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:r|oot"}, "Action": "kms:*", "Resource": "*"}]}';
    assert.equal(
      hover(text),
      '**arn\\:aws\\:iam\\:\\:111122223333\\:root**: the AWS account 111122223333\n\nDelegates to IAM policies of this account; grants no one directly. A user or role of 111122223333 gets this access only when its IAM policies allow it too.',
    );
  });
  it('explains policy elements', () => {
    assert.equal(
      hover(statement('"Action": "kms:Decrypt"').replace('"Resource"', '"Res|ource"')),
      '**Resource**: In a key policy, `"*"`: this KMS key. KMS rejects any other value.\n\n[AWS documentation](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)',
    );
    assert.match(hover('{"Ver|sion": "2012-10-17"}')!, /^\*\*Version\*\*: The policy language version/);
  });
  it('has nothing to say about unknown names', () => {
    assert.equal(hover('{"Versio|nn": "2012-10-17"}'), undefined);
    assert.equal(hover(statement('"Action": "kms:Decrypt", "Sid": "a|b"')), undefined);
  });
});

describe('completion', () => {
  it('completes actions and replaces the whole string', () => {
    const { text, items } = complete(statement('"Action": ["kms:Dec|"]'));
    const decrypt = items.find((i) => i.label === 'kms:Decrypt')!;
    assert.ok(items.some((i) => i.label === 'kms:*'));
    assert.equal(items.filter((i) => i.kind === 'action').length, 57);
    assert.equal(insert(text, decrypt), statement('"Action": ["kms:Decrypt"]'));
  });
  it('offers condition keys that apply to the statement\'s actions, and global keys', () => {
    const { items } = complete(statement('"Action": "kms:CreateGrant", "Condition": {"Bool": {"|": "true"}}'));
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('kms:GrantIsForAWSResource'));
    assert.ok(labels.includes('aws:PrincipalOrgID'));
    assert.ok(!labels.includes('kms:ReplicaRegion'), 'kms:ReplicaRegion does not apply to CreateGrant');
  });
  it('offers operators', () => {
    const { text, items } = complete(statement('"Action": "kms:Decrypt", "Condition": {"StringEq|": {}}'));
    const op = items.find((i) => i.label === 'StringEquals')!;
    assert.ok(items.some((i) => i.label === 'ForAnyValue:StringLike'));
    assert.equal(insert(text, op), statement('"Action": "kms:Decrypt", "Condition": {"StringEquals": {}}'));
  });
  it('offers the values of enumerated keys', () => {
    const { items } = complete(statement('"Action": "kms:CreateGrant", "Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["|"]}}'));
    assert.deepEqual(items.map((i) => i.label).slice(0, 3), ['Decrypt', 'Encrypt', 'GenerateDataKey']);
    const regions = complete(statement('"Action": "kms:ReplicateKey", "Condition": {"StringEquals": {"kms:ReplicaRegion": "|"}}')).items;
    assert.ok(regions.some((i) => i.label === 'eu-west-1'));
  });
  it('offers the account root and principals named elsewhere, "*" last', () => {
    const fixture = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}, {"Effect": "Allow", "Principal": {"AWS": "|"}}]}';
    const items = complete(fixture).items;
    assert.deepEqual(items.map((i) => [i.label, i.sortText]), [
      ['arn:aws:iam::111122223333:root', '0arn:aws:iam::111122223333:root'],
      ['*', '4'],
    ]);
  });
  it('offers statement snippets in the Statement array, with the key\'s account filled in', () => {
    const fixture = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Admin"}, "Action": "kms:*", "Resource": "*"}\n    |\n  ]\n}';
    const { text, items } = complete(fixture);
    const root = items.find((i) => i.label.startsWith('Enable IAM User Permissions'))!;
    assert.equal(items.length, 6);
    assert.ok(root.isSnippet);
    const result = insert(text, root);
    assert.ok(result.includes(',\n{\n\t"Sid": "Enable IAM User Permissions",\n\t"Effect": "Allow",\n\t"Principal": { "AWS": "arn:aws:iam::111122223333:root" },'), result);
  });
});

describe('quick fixes', () => {
  const fixAll = (text: string, code: string) => {
    const findings = service.doValidation(service.parse(text)).filter((f) => f.code === code);
    assert.ok(findings.length > 0, `${code} not reported`);
    const action = service.getCodeActions(findings, findings[0]!.range).find((a) => a.code === code && a.isPreferred)!;
    assert.ok(action, `no preferred fix for ${code}`);
    return applyEdits(text, action.edits);
  };
  const codes = (text: string) => service.doValidation(service.parse(text)).map((f) => f.code);

  it('adds the root delegation statement', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": { "AWS": "arn:aws:iam::111122223333:role/Admin" },\n      "Action": "kms:*",\n      "Resource": "*"\n    }\n  ]\n}';
    const fixed = fixAll(text, 'KMS_NO_ACCOUNT_ROOT_STATEMENT');
    assert.equal(
      fixed,
      '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Principal": { "AWS": "arn:aws:iam::111122223333:role/Admin" },\n      "Action": "kms:*",\n      "Resource": "*"\n    },\n    {\n      "Sid": "Enable IAM User Permissions",\n      "Effect": "Allow",\n      "Principal": {\n        "AWS": "arn:aws:iam::111122223333:root"\n      },\n      "Action": "kms:*",\n      "Resource": "*"\n    }\n  ]\n}',
    );
    assert.ok(!codes(fixed).includes('KMS_NO_ACCOUNT_ROOT_STATEMENT'));
  });
  it('sets Resource to "*"', () => {
    const fixed = fixAll(statement('"Action": "kms:Decrypt"').replace('"Resource": "*"', '"Resource": ["arn:aws:kms:us-east-1:111122223333:key/abc", "arn:aws:kms:us-east-1:111122223333:key/def"]'), 'KMS_RESOURCE_NOT_STAR');
    assert.equal(fixed, statement('"Action": "kms:Decrypt"'));
  });
  it('replaces a misspelled action', () => {
    assert.equal(fixAll(statement('"Action": "kms:Decrpyt"'), 'UNKNOWN_ACTION'), statement('"Action": "kms:Decrypt"'));
  });
  it('adds kms:GrantIsForAWSResource', () => {
    const fixed = fixAll(statement('"Action": "kms:CreateGrant"'), 'KMS_CREATEGRANT_UNRESTRICTED');
    assert.equal(fixed, statement('"Action": "kms:CreateGrant"').replace('"Resource": "*"}', '"Resource": "*",\n"Condition": {\n  "Bool": {\n    "kms:GrantIsForAWSResource": "true"\n  }\n}}'));
    assert.ok(!codes(fixed).includes('KMS_CREATEGRANT_UNRESTRICTED'));
  });
  it('adds kms:ReplicaRegion to an existing Condition', () => {
    const text = statement('"Action": "kms:ReplicateKey", "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}').replace('key/', '');
    const fixed = fixAll(text, 'KMS_REPLICATE_WITHOUT_REGION_LIMIT');
    assert.ok(fixed.includes('"StringEquals": {"kms:CallerAccount": "111122223333",\n"kms:ReplicaRegion": [\n  "REPLICA-REGION"\n]}'), fixed);
    assert.ok(!codes(fixed).includes('KMS_REPLICATE_WITHOUT_REGION_LIMIT'));
  });
  it('corrects a misspelled Region inside a kms:ViaService value', () => {
    const fixed = fixAll(statement('"Action": "kms:Decrypt", "Condition": {"StringEquals": {"kms:ViaService": "ec2.us-esat-1.amazonaws.com"}}'), 'KMS_INVALID_REGION');
    assert.equal(fixed, statement('"Action": "kms:Decrypt", "Condition": {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}'));
  });
  it('removes an IAM-only action from the middle or the end of a list', () => {
    assert.equal(fixAll(statement('"Action": ["kms:CreateKey", "kms:Decrypt"]'), 'KMS_IAM_ONLY_ACTION_IN_KEY_POLICY'), statement('"Action": ["kms:Decrypt"]'));
    assert.equal(fixAll(statement('"Action": ["kms:Decrypt", "kms:ListKeys"]'), 'KMS_IAM_ONLY_ACTION_IN_KEY_POLICY'), statement('"Action": ["kms:Decrypt"]'));
  });
  it('removes an action that never works across accounts', () => {
    const text = statement('"Action": ["kms:Decrypt", "kms:ScheduleKeyDeletion"]').replace('role/App', 'role/Partner').replace('111122223333:role', '444455556666:role').replace('"Statement": [', '"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}, ');
    const fixed = fixAll(text, 'KMS_CROSS_ACCOUNT_INEFFECTIVE_ACTION');
    assert.ok(fixed.includes('"Action": ["kms:Decrypt"]'), fixed);
  });
  it('renames a duplicate Sid', () => {
    const text = '{"Statement": [{"Sid": "Use"}, {"Sid": "Use"}, {"Sid": "Use 2"}]}';
    assert.equal(fixAll(text, 'DUPLICATE_SID'), '{"Statement": [{"Sid": "Use"}, {"Sid": "Use 3"}, {"Sid": "Use 2"}]}');
  });
  it('adds the set operator', () => {
    const fixed = fixAll(statement('"Action": "kms:CreateGrant", "Condition": {"StringEquals": {"kms:GrantOperations": ["Decrypt"]}}'), 'MISSING_SET_OPERATOR');
    assert.equal(fixed, statement('"Action": "kms:CreateGrant", "Condition": {"ForAnyValue:StringEquals": {"kms:GrantOperations": ["Decrypt"]}}'));
  });
});

describe('outline and formatting', () => {
  const text = '{"Version": "2012-10-17", "Statement": [\n{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},\n{"Effect": "Deny", "Principal": "*", "Action": ["kms:Decrypt"], "Resource": "*"}\n]}';
  it('names statements by Sid, or by position', () => {
    const [policy] = service.findDocumentSymbols(service.parse(text));
    assert.deepEqual(policy!.children.map((c) => [c.name, c.detail]), [['Enable IAM User Permissions', 'Allow kms:*'], ['Statement 2', 'Deny kms:Decrypt']]);
  });
  it('folds objects and arrays', () => {
    assert.equal(service.getFoldingRanges(service.parse(text)).length, 6);
  });
  it('formats with the requested indentation', () => {
    const model = service.parse('{"Version":"2012-10-17","Statement":[]}');
    assert.equal(applyEdits(model.text, service.format(model, undefined, { tabSize: 2, insertSpaces: true })), '{\n  "Version": "2012-10-17",\n  "Statement": []\n}\n');
  });
});
