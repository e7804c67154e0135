// A YAML template is read in full only where the checks look (keys, aliases, IAM): the outline
// read line by line finds every resource and its Type, and whatever is read gives the same tree,
// the same ranges and the same findings as reading the whole text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Node as JsonNode } from 'jsonc-parser';
import { readCloudFormationTemplate } from '../../../server/src/core/templates/cloudFormationTemplate';
import { analyzeTemplate, templateHover, validateTemplate } from '../../../server/src/core/templates/templateLanguageService';
import { readYamlTemplateOutline } from '../../../server/src/core/templates/yamlTemplateOutline';

const example = readFileSync(join(import.meta.dirname, '../../../examples/cloudformation/kms-key.yaml'), 'utf8');
const sam = readFileSync(join(import.meta.dirname, '../../fixtures/templates/sam-queue-logs-key.yaml'), 'utf8');

/** Resources no check reads, in the shapes real stacks write them. */
const OTHER_RESOURCES = `  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub \${AWS::StackName}-queue
      Tags: [{ Key: team, Value: platform }]
# a comment at the first column, inside Resources
  Function:
    Type: "AWS::Lambda::Function"   # quoted, with a comment
    Properties:
      Code:
        ZipFile: |
          def handler(event, context):
              # not a YAML comment: the block scalar's text
              return "Resources:"
      Description: a plain scalar
        that goes on to a second line
      Handler: index.handler
  Bucket: {Type: AWS::S3::Bucket}
  Topic:
    Properties:
      TopicName: written before its Type
    Type: AWS::SNS::Topic
`;

const stack = example.replace('  DataKeyAlias:', `${OTHER_RESOURCES}\n  DataKeyAlias:`) + 'Outputs:\n  KeyArn:\n    Value: !GetAtt DataKey.Arn\n';

/** A tree as plain data: type, range, value and children. */
function shape(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  return { type: node.type, offset: node.offset, length: node.length, value: node.value, colon: node.colonOffset, children: node.children?.map(shape) };
}

