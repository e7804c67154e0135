// What the simulation result view shows, derived from the server's answer and what the user
// asked: the decision, the error the caller would see, the request, the statements that decided
// it (each a link into its policy) and the whole trace. Pure: the HTML renderer and the panel
// both read this, and unit tests build it without VS Code.
import type { SimulateResult, StatementTrace } from '../../../server/src/protocol';
import { policyTarget, type SimulationAsked } from './simulationReport';

/** A statement's range in a document the editor can open (1-based lines and columns). */
export interface SourceLink {
  readonly target: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface StatementView {
  /** `Statement[2] "AppRoleUsesKey"`: what a person calls it. */
  readonly label: string;
  readonly policy: string;
  readonly effect: string;
  readonly matched: boolean;
  readonly deciding: boolean;
  /** Why it did not apply, with the compared values for a condition. */
  readonly reason?: string;
  /** How the principal matched (`account`: the statement delegates to IAM). */
  readonly principalMatch?: string;
  /** Index into `links`, when the statement's range is known. */
  readonly link?: number;
}

export interface PolicyView {
  readonly name: string;
  readonly kind: string;
  readonly outcome: string;
  readonly note?: string;
  readonly statements: readonly StatementView[];
}

export interface SimulationView {
  readonly title: string;
  readonly decision: SimulateResult['decision'];
  readonly error: string | null;
  readonly errorMessage?: string;
  readonly summary?: string;
  readonly request: {
    readonly principal?: string;
    readonly action?: string;
    readonly resource?: string;
    readonly region?: string;
    readonly keyState?: string;
    readonly encryptionContext: readonly (readonly [string, string])[];
  };
  /** Every condition key the request carried (derived ones included), sorted by name. */
  readonly context: readonly (readonly [string, string])[];
  readonly deciding: readonly StatementView[];
  readonly decidingGrants: readonly string[];
  readonly steps: readonly { readonly step: string; readonly outcome: string; readonly detail: string }[];
  readonly policies: readonly PolicyView[];
  readonly grants: readonly { readonly grantId: string; readonly matched: boolean; readonly deciding: boolean; readonly reason?: string }[];
  readonly links: readonly SourceLink[];
}

const ENCRYPTION_CONTEXT_PREFIX = 'kms:encryptioncontext:';

function reasonText(reason: StatementTrace['reason']): string | undefined {
  if (!reason?.message) return undefined;
  if (reason.element !== 'condition' || !reason.policyValues) return reason.message;
  const request = reason.requestValues ? JSON.stringify(reason.requestValues) : 'absent';
  return `${reason.message} (policy: ${JSON.stringify(reason.policyValues)}; request: ${request})`;
}

function shortPrincipal(principal: string | undefined): string {
  return principal?.split(/[:/]/).pop() ?? '';
}

/** The title of the view's tab: decision, action and caller, short enough for a tab. */
export function simulationTitle(decision: string, asked: SimulationAsked): string {
  return `Simulation: ${decision} ${asked.action ?? ''} ${shortPrincipal(asked.principal)}`.replace(/\s+/g, ' ').trim();
}

export function buildSimulationView(result: SimulateResult, asked: SimulationAsked): SimulationView {
  const full = result.result;
  const context = Object.entries(full?.context ?? {})
    .map(([key, value]): [string, string] => [key, Array.isArray(value) ? value.join(', ') : String(value)])
    .sort(([a], [b]) => a.localeCompare(b));
  const trace = result.trace;
  const links: SourceLink[] = [];
  const policies: PolicyView[] = trace.policies.map((policy) => {
    const name = policy.name;
    const target = policyTarget(policy, asked);
    const statements = policy.statements.map((statement): StatementView => {
      const range = statement.range;
      let link: number | undefined;
      if (target && range) {
        link = links.length;
        links.push({
          target,
          startLine: range.startLine,
          startColumn: range.startColumn,
          endLine: range.endLine,
          endColumn: range.endColumn,
        });
      }
      return {
        label: `Statement[${statement.index}]${statement.sid ? ` "${statement.sid}"` : ''}`,
        policy: name,
        effect: statement.effect,
        matched: statement.matched,
        deciding: statement.deciding === true,
        reason: reasonText(statement.reason),
        principalMatch: statement.principalMatch,
        link,
      };
    });
    return { name, kind: policy.kind, outcome: policy.outcome, note: policy.note, statements };
  });
  const grants = trace.grants.map((g) => ({ grantId: g.grantId, matched: g.matched, deciding: g.deciding === true, reason: g.reason }));
  const principal = full?.request.principal ?? asked.principal;
  const action = full?.request.action ?? asked.action;
  return {
    title: simulationTitle(result.decision, { ...asked, principal, action }),
    decision: result.decision,
    error: result.error,
    errorMessage: result.errorMessage,
    summary: result.summary,
    request: {
      principal,
      action,
      resource: full?.request.resource ?? asked.resource,
      region: context.find(([k]) => k === 'aws:RequestedRegion')?.[1],
      keyState: full?.keyState ?? undefined,
      encryptionContext: context
        .filter(([k]) => k.toLowerCase().startsWith(ENCRYPTION_CONTEXT_PREFIX))
        .map(([k, v]): [string, string] => [k.slice(ENCRYPTION_CONTEXT_PREFIX.length), v]),
    },
    context,
    deciding: policies.flatMap((p) => p.statements.filter((s) => s.deciding)),
    decidingGrants: grants.filter((g) => g.deciding).map((g) => g.grantId),
    steps: (trace.steps ?? []).map((s) => ({ step: s.step ?? '', outcome: s.outcome ?? 'info', detail: s.detail ?? '' })),
    policies,
    grants,
    links,
  };
}
