// The reading of a template's key and IAM resources from the YAML parser's tokens gives the
// Document's tree, node for node and range for range, or gives way to the Document (which then
// reports the syntax problems): never a third reading.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Node as JsonNode } from 'jsonc-parser';
import { analyzeTemplate, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';
import { parseTemplateTree } from '../../../server/src/core/templates/templateTree';
import { readYamlEntriesFromCst } from '../../../server/src/core/templates/yamlCstEntries';
import { readYamlTemplateOutline } from '../../../server/src/core/templates/yamlTemplateOutline';

const example = readFileSync(join(import.meta.dirname, '../../../examples/cloudformation/kms-key.yaml'), 'utf8');
const sam = readFileSync(join(import.meta.dirname, '../../fixtures/templates/sam-queue-logs-key.yaml'), 'utf8');

/** A tree as plain data: type, range, value, colon and children. */
function shape(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  return [node.type, node.offset, node.length, node.value, node.colonOffset, node.children?.map(shape)];
}

const HEAD = 'Resources:\n';

/** The Document's reading of text[start, end) alone, placed in the text: what the reading from tokens gives way to. */
function documentReading(text: string, start: number): { entries: unknown; problems: number } {
  const tree = parseTemplateTree(text.slice(start), 'yaml');
  const place = (node: JsonNode): unknown => [node.type, node.offset + start, node.length, node.value, node.colonOffset === undefined ? undefined : node.colonOffset + start, node.children?.map(place)];
  return { entries: tree.root?.type === 'object' ? tree.root.children?.map(place) : undefined, problems: tree.syntaxProblems.length };
}

/** The reading from tokens of `body` (resources at two spaces) and the whole template's, or undefined when it gives way. */
function bothReadings(body: string, entries = 1): { tokens: unknown; whole: unknown; slice: unknown; problems: number } | undefined {
  const text = HEAD + body;
  const read = readYamlEntriesFromCst(text, HEAD.length, text.length, entries);
  if (!read) return undefined;
  const whole = parseTemplateTree(text, 'yaml');
  const resources = whole.root?.children?.[0]?.children?.[1];
  return { tokens: read.map(shape), whole: resources?.children?.map(shape), slice: documentReading(text, HEAD.length).entries, problems: whole.syntaxProblems.length };
}

/** Values in the shapes key policies are written in, and the ones YAML reads otherwise than they look. */
const VALUES = [
  'kms:*', "'*'", '"*"', 'true', 'False', 'TRUE', 'null', '~', 'Null', '012345678901', '0x1F', '0o17', '1.5', '.inf', '.NaN', '+3', '-1', '1e3',
  "'it''s'", '"a b"', 'a b  ', 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root', 'x:y', 'é ü', "''", '""', 'yes', 'on', 'a#b',
  '2012-10-17', "'2012-10-17'", 'a,b', 'a]b', 'a{b}', '[a]', '{}', '[]', '{ a: b }', '[a, b]', '[ a , "b" ]', '[a, b,]', '{a: 1, b: [x, y]}',
  '{ K: v, L: { M: n } }', '!Ref X', '!Sub a-${X}', "!Sub 'q'", '!GetAtt A.Arn', '!If [C, a, b]', '!Join ["", [a, !Ref B]]', '!Ref true', '!Ref 12',
  'a\u00a0', '\u00a0a', 'a # trailing', "'q' # trailing", '[a, b] # trailing', '!Ref X # trailing',
  // Escapes, line folding and block scalars: the package resolves them.
  '"a\\nb\\t\\u00e9\\x41\\U0001F600\\"\\\\"', '"a\\\n            b"', '|\n            x\n             y\n\n', '>-\n            x\n\n            y', '|+\n            x\n',
  '>2\n             x', '| # header comment\n            x', 'a\n            b', "'a\n\n            b'", '"a\n            b"', '[a,\n            b]', '{ a: b,\n            c: d }',
];
/** What the reading from tokens leaves to the Document. */
const NOT_VOUCHED = [
  '*alias', '&a x', '!!str x', '!Unknown x', '!Sub', "'a", '"a', '[a', '{a', 'a: b', '"a\\qb"', '@a', '`a', '%a', ',a', 'a\tb', '[a,,b]', '{a}', '{a: }', '[a: b]',
];
const KEYS = ['Sid', 'kms:ViaService', "'Fn::Sub'", '"Ref"', '"a\\tb"', '_x', 'a-b', 'a.b', 'A/B', "'q''s'", 'true', 'null', '~', '012', '1e3', 'Key With Space'];

/** `body` with Windows line ends, a full-line comment before each key and list item, and a trailing comment after each key. */
function variants(body: string): string[] {
  const commented = body.replace(/^( *)(- |[^ \n-][^\n]*:)(\n)/gm, '$1# full-line comment\n$1$2 # trailing$3');
  return [body, body.replace(/\n/g, '\r\n'), commented, commented.replace(/\n/g, '\r\n')];
}

function assertSame(body: string, entries = 1): boolean {
  const readings = bothReadings(body, entries);
  if (!readings) return false;
  assert.equal(readings.problems, 0, JSON.stringify(body));
  assert.deepEqual(readings.tokens, readings.slice, JSON.stringify(body));
  assert.deepEqual(readings.tokens, readings.whole, JSON.stringify(body));
  return true;
}

describe('reading YAML entries from the parser tokens', () => {
  it('reads every value shape as the Document does, with comments and Windows line ends', () => {
    for (const value of VALUES) {
      for (const key of KEYS) {
        const body = `  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      ${key}: ${value}\n      List:\n        - ${value}\n        - ${key}: ${value}\n          Other: ${value}\n`;
        for (const text of variants(body)) assert.ok(assertSame(text), `read from tokens: ${JSON.stringify(text)}`);
      }
    }
  });

  it('reads comments where the Document puts them into the ranges, and a sequence at its key\'s indentation', () => {
    const bodies = [
      '  Key: # c\n    A: b # t\n    # full\n    B:\n      - 1\n      # end of the list\n  # after the entry\n',
      '  Key:\n    A:\n      B: c\n# at the margin\n    D: e\n\n\n',
      '  Key:\n    A: !Sub # c\n      x\n    B: !If\n      - C\n      - [a, b] # t\n    C: !Transform\n      Name: x\n',
      '  Key:\n    A: [a, # c\n      b]\n    B: {a: b} # t\n  Other:\n    C: d\n',
      '  Key:\n    List:\n    - a\n    # c\n    - b\n    Next: !If\n      - x\n',
    ];
    for (const body of bodies) {
      for (const text of variants(body)) assert.ok(assertSame(text, body.includes('Other:') ? 2 : 1), JSON.stringify(text));
    }
  });

  it('gives way to the Document where YAML is more than it reads, and the Document reports the syntax problems', () => {
    for (const value of NOT_VOUCHED) {
      for (const text of variants(`  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      Value: ${value}\n`)) {
        assert.equal(bothReadings(text), undefined, JSON.stringify(text));
      }
    }
    // Read alike by YAML, but not by the reading from tokens: anchors and aliases, a merge key, an
    // empty value, an explicit key, a document end.
    const valid = [
      '  Key:\n    Base: &b { A: x }\n    Copy: *b\n',
      '  Key:\n    <<: { A: x }\n    Empty:\n    Next: a\n',
      '  Key:\n    ? explicit\n    : key\n',
      '  Key:\n    A: b\n...\n',
    ];
    const broken = [
      '  Key:\n\tA: b\n',
      '  Key:\n    A: b\n---\n  Other:\n    C: d\n',
      '  Key:\n    A: b: c\n',
      '  Key:\n    A: b\n     C: d\n',
      '  Key:\n    A: "b"# no space\n',
      `  Key:\n    ${'k'.repeat(1100)}: x\n`,
    ];
    for (const body of [...valid, ...broken]) {
      for (const text of variants(body)) {
        const entries = text.includes('Other:') ? 2 : 1;
        assert.equal(bothReadings(text, entries), undefined, JSON.stringify(text));
        // The template read for diagnostics reports what the Document reads in the resource (or
        // in the whole template, when its outline cannot be read line by line).
        const template = `${HEAD}${text}`;
        const partial = parseTemplateTree(template, 'yaml', { readsResource: () => true });
        const document = readYamlTemplateOutline(template) ? parseTemplateTree(text, 'yaml') : parseTemplateTree(template, 'yaml');
        const by = readYamlTemplateOutline(template) ? HEAD.length : 0;
        assert.deepEqual(
          partial.syntaxProblems,
          document.syntaxProblems.map((p) => ({ message: p.message, range: { start: p.range.start + by, end: p.range.end + by } })),
          JSON.stringify(text),
        );
        assert.equal(partial.syntaxProblems.length > 0, broken.includes(body), JSON.stringify(text));
      }
    }
  });

  it('reads the same tree as the Document for every mutation of a key resource it reads', () => {
    const resource = example.slice(example.indexOf('  DataKey:'), example.indexOf('  DataKeyAlias:'));
    const marks = [' ', '\n', '\r\n', ':', '-', "'", '"', '!Ref ', '{', ']', ',', '#', ' # c', '\u00a0', '  ', '- ', ': ', '|', '>', '&', '*', 'x'];
    let read = 0;
    for (let at = 0; at < resource.length; at += 11) {
      for (const mark of marks) {
        for (const body of [resource.slice(0, at) + mark + resource.slice(at), resource.slice(0, at) + resource.slice(at + 1)]) {
          const text = HEAD + body;
          const tokens = readYamlEntriesFromCst(text, HEAD.length, text.length, 1);
          if (!tokens) continue;
          read++;
          const document = documentReading(text, HEAD.length);
          assert.equal(document.problems, 0, JSON.stringify(body));
          assert.deepEqual(tokens.map(shape), document.entries, JSON.stringify(body));
        }
      }
    }
    assert.ok(read > 1000, `${read} mutations read from tokens`);
  });

  it('reads 300 random block documents as the Document does', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const oneLine = VALUES.filter((v) => !v.includes('\n'));
    const scalar = () => (random() < 0.03 ? pick([...NOT_VOUCHED, 'a: b', '- a']) : pick(oneLine));
    const block = (indent: number, depth: number): string[] => {
      const lines: string[] = [];
      const pad = ' '.repeat(indent);
      for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
        const key = pick(KEYS);
        const roll = random();
        if (depth > 3 || roll < 0.5) lines.push(`${pad}${key}: ${scalar()}${random() < 0.2 ? ' # t' : ''}`);
        else if (roll < 0.75) lines.push(`${pad}${key}:`, ...block(indent + pick([2, 4]), depth + 1));
        else {
          lines.push(`${pad}${key}:`);
          const itemIndent = indent + pick([0, 2]);
          for (let j = 0, m = 1 + Math.floor(random() * 3); j < m; j++) {
            if (random() < 0.5) lines.push(`${' '.repeat(itemIndent)}- ${scalar()}`);
            else {
              const [first, ...rest] = block(itemIndent + 2, depth + 1);
              lines.push(`${' '.repeat(itemIndent)}- ${first!.trimStart()}`, ...rest);
            }
          }
        }
        if (random() < 0.15) lines.push(`${' '.repeat(pick([0, 2, indent]))}# full-line comment`);
      }
      return lines;
    };
    let read = 0;
    for (let n = 0; n < 300; n++) {
      let body = `  R0:\n${block(4, 0).join('\n')}\n`;
      if (random() < 0.3) {
        const at = Math.floor(random() * body.length);
        body = body.slice(0, at) + pick([' ', '\n', ':', '- ', '#', '"', '[', '  ']) + body.slice(at);
      }
      if (random() < 0.5) body = body.replace(/\n/g, '\r\n');
      const text = HEAD + body;
      const tokens = readYamlEntriesFromCst(text, HEAD.length, text.length, 1);
      if (!tokens) continue;
      read++;
      const document = documentReading(text, HEAD.length);
      assert.equal(document.problems, 0, JSON.stringify(body));
      assert.deepEqual(tokens.map(shape), document.entries, JSON.stringify(body));
    }
    assert.ok(read > 150, `${read} documents read from tokens`);
  });

  it('gives way at a depth the Document stops at', () => {
    let deep = '  Key:\n';
    for (let i = 0; i < 100; i++) deep += `${' '.repeat(4 + 2 * i)}A${i}:\n`;
    deep += `${' '.repeat(204)}B: x\n`;
    assert.equal(bothReadings(deep), undefined);
    assert.equal(bothReadings(`  Key:\n    A: ${'['.repeat(100)}${']'.repeat(100)}\n`), undefined);
  });

  it('the findings of the example templates are the same read from tokens or by the Document', () => {
    for (const text of [example, sam, example.replace(/\n/g, '\r\n')]) {
      assert.deepEqual(validateTemplate(analyzeTemplate(text)!), validateTemplate(analyzeTemplate(text, undefined, { wholeTemplate: true })!));
    }
  });
});
