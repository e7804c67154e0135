// AWS's own key policies must be clean (no error or warning); broken ones report exactly
// their expected codes. Every *.json policy fixture must be listed, so none is forgotten.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';

const dir = join(import.meta.dirname, '../../fixtures/policies');
const examples = join(import.meta.dirname, '../../../examples');
const expected = JSON.parse(readFileSync(join(dir, 'expected-codes.json'), 'utf8')) as Record<string, string[]>;
const service = createKeyPolicyLanguageService();
const findingsOf = (path: string) => service.doValidation(service.parse(readFileSync(path, 'utf8')));

describe('policy fixtures', () => {
  it('lists every fixture file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected-codes.json').sort();
    assert.deepEqual(files, Object.keys(expected).sort());
  });
  for (const [file, codes] of Object.entries(expected)) {
    it(`${file} reports exactly ${codes.length ? codes.join(', ') : 'nothing'}`, () => {
      const findings = findingsOf(join(dir, file));
      assert.deepEqual([...new Set(findings.map((f) => f.code))].sort(), [...codes].sort());
      if (!file.startsWith('broken-')) {
        assert.deepEqual(findings.filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
      }
    });
  }
  it('the example bad policy shows the headline rules', () => {
    const codes = findingsOf(join(examples, 'bad-key-policy.json')).map((f) => f.code);
    for (const code of ['KMS_NO_ACCOUNT_ROOT_STATEMENT', 'KMS_RESOURCE_NOT_STAR', 'KMS_WILDCARD_PRINCIPAL', 'UNKNOWN_ACTION']) assert.ok(codes.includes(code), code);
    const unknown = findingsOf(join(examples, 'bad-key-policy.json')).find((f) => f.code === 'UNKNOWN_ACTION');
    assert.match(unknown!.message, /Did you mean 'kms:Decrypt'\?/);
  });
  it('the example good policy has no error or warning', () => {
    assert.deepEqual(findingsOf(join(examples, 'key-policy.json')).filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
  });
});
