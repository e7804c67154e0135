import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSimulationReport } from '../../../client/src/simulation/simulationReport';
import type { SimulateResult } from '../../../server/src/protocol';

const result: SimulateResult = {
  decision: 'ExplicitDeny',
  error: 'AccessDeniedException',
  errorMessage: 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:Decrypt',
  explanation: 'ExplicitDeny: statement "DenyAlice" of the key policy denies it.',
  trace: {
    steps: [{ step: 'key policy', outcome: 'failed', detail: 'explicit deny' }],
    policies: [
      {
        kind: 'key-policy',
        name: 'key policy',
        outcome: 'ExplicitDeny',
        statements: [
          { index: 0, sid: 'EnableRoot', effect: 'Allow', matched: false, reason: { element: 'principal', message: 'alice is not the account root' }, range: { start: 60, end: 200, startLine: 4, startColumn: 5, endLine: 10, endColumn: 6 } },
          { index: 1, sid: 'DenyAlice', effect: 'Deny', matched: true, deciding: true, range: { start: 210, end: 330, startLine: 12, startColumn: 5, endLine: 18, endColumn: 6 } },
        ],
      },
      { kind: 'identity-policy', name: 'identity policy AliceRead', source: 'file:///ws/kms-environment.json', outcome: 'ImplicitDeny', statements: [{ index: 0, effect: 'Allow', matched: false }] },
    ],
    grants: [{ grantId: 'g-1', matched: false, reason: 'operation not granted' }],
  },
};

describe('simulation report', () => {
  it('starts with the decision and the error AWS would answer', () => {
    const report = buildSimulationReport(result, { principal: 'arn:aws:iam::111122223333:user/alice', action: 'kms:Decrypt', policyUri: 'file:///ws/key-policy.json' });
    const lines = report.text.split('\n');
    assert.equal(lines[0], 'Decision: ExplicitDeny');
    assert.equal(lines[1], 'Error: AccessDeniedException — User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:Decrypt');
    assert.ok(lines.includes('    ▶ Statement[1] "DenyAlice" Deny — matched'));
    assert.ok(lines.includes('    Statement[0] "EnableRoot" Allow — did not match: alice is not the account root'));
    assert.ok(lines.includes('    g-1 — did not match: operation not granted'));
  });

  it('links each statement with a range to its line in the policy it came from', () => {
    const report = buildSimulationReport(result, { policyUri: 'file:///ws/key-policy.json' });
    const lines = report.text.split('\n');
    assert.deepEqual(
      report.links.map((l) => ({ text: lines[l.line].slice(l.startColumn, l.endColumn), target: l.target, line: l.targetLine, column: l.targetColumn })),
      [
        { text: 'Statement[0] "EnableRoot"', target: 'file:///ws/key-policy.json', line: 4, column: 5 },
        { text: 'Statement[1] "DenyAlice"', target: 'file:///ws/key-policy.json', line: 12, column: 5 },
      ],
    );
  });

  it('a statement without a source range is listed without a link', () => {
    const unranged = { ...result.trace, policies: result.trace.policies.map((p) => ({ ...p, statements: p.statements.map(({ range: _range, ...rest }) => rest) })) };
    const report = buildSimulationReport({ ...result, trace: unranged }, { policyUri: 'file:///ws/key-policy.json' });
    assert.equal(report.text.split('\n')[0], 'Decision: ExplicitDeny');
    assert.deepEqual(report.links, []);
  });
});
