// Turns a simulation answer into the text of the read-only result document, and remembers
// where each statement line should lead (the statement's range in its policy file).
import type { PolicyTrace, SimulateResult } from '../../../server/src/protocol';

export interface StatementLink {
  /** 0-based line of the result document holding the link. */
  readonly line: number;
  readonly startColumn: number;
  readonly endColumn: number;
  /** The policy document to open, and the 1-based position of the statement in it. */
  readonly target: string;
  readonly targetLine: number;
  readonly targetColumn: number;
}

export interface SimulationReport {
  readonly text: string;
  readonly links: readonly StatementLink[];
}

export interface SimulationAsked {
  readonly principal?: string;
  readonly action?: string;
  readonly resource?: string;
  /** The policy the user simulated from, when it was an open document. */
  readonly policyUri?: string;
  /** The scenario file simulated, whose embedded policies the trace ranges point into. */
  readonly scenarioUri?: string;
}

/**
 * The document a policy's statement ranges point into: the open key policy the user simulated
 * from, else the policy's own file, else the scenario file that embeds it. A source written
 * relative to nothing the editor can open (a bare relative path) leads nowhere.
 */
export function policyTarget(policy: PolicyTrace, asked: SimulationAsked): string | undefined {
  if (policy.kind === 'key-policy' && asked.policyUri) return asked.policyUri;
  const source = policy.source;
  if (source && (/^[a-z][\w+.-]*:/i.test(source) || source.startsWith('/') || /^[a-z]:[\\/]/i.test(source))) return source;
  return asked.scenarioUri ?? undefined;
}

export function buildSimulationReport(result: SimulateResult, asked: SimulationAsked): SimulationReport {
  const lines: string[] = [];
  const links: StatementLink[] = [];
  lines.push(`Decision: ${result.decision}`);
  if (result.error) lines.push(`Error: ${result.error}${result.errorMessage ? ` — ${result.errorMessage}` : ''}`);
  if (asked.principal) lines.push(`Principal: ${asked.principal}`);
  if (asked.action) lines.push(`Action: ${asked.action}`);
  if (asked.resource) lines.push(`Resource: ${asked.resource}`);
  lines.push('');
  if (result.explanation) lines.push(...result.explanation.trimEnd().split(/\r?\n/), '');

  const trace = result.trace;
  if (trace.steps.length) {
    lines.push('Evaluation steps');
    for (const step of trace.steps) lines.push(`  [${step.outcome}] ${step.step}: ${step.detail}`);
    lines.push('');
  }
  if (trace.policies.length) {
    lines.push('Policies and statements (links open the statement)');
    for (const policy of trace.policies) {
      lines.push(`  ${policy.name}: ${policy.outcome}${policy.note ? ` (${policy.note})` : ''}`);
      const target = policyTarget(policy, asked);
      for (const statement of policy.statements) {
        const name = `Statement[${statement.index}]${statement.sid ? ` "${statement.sid}"` : ''}`;
        const verdict = statement.matched ? 'matched' : `did not match${statement.reason?.message ? `: ${statement.reason.message}` : ''}`;
        const prefix = `    ${statement.deciding ? '▶ ' : ''}`;
        lines.push(`${prefix}${name} ${statement.effect} — ${verdict}`);
        if (target && statement.range) {
          links.push({
            line: lines.length - 1,
            startColumn: prefix.length,
            endColumn: prefix.length + name.length,
            target,
            targetLine: statement.range.startLine,
            targetColumn: statement.range.startColumn,
          });
        }
      }
    }
    lines.push('');
  }
  if (trace.grants.length) {
    lines.push('Grants');
    for (const grant of trace.grants) lines.push(`    ${grant.deciding ? '▶ ' : ''}${grant.grantId} — ${grant.matched ? 'matched' : `did not match${grant.reason ? `: ${grant.reason}` : ''}`}`);
    lines.push('');
  }
  return { text: lines.join('\n'), links };
}
