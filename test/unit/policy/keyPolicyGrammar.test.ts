// The TextMate grammar loads, its patterns compile, and it marks actions, ARNs and operators.
// (Oniguruma's \G anchor has no JavaScript equivalent; it is dropped for these checks.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

interface Rule { name?: string; match?: string; begin?: string; end?: string; patterns?: Rule[] }
const grammar = JSON.parse(readFileSync(join(import.meta.dirname, '../../../syntaxes/kms-key-policy.tmLanguage.json'), 'utf8')) as {
  scopeName: string;
  repository: Record<string, Rule>;
};

function allRules(rule: Rule): Rule[] {
  return [rule, ...(rule.patterns ?? []).flatMap(allRules)];
}
const rules = Object.values(grammar.repository).flatMap(allRules);
const js = (source: string) => new RegExp(source.replace(/\\G/g, ''));
const named = (name: string) => rules.find((r) => r.name === name)!;

describe('key-policy grammar', () => {
  it('is the grammar the manifest names, and every pattern compiles', () => {
    assert.equal(grammar.scopeName, 'source.json.kms-key-policy');
    for (const r of rules) for (const source of [r.match, r.begin, r.end]) if (source) assert.doesNotThrow(() => js(source), source);
  });
  it('marks KMS actions, ARNs, operators and policy elements', () => {
    assert.match('kms:GenerateDataKey*"', js(named('support.function.kms-action.kms-key-policy').match!));
    assert.match('arn:aws:iam::111122223333:root', js(named('entity.name.tag.arn.kms-key-policy').match!));
    assert.match('"ForAnyValue:StringLikeIfExists": {', js(named('keyword.operator.condition.kms-key-policy').match!));
    assert.doesNotMatch('"StringLikeIfExistsX": {', js(named('keyword.operator.condition.kms-key-policy').match!));
    assert.match('"NotPrincipal": {', js(named('keyword.other.policy-element.kms-key-policy').match!));
  });
});
