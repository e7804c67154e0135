// Random and mutated policies into the language service: no exception, no rule that gives
// up, and every answer well-formed (ranges inside the text, known codes, fixes that apply).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_RULES } from '../../../server/src/core/analysis/allRules';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';
import type { SourceRange } from '../../../server/src/core/policy/policyModel';

const service = createKeyPolicyLanguageService();
const CODES = new Set(ALL_RULES.map((r) => r.code));
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
const fixtureDir = join(import.meta.dirname, '../../fixtures/policies');
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.json') && f !== 'expected-codes.json').map((f) => readFileSync(join(fixtureDir, f), 'utf8'));

function inside(range: SourceRange, text: string, what: string): void {
  assert.ok(range.start >= 0 && range.start <= range.end && range.end <= text.length, `${what} range ${JSON.stringify(range)} outside 0..${text.length}`);
}

function checkEverything(text: string, offsets: readonly number[]): void {
  const model = service.parse(text);
  const findings = service.doValidation(model);
  for (const f of findings) {
    assert.ok(CODES.has(f.code), f.code);
    assert.ok(SEVERITIES.has(f.severity), f.severity);
    assert.ok(f.message.length > 0);
    assert.ok(!f.message.includes('could not run'), `rule gave up: ${f.message}`);
    inside(f.range, text, f.code);
    for (const fix of f.fixes ?? []) for (const e of fix.edits) inside(e.range, text, `${f.code} fix`);
  }
  for (const raw of offsets) {
    const offset = Math.min(raw, text.length);
    const hover = service.doHover(model, offset);
    if (hover) {
      inside(hover.range, text, 'hover');
      assert.ok(hover.markdown.length > 0);
    }
    for (const item of service.doComplete(model, offset)) {
      inside(item.range, text, `completion ${item.label}`);
      assert.ok(item.label.length > 0 && item.insertText.length > 0);
    }
  }
  for (const s of service.findDocumentSymbols(model)) inside(s.range, text, 'symbol');
  for (const span of service.getFoldingRanges(model)) assert.ok(span.start <= span.end && span.end <= text.length);
  for (const e of service.format(model, undefined, { tabSize: 2, insertSpaces: true })) inside(e.range, text, 'format');
}

const word = fc.constantFrom('kms:*', 'kms:Decrypt', 'kms:Create*', 'kms:Decrpyt', 's3:GetObject', '*', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:role/R', '111122223333', 'Allow', 'Deny', 'logs.amazonaws.com', 'us-east-1', 'ec2.us-east-1.amazonaws.com', '', '${aws:username}', 'true');
const scalar = fc.oneof(word, fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
const stringOrList = fc.oneof(word, fc.array(word, { maxLength: 4 }), scalar);
const conditionKey = fc.constantFrom('kms:CallerAccount', 'kms:ViaService', 'kms:GrantOperations', 'kms:EncryptionContext:app', 'aws:PrincipalOrgID', 'aws:SourceIp', 'kms:ReplicaRegion', 'kms:BypassPolicyLockoutSafetyCheck', 'aws:CurrentTime', 'bogus:key');
const operator = fc.constantFrom('StringEquals', 'StringLike', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'Bool', 'NumericLessThan', 'DateGreaterThan', 'IpAddress', 'ArnLike', 'Null', 'NullIfExists', 'StringEqual', 'Foo:Bar');
const condition = fc.dictionary(operator, fc.oneof(fc.dictionary(conditionKey, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 3 }), scalar), { maxKeys: 3 });
const principal = fc.oneof(word, fc.record({ AWS: stringOrList }, { requiredKeys: [] }), fc.record({ Service: stringOrList, Aws: stringOrList }, { requiredKeys: [] }), scalar);
const statement = fc.record(
  { Sid: scalar, Effect: fc.oneof(fc.constantFrom('Allow', 'Deny', 'allow'), scalar), Principal: principal, NotPrincipal: principal, Action: stringOrList, NotAction: stringOrList, Resource: stringOrList, NotResource: stringOrList, Condition: fc.oneof(condition, scalar), Extra: scalar },
  { requiredKeys: [] },
);
const policy = fc.record({ Version: fc.oneof(fc.constantFrom('2012-10-17', '2008-10-17'), scalar), Id: scalar, Statement: fc.oneof(fc.array(fc.oneof(statement, scalar), { maxLength: 5 }), statement, scalar) }, { requiredKeys: [] });

describe('language service properties', () => {
  it('answers well-formed for random policy structures', () => {
    fc.assert(
      fc.property(policy, fc.boolean(), fc.array(fc.nat(4000), { maxLength: 6 }), (value, pretty, offsets) => {
        checkEverything(JSON.stringify(value, null, pretty ? 2 : undefined), offsets);
      }),
      { numRuns: 300 },
    );
  });

  it('answers well-formed for mutated real policies', () => {
    const mutation = fc.record({
      fixture: fc.nat(fixtures.length - 1),
      at: fc.nat(5000),
      remove: fc.nat(30),
      insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\u201c', '\u0000', '\\', '\ud83d')),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(5000), { maxLength: 6 }), (mutations, offsets) => {
        let text = fixtures[mutations[0]!.fixture]!;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        checkEverything(text, offsets);
      }),
      { numRuns: 300 },
    );
  });

  it('answers deeply nested text without exhausting the stack', () => {
    for (const text of ['['.repeat(20_000), '{"Statement": ' + '['.repeat(5_000) + ']'.repeat(5_000) + '}', '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000)]) {
      checkEverything(text, [0, 5, 100, text.length]);
      assert.match(service.doValidation(service.parse(text))[0]!.message, /^Nested more than 128 levels deep/);
    }
  });

  it('answers well-formed for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.array(fc.nat(300), { maxLength: 4 }), (text, offsets) => checkEverything(text, offsets)),
      { numRuns: 300 },
    );
  });
});
