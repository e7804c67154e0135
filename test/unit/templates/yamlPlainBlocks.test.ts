// The plain block reading of a template's key and IAM resources gives the YAML parser's tree,
// node for node and range for range, or gives way to the parser: never a third reading.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Node as JsonNode } from 'jsonc-parser';
import { analyzeTemplate, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';
import { parseTemplateTree } from '../../../server/src/core/templates/templateTree';
import { readPlainYamlEntries } from '../../../server/src/core/templates/yamlPlainBlocks';

const example = readFileSync(join(import.meta.dirname, '../../../examples/cloudformation/kms-key.yaml'), 'utf8');
const sam = readFileSync(join(import.meta.dirname, '../../fixtures/templates/sam-queue-logs-key.yaml'), 'utf8');

/** A tree as plain data: type, range, value, colon and children. */
function shape(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  return [node.type, node.offset, node.length, node.value, node.colonOffset, node.children?.map(shape)];
}

const HEAD = 'Resources:\n';

/** The plain reading of `body` (resources at two spaces) and the parser's, or undefined when the plain reading gives way. */
function bothReadings(body: string, entries = 1): { plain: unknown; parsed: unknown; problems: number } | undefined {
  const text = HEAD + body;
  const plain = readPlainYamlEntries(text, HEAD.length, text.length, 2, entries);
  if (!plain) return undefined;
  const whole = parseTemplateTree(text, 'yaml');
  const resources = whole.root?.children?.[0]?.children?.[1];
  return { plain: plain.map(shape), parsed: resources?.children?.map(shape), problems: whole.syntaxProblems.length };
}

/** Values in the shapes key policies are written in, and the ones YAML reads otherwise than they look. */
const VALUES = [
  'kms:*', "'*'", '"*"', 'true', 'False', 'TRUE', 'null', '~', 'Null', '012345678901', '0x1F', '1.5', '.inf', '+3', '1e3',
  "'it''s'", '"a b"', 'a b  ', 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root', 'x:y', 'é ü', "''", '""', 'yes', 'on',
  '2012-10-17', "'2012-10-17'", 'a,b', 'a]b', 'a{b}', '[a]', '{}', '[]', '{ a: b }', '[a, b]', '[ a , "b" ]', '{a: 1, b: [x, y]}',
  '{ K: v, L: { M: n } }', '!Ref X', '!Sub a-${X}', "!Sub 'q'", '!GetAtt A.Arn', '!If [C, a, b]', '!Join ["", [a, !Ref B]]',
  'a\u00a0', '\u00a0a', '!Ref 12',
];
/** What the plain reading leaves to the parser. */
const NOT_PLAIN = [
  '*alias', '&a x', '|\n      x', '>-\n      x', 'a # c', "'a", 'a: b', 'a:', '-1', '!Ref true', '!Ref ~', '!!str x', '!Unknown x', '!Sub',
  '[a,]', '{a}', '{a: }', '[a: b]', '"a\\nb"', 'a\tb', 'x\n      continued', '{ a: b,\n      c: d }',
];
const KEYS = ['Sid', 'kms:ViaService', "'Fn::Sub'", '"Ref"', '_x', 'a-b', 'a.b', 'A/B', "'q''s'"];

describe('the plain block reading of YAML', () => {
  it('reads every value shape as the parser does', () => {
    for (const value of VALUES) {
      for (const key of KEYS) {
        const body = `  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      ${key}: ${value}\n      List:\n        - ${value}\n        - ${key}: ${value}\n          Other: ${value}\n`;
        const readings = bothReadings(body);
        assert.ok(readings, `read plain: ${JSON.stringify(body)}`);
        assert.deepEqual(readings.plain, readings.parsed, JSON.stringify(body));
        assert.equal(readings.problems, 0);
      }
    }
  });

  it('gives way to the parser where YAML is more than plain blocks or reads an error', () => {
    for (const value of NOT_PLAIN) {
      const body = `  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Value: ${value}\n`;
      assert.equal(bothReadings(body), undefined, JSON.stringify(body));
    }
    for (const key of ['true', 'null', 'Key With Space', '1a', '<<', '? k']) {
      assert.equal(bothReadings(`  Key:\n    ${key}: x\n`), undefined, key);
    }
    // A sequence at its key's indentation, an empty value, a comment, a tab, a Windows line end.
    for (const body of ['  Key:\n    List:\n    - a\n', '  Key:\n    Empty:\n    Next: a\n', '  Key: # c\n    A: b\n', '  Key:\n    A: b\r\n', '  Key:\n\tA: b\n']) {
      assert.equal(bothReadings(body), undefined, JSON.stringify(body));
    }
  });

  it('reads the same tree as the parser for every mutation of a key resource it reads plain', () => {
    const resource = example.slice(example.indexOf('  DataKey:'), example.indexOf('  DataKeyAlias:'));
    const marks = [' ', '\n', ':', '-', "'", '"', '!Ref ', '{', ']', ',', '\u00a0', '  ', '- ', ': ', 'x'];
    let read = 0;
    for (let at = 0; at < resource.length; at += 3) {
      for (const mark of marks) {
        for (const body of [resource.slice(0, at) + mark + resource.slice(at), resource.slice(0, at) + resource.slice(at + 1)]) {
          const readings = bothReadings(body);
          if (!readings) continue;
          read++;
          assert.equal(readings.problems, 0, JSON.stringify(body));
          assert.deepEqual(readings.plain, readings.parsed, JSON.stringify(body));
        }
      }
    }
    assert.ok(read > 1000, `${read} mutations read plain`);
  });

  it('gives way at a depth the parser stops at', () => {
    let deep = '  Key:\n';
    for (let i = 0; i < 100; i++) deep += `${' '.repeat(4 + 2 * i)}A${i}:\n`;
    deep += `${' '.repeat(204)}B: x\n`;
    assert.equal(bothReadings(deep), undefined);
    assert.equal(bothReadings(`  Key:\n    A: ${'['.repeat(100)}${']'.repeat(100)}\n`), undefined);
  });

  it('the findings of the example templates are the same read plain or by the parser', () => {
    for (const text of [example, sam]) {
      assert.deepEqual(validateTemplate(analyzeTemplate(text)!), validateTemplate(analyzeTemplate(text, undefined, { wholeTemplate: true })!));
    }
  });
});
