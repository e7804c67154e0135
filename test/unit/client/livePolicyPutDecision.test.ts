import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyJsonProblem, putsPolicy, SaveTriggers, saveTriggerOf } from '../../../client/src/policyEditing/livePolicyPutDecision';

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
});
