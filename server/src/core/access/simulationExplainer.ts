// The trace as text a person can follow: the decision and the error the caller would see,
// the evaluation steps in AWS's order, then every policy with each statement marked as
// matched, not matched (and why) or deciding, with its line in the source when known.
import type { MismatchReason, PolicyTrace, SimulationResult, StatementTrace } from './simulationResult';

const MARK = { deciding: '>>', matched: '+ ', unmatched: '- ' } as const;

function reasonText(reason: MismatchReason): string {
  if (reason.element !== 'condition') return `${reason.element}: ${reason.message}`;
  const compared =
    reason.policyValues !== undefined
      ? ` (policy: ${JSON.stringify(reason.policyValues)}; request: ${reason.requestValues ? JSON.stringify(reason.requestValues) : 'absent'})`
      : '';
  return `condition ${reason.operator} ${reason.key}: ${reason.message}${compared}`;
}

function statementLine(statement: StatementTrace): string {
  const mark = statement.deciding ? MARK.deciding : statement.matched ? MARK.matched : MARK.unmatched;
  const name = statement.sid ? `"${statement.sid}"` : `#${statement.index + 1}`;
  const where = statement.range ? ` (line ${statement.range.startLine})` : '';
  const how = statement.matched
    ? `matches${statement.principalMatch === 'account' ? ' (names the caller\'s account: delegates to IAM)' : ''}${statement.deciding ? ' - deciding' : ''}`
    : statement.reason
      ? `does not match: ${reasonText(statement.reason)}`
      : 'does not match';
  return `    ${mark} ${statement.effect || '?'} ${name}${where}: ${how}`;
}

function policyBlock(policy: PolicyTrace): string[] {
  const lines = [`  ${policy.name}${policy.source ? ` [${policy.source}]` : ''}: ${policy.outcome}${policy.note ? ` (${policy.note})` : ''}`];
  for (const problem of policy.problems ?? []) lines.push(`    ! ${problem}`);
  for (const statement of policy.statements) lines.push(statementLine(statement));
  return lines;
}

export function explainSimulation(result: SimulationResult): string {
  const lines: string[] = [];
  lines.push(`Decision: ${result.decision}${result.error ? ` (${result.error})` : ''}`);
  lines.push(result.summary);
  if (result.errorMessage) lines.push(`The caller sees: ${result.error}: ${result.errorMessage}`);
  lines.push('');
  lines.push(`Request: ${result.request.principal} (${result.request.principalType}) -> ${result.request.action} on ${result.request.resource}`);
  if (result.request.crossAccount) lines.push(`  cross-account: caller in ${result.request.callerAccount}, key in ${result.request.keyAccount}`);
  if (result.keyState) lines.push(`  key state: ${result.keyState}`);
  const ec = Object.entries(result.context).filter(([k]) => k.toLowerCase().startsWith('kms:encryptioncontext:'));
  if (ec.length) lines.push(`  encryption context: ${ec.map(([k, v]) => `${k.slice('kms:EncryptionContext:'.length)}=${String(v)}`).join(', ')}`);
  lines.push('');
  lines.push('Evaluation:');
  result.trace.steps.forEach((step, i) => lines.push(`  ${i + 1}. [${step.outcome}] ${step.step}: ${step.detail}`));
  if (result.trace.policies.length) {
    lines.push('');
    lines.push(`Policies (${MARK.deciding.trim()} deciding, + matched, - not matched):`);
    for (const policy of result.trace.policies) lines.push(...policyBlock(policy));
  }
  if (result.trace.grants.length) {
    lines.push('');
    lines.push('Grants:');
    for (const grant of result.trace.grants) {
      const mark = grant.deciding ? MARK.deciding : grant.matched ? MARK.matched : MARK.unmatched;
      lines.push(`    ${mark} ${grant.grantId}: ${grant.matched ? 'applies' : 'does not apply'}${grant.reason ? ` - ${grant.reason}` : ''}`);
    }
  }
  const contextKeys = Object.entries(result.context);
  if (contextKeys.length) {
    lines.push('');
    lines.push('Request context:');
    for (const [key, value] of contextKeys) lines.push(`  ${key} = ${JSON.stringify(value)}`);
  }
  return lines.join('\n') + '\n';
}
