// Which statements of a key policy can take part in deciding a caller's requests for an action:
// those whose Principal names the caller (and how: itself, its account, everyone, as a service)
// or whose NotPrincipal might not exclude it, and whose Action covers the action. The evaluator
// reads nothing else of the key policy, so two policies whose relevant statements say the same
// thing (same effect, same way of naming the caller, same resource and conditions, same policy
// version) decide every such request alike, and the checks need not evaluate them.
import type { CallerIdentity } from '../access/callerIdentity';
import type { NormalizedPolicy, NormalizedStatement } from '../access/policyDocument';
import type { PolicyDocument } from '../access/scenario';
import { matchPrincipal } from '../access/principalMatcher';
import { statementCoversAction } from './accessPartition';

/**
 * What a statement says apart from whom and which actions (its effect, resource and conditions),
 * as a small number: equal numbers, equal content, across every policy of the process.
 */
const bodyIds = new Map<string, number>();
const bodies = new WeakMap<NormalizedStatement, number>();

function bodyOf(statement: NormalizedStatement): number {
  let id = bodies.get(statement);
  if (id === undefined) {
    const conditions = statement.conditions
      .map((c) => JSON.stringify([c.operator, c.key.toLowerCase(), [...c.values].sort()]))
      .sort()
      .join(',');
    const body = JSON.stringify([statement.effect, statement.resource ?? null, statement.notResource ?? null]) + conditions;
    id = bodyIds.get(body);
    if (id === undefined) {
      if (bodyIds.size > 100_000) bodyIds.clear(); // bounded; ids stay unique as the counter only grows
      id = nextBodyId++;
      bodyIds.set(body, id);
    }
    bodies.set(statement, id);
  }
  return id;
}
let nextBodyId = 0;

/** How the statement's principal element meets the caller; undefined when it cannot match. */
function principalFacet(statement: NormalizedStatement, caller: CallerIdentity): string | undefined {
  if (statement.problem) return undefined;
  // NotPrincipal: kept whole, whoever the caller is (it matches all but those it lists).
  if (statement.notPrincipal) return `not${JSON.stringify(statement.notPrincipal)}`;
  if (!statement.principal) return undefined;
  const match = matchPrincipal(statement.principal, caller);
  return match ? `${match.kind}:${match.namesSessionOrUser}` : undefined;
}

export interface RelevantStatements {
  readonly statements: readonly NormalizedStatement[];
  /** A key policy of these statements alone (the document's own text for each): it decides the caller's requests for the action as the whole policy does. */
  readonly document: PolicyDocument;
  /** Whether any relevant statement allows (without one, the key policy allows nothing). */
  readonly allows: boolean;
  /** True when the other policy's relevant statements say the same thing, so both decide every such request alike. */
  sameAs(other: RelevantStatements): boolean;
}

class Relevant implements RelevantStatements {
  private built: PolicyDocument | undefined;
  constructor(
    readonly statements: readonly NormalizedStatement[],
    readonly allows: boolean,
    /** What each statement says of the caller, sorted, without repeats. */
    readonly facets: readonly string[],
    private readonly owner: StatementRelevance,
  ) {}

  get document(): PolicyDocument {
    this.built ??= this.owner.documentOf(this.statements);
    return this.built;
  }

  sameAs(other: RelevantStatements): boolean {
    if (!(other instanceof Relevant) || other.owner.variablesEnabled !== this.owner.variablesEnabled || other.facets.length !== this.facets.length) return false;
    return this.facets.every((facet, i) => facet === other.facets[i]);
  }
}

const ROLE = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * A key policy's statements indexed by the names their Principal elements use, so a caller's
 * statements are found without matching it against every statement (policies of 32 KB have a
 * hundred statements and the checks ask about hundreds of callers). The index only narrows; the
 * evaluator's own matchPrincipal decides.
 */
export class StatementRelevance {
  private readonly always: NormalizedStatement[] = [];
  private readonly byName = new Map<string, NormalizedStatement[]>();
  private readonly byCaller = new Map<string, readonly { statement: NormalizedStatement; facet: string }[]>();
  private readonly covers = new Map<string, readonly boolean[]>();