describe('reading a YAML template where the checks look', () => {
  it('finds every resource and its Type by lines, with the written ranges', () => {
    const outline = readYamlTemplateOutline(stack);
    assert.ok(outline);
    assert.deepEqual(outline.sections.map((s) => s.name), ['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Resources', 'Outputs']);
    assert.deepEqual(outline.resources.map((r) => [r.name, r.type?.value]), [
      ['AppRole', 'AWS::IAM::Role'], ['DataKey', 'AWS::KMS::Key'], ['Queue', 'AWS::SQS::Queue'], ['Function', 'AWS::Lambda::Function'],
      ['Bucket', undefined], ['Topic', 'AWS::SNS::Topic'], ['DataKeyAlias', 'AWS::KMS::Alias'],
    ]);
    const fn = outline.resources.find((r) => r.name === 'Function')!;
    assert.equal(stack.slice(fn.type!.start, fn.type!.end), 'AWS::Lambda::Function');
    assert.equal(stack.slice(fn.lineStart, fn.end).trimEnd().split('\n').at(-1), '      Handler: index.handler');
  });

  it('the resources the checks read are the whole read\'s nodes, range for range; the others keep their Type at its place', () => {
    const partial = readCloudFormationTemplate(stack)!;
    const whole = readCloudFormationTemplate(stack, undefined, { wholeTemplate: true })!;
    assert.equal(whole.tree.unread, undefined);
    assert.deepEqual(partial.tree.unread!.map((r) => stack.slice(r.start, r.end).trim().split(':')[0]), ['Queue', 'Function', 'Topic']);
    assert.deepEqual([...partial.resources.keys()], [...whole.resources.keys()]);
    for (const [id, resource] of whole.resources) {
      const read = partial.resources.get(id)!;
      assert.equal(read.type, resource.type);
      assert.deepEqual(shape(read.nameNode), shape(resource.nameNode));
      if (partial.tree.unread!.some((r) => r.start <= read.node.offset && read.node.offset < r.end)) {
        assert.deepEqual([read.node.offset, read.node.length], [resource.node.offset, resource.node.length], `${id}'s range`);
      } else {
        assert.deepEqual(shape(read.node), shape(resource.node), `${id} is read as in the whole read`);
      }
    }
    assert.deepEqual([partial.tree.root!.offset, partial.tree.root!.length], [whole.tree.root!.offset, whole.tree.root!.length]);
    assert.deepEqual(shape(partial.parameters.get('KeyAdminRoleName')), shape(whole.parameters.get('KeyAdminRoleName')));
  });

  it('findings and hovers are the same as reading the whole text (Windows line ends and a leading document start too)', () => {
    for (const text of [example, sam, stack, stack.replace(/\n/g, '\r\n'), `---\n${stack}`]) {
      const partial = analyzeTemplate(text)!;
      const whole = analyzeTemplate(text, undefined, { wholeTemplate: true })!;
      assert.deepEqual(validateTemplate(partial), validateTemplate(whole));
      for (let offset = 0; offset < text.length; offset += 41) assert.deepEqual(templateHover(partial, offset), templateHover(whole, offset));
    }
  });

  it('every prefix of a stack (a template being typed) gets the same findings as reading the whole text', () => {
    for (let end = 0; end <= stack.length; end += 7) {
      const text = stack.slice(0, end);
      const partial = analyzeTemplate(text);
      const whole = analyzeTemplate(text, undefined, { wholeTemplate: true });
      assert.deepEqual(partial && validateTemplate(partial), whole && validateTemplate(whole), `prefix of ${end} characters`);
    }
  });

  it('a Ref to a resource read by its Type alone is the same unknown as in the whole read', () => {
    const text = stack.replace('kms:CallerAccount: !Ref AWS::AccountId', 'aws:SourceArn: !Ref Queue');
    const partial = analyzeTemplate(text)!;
    const whole = analyzeTemplate(text, undefined, { wholeTemplate: true })!;
    const unknown = partial.policies[0]!.intrinsics.find((i) => !i.known)!;
    assert.deepEqual(unknown.notes, ['Ref Queue (AWS::SQS::Queue) is known only at deployment.']);
    assert.deepEqual(partial.policies[0]!.intrinsics, whole.policies[0]!.intrinsics);
  });

  it('a syntax problem in a read resource is placed as in the whole read; one in an unread resource is left to the whole read (kms-policy check)', () => {
    const inKey = stack.replace("Id: data-key-policy", "Id: 'data-key-policy");
    assert.deepEqual(readCloudFormationTemplate(inKey)!.tree.syntaxProblems.map((p) => p.range), readCloudFormationTemplate(inKey, undefined, { wholeTemplate: true })!.tree.syntaxProblems.map((p) => p.range));
    assert.ok(readCloudFormationTemplate(inKey)!.tree.syntaxProblems.length > 0);
    const inQueue = stack.replace('QueueName: !Sub', 'QueueName: [!Sub');
    assert.deepEqual(readCloudFormationTemplate(inQueue)!.tree.syntaxProblems, []);
    assert.ok(readCloudFormationTemplate(inQueue, undefined, { wholeTemplate: true })!.tree.syntaxProblems.length > 0);
  });

  it('YAML the line reading cannot vouch for is read whole', () => {
    const unsupported = [
      'Resources: {Key: {Type: AWS::KMS::Key}}\n',
      'Resources:\n\tKey:\n\t\tType: AWS::KMS::Key\n',
      'Resources:\n  Key:\n    Type: AWS::KMS::Key\n---\nResources: {}\n',
      '%YAML 1.2\n---\nResources:\n  Key:\n    Type: AWS::KMS::Key\n',
      'Resources:\n  "Key":\n    Type: AWS::KMS::Key\n',
      'Resources:\n    Key:\n      Type: AWS::KMS::Key\n  Other:\n    Type: AWS::SQS::Queue\n',
      'Resources:\n  Key:\n    Type: AWS::KMS::Key\nResources:\n  Other:\n    Type: AWS::SQS::Queue\n',
      '? Resources\n: Key: {Type: AWS::KMS::Key}\n',
    ];
    for (const text of unsupported) {
      assert.equal(readYamlTemplateOutline(text), undefined, JSON.stringify(text));
      assert.equal(readCloudFormationTemplate(text)?.tree.unread, undefined);
    }
    assert.ok(readYamlTemplateOutline('---\nResources:\n  Key:\n    Type: AWS::KMS::Key\n'), 'a leading document start is fine');
  });
});
