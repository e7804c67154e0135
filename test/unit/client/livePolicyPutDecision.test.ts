import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyJsonProblem, putConfirmationDetail, putsPolicy, SaveTriggers, saveTriggerOf } from '../../../client/src/policyEditing/livePolicyPutDecision';

describe('putting an edited live key policy', () => {
  it('puts on a manual save or the Put Key Policy command, never on auto-save', () => {
    assert.equal(putsPolicy(saveTriggerOf(1)), true, 'TextDocumentSaveReason.Manual');
    assert.equal(putsPolicy(saveTriggerOf(2)), false, 'TextDocumentSaveReason.AfterDelay');
    assert.equal(putsPolicy(saveTriggerOf(3)), false, 'TextDocumentSaveReason.FocusOut');
    assert.equal(putsPolicy('putCommand'), true);
    assert.equal(putsPolicy(undefined), false, 'a save whose reason was not seen');
  });

  it('remembers each document\u2019s save reason until its did-save, once', () => {
    const triggers = new SaveTriggers();
    triggers.noteWillSave('file:///a.key-policy.json', 'afterDelay');
    triggers.noteWillSave('file:///b.key-policy.json', 'manual');
    assert.equal(triggers.takeDidSave('file:///a.key-policy.json'), 'afterDelay');
    assert.equal(triggers.takeDidSave('file:///a.key-policy.json'), undefined);
    assert.equal(triggers.takeDidSave('file:///b.key-policy.json'), 'manual');
  });

  it('stops half-typed JSON before the diff and the confirmation, saying where', () => {
    assert.equal(policyJsonProblem('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid":'), 'it is not valid JSON yet (ValueExpected at line 4, column 12)');
    assert.equal(policyJsonProblem(''), 'it is not valid JSON yet (ValueExpected at line 1, column 1)');
    assert.equal(policyJsonProblem('{"Version": "2012-10-17",}'), 'it is not valid JSON yet (PropertyNameExpected at line 1, column 26)');
    assert.equal(policyJsonProblem('// note\n{}'), 'it is not valid JSON yet (InvalidCommentToken at line 1, column 1)');
    assert.equal(policyJsonProblem('[]'), 'a key policy is a JSON object');
    assert.equal(policyJsonProblem('{"Version": "2012-10-17", "Statement": []}'), undefined);
  });

  it('shows in the confirmation what the edited policy grants and takes away, beside the textual diff', () => {
    const textual = 'The diff shows the current policy on the left and yours on the right.';
    const plus = '+ arn:aws:iam::444455556666:root may now kms:Decrypt, any encryption context';
    const minus = '- arn:aws:iam::111122223333:role/App (with no IAM policy) may no longer kms:Encrypt, any encryption context';
    assert.equal(
      putConfirmationDetail({ status: 'compared', lines: [plus, minus] }),
      `What your policy grants (+) and takes away (-), each a request the evaluator decided:\n${plus}\n${minus}\n\n${textual}`,
    );
    assert.equal(putConfirmationDetail({ status: 'compared', lines: [] }), `No access change: your policy allows exactly the requests the current one allows.\n\n${textual}`);
    const many = Array.from({ length: 15 }, (_, i) => `+ line ${i}`);
    const detail = putConfirmationDetail({ status: 'compared', lines: many });
    assert.ok(detail.includes('+ line 11\n... and 3 more\n'), detail);
    assert.ok(!detail.includes('+ line 12'));
    assert.equal(putConfirmationDetail({ status: 'invalid', reason: 'your edited policy is not a key policy yet (it is not valid JSON)', lines: [] }), `The access diff could not be worked out (your edited policy is not a key policy yet (it is not valid JSON)).\n\n${textual}`);
    assert.equal(putConfirmationDetail(undefined), `The access diff could not be worked out.\n\n${textual}`);
  });
});
