// The access diff's frame in the editor: the code lens title counts the lines each way, and the
// document names both sides and says how far the evaluator looked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessDiffDocument, accessDiffLensTitle } from '../../../server/src/core/accessChecks/accessDiffText';

const lines = [
  '+ arn:aws:iam::444455556666:root may now kms:Decrypt, any encryption context',
  '- arn:aws:iam::111122223333:role/App (with no IAM policy) may no longer kms:Encrypt, any encryption context',
  '- arn:aws:sts::111122223333:assumed-role/App/any-session (with no IAM policy) may no longer kms:Encrypt, any encryption context',
];

describe('access diff text', () => {
  it('titles the lens with what is granted and taken away, or that nothing changed', () => {
    assert.equal(accessDiffLensTitle({ lines }, 'HEAD'), 'Access diff vs HEAD: +1 / \u22122');
    assert.equal(accessDiffLensTitle({ lines: [] }, 'HEAD'), 'No access change vs HEAD');
  });

  it('writes the whole document: both sides, the lines, the count of requests evaluated', () => {
    assert.equal(
      accessDiffDocument({ lines, evaluations: 42, exhaustive: true }, 'a.json in HEAD', 'a.json (working copy)'),
      [
        'Access diff: a.json in HEAD \u2192 a.json (working copy)',
        '',
        'What a.json (working copy) grants that a.json in HEAD does not (+), and what it takes away (-):',
        '',
        ...lines,
        '',
        '42 request(s) evaluated.',
        'Each line is a request the evaluator allowed under one policy and not the other; Simulate access replays it with the full trace.',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing changed and when the condition classes were only varied alone', () => {
    const text = accessDiffDocument({ lines: [], evaluations: 7, exhaustive: false }, 'old', 'new');
    assert.match(text, /^Access diff: old \u2192 new\n\nnew grants the same access as old: no request is allowed by one and not the other\.\n\n7 request\(s\) evaluated \(condition classes too many to combine in full: each varied alone\)\.\n/);
  });
});
