// The additionalKeyPolicyGlobs setting: "Extra glob patterns of files to treat as KMS key
// policies ... Example: `**/policies/kms/*.json`" (package.json), matched against a document's path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesAnyGlob } from '../../../server/src/lsp/globMatcher';

const PATH = '/home/dev/infra/policies/kms/payments.json';

test('the setting\'s own example, **/policies/kms/*.json, matches a policy in that folder at any depth', () => {
  assert.equal(matchesAnyGlob(PATH, ['**/policies/kms/*.json']), true);
  assert.equal(matchesAnyGlob('/home/dev/infra/policies/iam/app.json', ['**/policies/kms/*.json']), false);
  assert.equal(matchesAnyGlob('/home/dev/infra/policies/kms/nested/x.json', ['**/policies/kms/*.json']), false);
});

test('a glob without a slash matches the file name anywhere; one with a slash matches the end of the path', () => {
  assert.equal(matchesAnyGlob(PATH, ['*.json']), true);
  assert.equal(matchesAnyGlob(PATH, ['payments.json']), true);
  assert.equal(matchesAnyGlob(PATH, ['kms/*.json']), true);
  assert.equal(matchesAnyGlob(PATH, ['./policies/kms/*.json']), true);
  assert.equal(matchesAnyGlob(PATH, ['policies/*.json']), false);
  assert.equal(matchesAnyGlob(PATH, ['*.yaml']), false);
});

test('braces, ? and Windows separators', () => {
  assert.equal(matchesAnyGlob(PATH, ['**/{kms,keys}/pay?ents.json']), true);
  assert.equal(matchesAnyGlob('C:\\infra\\policies\\kms\\payments.json', ['policies/kms/*.json']), true);
  assert.equal(matchesAnyGlob('/infra/.hidden/kms/a.json', ['**/kms/*.json']), true);
});
