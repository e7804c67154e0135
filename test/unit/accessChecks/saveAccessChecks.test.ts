// The save checks the settings turn on: findings at the allowing statement, nothing when off or
// when the text is not a policy yet, and a word about setting entries that name no action.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { saveAccessCheckFindings } from '../../../server/src/core/accessChecks/saveAccessChecks';
import { parseKeyPolicy } from '../../../server/src/core/policy/keyPolicyParser';

const ROOT = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
const PUBLIC = { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 'kms:Encrypt', Resource: '*' };
const ORG_ONLY = { ...PUBLIC, Sid: 'OrgOnly', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } };
const text = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

describe('save access checks', () => {
  it('finds nothing when no check is on', () => {
    assert.deepEqual(saveAccessCheckFindings(parseKeyPolicy(text(ROOT, PUBLIC)), { noPublicAccess: false, actionsNeverGranted: [] }), []);
  });

  it('reports public access at the statement that allows it, and not a policy limited to the organization', () => {
    const source = text(ROOT, PUBLIC);
    const model = parseKeyPolicy(source);
    const findings = saveAccessCheckFindings(model, { noPublicAccess: true, actionsNeverGranted: [] });
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity, source.slice(f.range.start, f.range.end) === JSON.stringify(PUBLIC, null, 2).replace(/\n/g, '\n    ')]),
      [['KMS_PUBLIC_ACCESS', 'warning', true]],
    );
    assert.match(findings[0]!.message, /^Public access \(setting accessChecks\.noPublicAccess\): .* may kms:Encrypt.*: statement "Public" of the policy allows it\.$/);
    assert.deepEqual(saveAccessCheckFindings(parseKeyPolicy(text(ROOT, ORG_ONLY)), { noPublicAccess: true, actionsNeverGranted: [] }), []);
  });

  it('reports each action never to be granted, with its witness, and says which setting entries name no action', () => {
    const findings = saveAccessCheckFindings(parseKeyPolicy(text(ROOT)), { noPublicAccess: false, actionsNeverGranted: ['kms:ScheduleKeyDeletion', 'kms:Nope'] });
    assert.deepEqual(findings.map((f) => [f.code, f.severity]), [
      ['KMS_ACCESS_GRANTED', 'information'],
      ['KMS_ACCESS_GRANTED', 'warning'],
    ]);
    assert.match(findings[0]!.message, /names no KMS action with "kms:Nope"/);
    assert.equal(findings[1]!.message, 'kms:ScheduleKeyDeletion is never to be granted (setting accessChecks.actionsNeverGranted), yet the root user of account 111122223333 may kms:ScheduleKeyDeletion: statement "Root" of the policy allows it.');
  });

  it('leaves text that is not a policy yet to the syntax diagnostics', () => {
    assert.deepEqual(saveAccessCheckFindings(parseKeyPolicy('{ "Statement": ['), { noPublicAccess: true, actionsNeverGranted: ['kms:Decrypt'] }), []);
  });
});