  private readonly documents = new Map<string, PolicyDocument>();
  private readonly rawStatements: readonly unknown[];

  constructor(
    private readonly policy: NormalizedPolicy,
    document: PolicyDocument,
  ) {
    const raw = (typeof document === 'object' && document !== null ? (document as Record<string, unknown>).Statement : undefined) ?? [];
    this.rawStatements = Array.isArray(raw) ? raw : [raw];
    for (const statement of policy.statements) {
      if (statement.problem) continue;
      if (statement.notPrincipal || statement.principal?.wildcard) {
        this.always.push(statement);
        continue;
      }
      const spec = statement.principal;
      if (!spec) continue;
      const names = new Set<string>();
      for (const entry of [...spec.aws, ...spec.federated]) {
        names.add(entry);
        const role = ROLE.exec(entry);
        if (role) names.add(`role:${role[1]}:${role[2]}`);
      }
      for (const entry of spec.service) names.add(entry === '*' ? 'service:*' : `service:${entry.toLowerCase()}`);
      for (const name of names) {
        const list = this.byName.get(name);
        if (list) list.push(statement);
        else this.byName.set(name, [statement]);
      }
    }
  }

  private candidates(caller: CallerIdentity): Set<NormalizedStatement> {
    const found = new Set<NormalizedStatement>(this.always);
    const keys = [caller.arn];
    if (caller.account) keys.push(caller.account, caller.accountRootArn);
    if (caller.kind === 'assumed-role' && caller.roleName) keys.push(`role:${caller.account}:${caller.roleName}`);
    if (caller.kind === 'service' && caller.serviceName) keys.push('service:*', `service:${caller.serviceName.toLowerCase()}`);
    for (const key of keys) for (const statement of this.byName.get(key) ?? []) found.add(statement);
    return found;
  }

  private forCaller(caller: CallerIdentity): readonly { statement: NormalizedStatement; facet: string }[] {
    let matched = this.byCaller.get(caller.arn);
    if (!matched) {
      const list: { statement: NormalizedStatement; facet: string }[] = [];
      const candidates = this.candidates(caller);
      for (const statement of this.policy.statements) {
        // Kept in policy order (the candidates set only filters).
        if (!candidates.has(statement)) continue;
        const facet = principalFacet(statement, caller);
        if (facet !== undefined) list.push({ statement, facet: `${facet}|${bodyOf(statement)}` });
      }
      matched = list;
      this.byCaller.set(caller.arn, matched);
    }
    return matched;
  }

  private coversAction(statement: NormalizedStatement, action: string): boolean {
    let byIndex = this.covers.get(action);
    if (!byIndex) {
      byIndex = this.policy.statements.map((st) => statementCoversAction(st, action));
      this.covers.set(action, byIndex);
    }
    return byIndex[statement.index] ?? false;
  }

  get variablesEnabled(): boolean {
    return this.policy.variablesEnabled;
  }

  /** A key policy of the given statements, one document object per set so the evaluator's normalization cache holds. */
  documentOf(statements: readonly NormalizedStatement[]): PolicyDocument {
    const id = statements.map((st) => st.index).join(',');
    let document = this.documents.get(id);
    if (!document) {
      document = { ...(this.policy.version ? { Version: this.policy.version } : {}), Statement: statements.map((st) => this.rawStatements[st.index]) };
      this.documents.set(id, document);
    }
    return document;
  }

  /** The statements that can decide the caller's requests for the action. */
  relevant(caller: CallerIdentity, action: string): RelevantStatements {
    const statements: NormalizedStatement[] = [];
    const facets: string[] = [];
    let allows = false;
    for (const { statement, facet } of this.forCaller(caller)) {
      if (!this.coversAction(statement, action)) continue;
      statements.push(statement);
      if (!facets.includes(facet)) facets.push(facet);
      if (statement.effect === 'Allow') allows = true;
    }
    facets.sort();
    return new Relevant(statements, allows, facets, this);
  }
}
