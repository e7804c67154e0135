// The policy model keeps every value's source range and survives broken JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeyPolicy } from '../../../server/src/core/policy/keyPolicyParser';
import { LineIndex } from '../../../server/src/core/policy/lineIndex';

describe('key policy parser', () => {
  const text = '{"Version": "2012-10-17", "Statement": [{"Sid": "A b", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": ["111122223333", 5]}}}]}';

  it('models statements with the ranges of their values', () => {
    const model = parseKeyPolicy(text);
    const [s] = model.statements;
    assert.equal(text.slice(s!.sid!.range.start, s!.sid!.range.end), '"A b"');
    assert.equal(s!.principal!.isBareWildcard, true);
    assert.equal(text.slice(s!.action![0]!.range.start, s!.action![0]!.range.end), '"kms:Decrypt"');
    const c = s!.condition![0]!;
    assert.deepEqual([c.operator.value, c.key.value, c.values.map((v) => v.value)], ['StringEquals', 'kms:CallerAccount', ['111122223333', 5]]);
  });

  it('keeps what parses of broken JSON, with every syntax error inside the text', () => {
    const broken = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",';
    const model = parseKeyPolicy(broken);
    assert.ok(model.syntaxProblems.length > 0);
    assert.equal(model.statements[0]?.effect?.value, 'Allow');
    for (const p of model.syntaxProblems) assert.ok(p.range.end <= broken.length);
    assert.deepEqual(parseKeyPolicy('').syntaxProblems.map((p) => p.range), [{ start: 0, end: 0 }]);
  });

  it('records elements of the wrong type as malformed', () => {
    const model = parseKeyPolicy('{"Statement": {"Action": 5, "Principal": ["x"]}}');
    assert.deepEqual(model.statements[0]!.malformedElements.map((m) => m.value).sort(), ['Action', 'Principal']);
  });

  it('maps offsets to lines and UTF-16 columns for \\n and \\r\\n', () => {
    const index = new LineIndex('ab\r\ncd\ne');
    assert.deepEqual(index.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(5), { line: 1, character: 1 });
    assert.deepEqual(index.positionAt(7), { line: 2, character: 0 });
  });
});
