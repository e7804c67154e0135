// A template read with the slices of its earlier version is the template read afresh, node for
// node and finding for finding: a slice whose text is unchanged comes from the cache moved to its
// new place, and only the edited ones are parsed again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Node as JsonNode } from 'jsonc-parser';
import { analyzeTemplate, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';
import { YamlSliceCache } from '../../../server/src/core/templates/yamlSliceCache';

const example = readFileSync(join(import.meta.dirname, '../../../examples/cloudformation/kms-key.yaml'), 'utf8');
const header = example.slice(0, example.indexOf('  AppRole:'));
const resources = example.slice(example.indexOf('  AppRole:'));
const queue = (i: number) => `  Queue${i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub \${AWS::StackName}-queue-${i}\n\n`;

/** Four copies of the example's role, key and alias, each followed by a queue no check reads. */
const template = header + Array.from({ length: 4 }, (_, i) => resources.replace(/\bAppRole/g, `AppRole${i}`).replace(/\bDataKey/g, `DataKey${i}`) + queue(i)).join('');

/** A node as plain data, every property it carries but its parent (a loop). */
function plain(node: JsonNode | undefined): unknown {
  if (!node) return node;
  const { parent: _parent, children, ...rest } = node;
  return { ...rest, children: children?.map(plain) };
}

/** Every child points to the node that holds it. */
function assertParents(node: JsonNode): void {
  for (const child of node.children ?? []) {
    assert.equal(child.parent, node);
    assertParents(child);
  }
}

/** The reading with the cache equals the reading without, tree, syntax problems and findings. */
function assertSameAsFresh(text: string, slices: YamlSliceCache): void {
  const cached = analyzeTemplate(text, 'yaml', { slices })!;
  const fresh = analyzeTemplate(text, 'yaml')!;
  assert.ok(cached && fresh);
  assertParents(cached.template.tree.root!);
  assert.deepEqual(plain(cached.template.tree.root), plain(fresh.template.tree.root));
  assert.deepEqual(cached.template.tree.syntaxProblems, fresh.template.tree.syntaxProblems);
  assert.deepEqual(cached.template.tree.unread, fresh.template.tree.unread);
  assert.deepEqual(validateTemplate(cached), validateTemplate(fresh));
}

/** The edited text: `from` replaced by `to` at its first place after `after`. */
function edit(text: string, after: string, from: string, to: string): string {
  const at = text.indexOf(from, text.indexOf(after));
  assert.ok(at >= 0, `${from} after ${after}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

describe('YAML slice cache', () => {
  it('reads each version of an edited template as a fresh reading does', () => {
    const slices = new YamlSliceCache();
    assertSameAsFresh(template, slices);
    const kept = slices.size;
    assert.ok(kept >= 4, `slices kept: ${kept}`);
    // One key's policy changed: its slice's own text (and length) changes, the later ones move.
    const policyEdited = edit(template, 'DataKey2:', 'kms:DescribeKey', 'kms:DescribeKey\n              - kms:Sign');
    assertSameAsFresh(policyEdited, slices);
    // Lines inserted before the later resources, in a slice no check reads: every key moves.
    const linesInserted = edit(policyEdited, 'Queue0:', 'QueueName:', '# a comment\n      DelaySeconds: 5\n      QueueName:');
    assertSameAsFresh(linesInserted, slices);
    // A resource inserted before the keys.
    const resourceInserted = edit(linesInserted, 'Resources:', '  AppRole0:', `${queue(99)}  AppRole0:`);
    assertSameAsFresh(resourceInserted, slices);
    // A finding appears in one key: a wildcard principal.
    const findingAdded = edit(resourceInserted, 'DataKey3:', 'AWS: !GetAtt AppRole3.Arn', "AWS: '*'");
    assertSameAsFresh(findingAdded, slices);
    // Lines removed before the keys, and the same text read twice (every slice moved by zero).
    assertSameAsFresh(template, slices);
    assertSameAsFresh(template, slices);
    assert.equal(slices.size, kept, 'the slices of the last version only');
  });

  it('keeps the same reading with comments and Windows line ends', () => {
    const crlf = template.replace(/^( +)Type: (AWS::(?:IAM|KMS)::\w+)\n/gm, '$1# What it is for\n$1Type: $2 # checked\n').replace(/\n/g, '\r\n');
    const slices = new YamlSliceCache();
    assertSameAsFresh(crlf, slices);
    assertSameAsFresh(edit(crlf, 'DataKey1:', 'kms:Encrypt', 'kms:Encrypt\r\n              - kms:Verify'), slices);
    assertSameAsFresh(edit(crlf, 'Resources:', '  AppRole0:', `# added\r\n\r\n  AppRole0:`), slices);
  });

  it('reads a slice with syntax problems again, and keeps its problems where they are', () => {
    const slices = new YamlSliceCache();
    assertSameAsFresh(template, slices);
    // A reserved character in one key's slice: the Document reads that slice and reports it.
    const broken = edit(template, 'AppRole1:', 'Action: sts:AssumeRole', 'Action: @sts:AssumeRole');
    const problems = analyzeTemplate(broken, 'yaml')!.template.tree.syntaxProblems;
    assert.ok(problems.length > 0);
    assertSameAsFresh(broken, slices);
    // Lines inserted before it: the problem moves with its slice, read again.
    const moved = edit(broken, 'AppRole0:', 'Type: AWS::IAM::Role', 'Type: AWS::IAM::Role\n    # a comment\n    Condition: IsProd');
    assertSameAsFresh(moved, slices);
    const after = analyzeTemplate(moved, 'yaml', { slices })!.template.tree;
    assert.ok(after.unread, 'the resources read slice by slice');
    assert.equal(after.syntaxProblems.length, problems.length);
    assert.ok(after.syntaxProblems[0]!.range.start > problems[0]!.range.start);
    // An unclosed flow mapping: the outline gives way and the whole text is read; the cache is left as it was.
    assertSameAsFresh(edit(template, 'DataKey1:', "Resource: '*'", "Resource: ['*'"), slices);
    // Fixed again.
    assertSameAsFresh(template, slices);
  });

  it('gives each reading nodes of its own, and parses an unchanged slice once', () => {
    const slices = new YamlSliceCache();
    const text = `Resources:\n  Key:\n    Type: AWS::KMS::Key\n`;
    let reads = 0;
    const read = () => {
      reads++;
      return { entries: analyzeTemplate(text, 'yaml')!.template.tree.root!.children!.slice(0, 1), problems: 0 };
    };
    const first = slices.entries(text, 0, text.length, 1, read)!;
    const second = slices.entries(`# moved\n${text}`, 8, 8 + text.length, 1, read)!;
    assert.equal(reads, 1);
    assert.notEqual(first[0], second[0]);
    assert.equal(second[0]!.offset, first[0]!.offset + 8);
    assert.equal(second[0]!.colonOffset, first[0]!.colonOffset! + 8);
    // A reading with syntax problems is not kept.
    slices.entries('x', 0, 1, 1, () => ({ entries: [], problems: 1 }));
    slices.entries('x', 0, 1, 1, read);
    assert.equal(reads, 2);
  });
});
