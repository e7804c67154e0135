// The simulation result view as HTML: the decision first (words and an icon, never colour
// alone), the error the caller would see, the request, the deciding statements as links into
// their policies, then the trace in collapsible sections. Every value is escaped; the page's
// script only turns clicks into messages.
import type { SimulationView, StatementView } from '../simulation/simulationViewModel';
import { escapeHtml, webviewDocument, type WebviewPage } from './htmlText';

interface DecisionLook {
  readonly css: string;
  readonly icon: string;
  readonly words: string;
}

/** How each decision looks: a class for the theme colour, a codicon, and the words that carry it. */
export function decisionLook(decision: string, error: string | null): DecisionLook {
  switch (decision) {
    case 'Allow':
      return error
        ? { css: 'allow-fails', icon: 'warning', words: `Allowed by the policies, but the call fails with ${error}` }
        : { css: 'allow', icon: 'pass', words: 'Allowed' };
    case 'ExplicitDeny':
      return { css: 'explicit-deny', icon: 'error', words: 'Explicitly denied' };
    case 'ImplicitDeny':
      return { css: 'implicit-deny', icon: 'circle-slash', words: 'Implicitly denied (nothing allows it)' };
    default:
      return { css: 'not-applicable', icon: 'question', words: 'Not applicable' };
  }
}

const icon = (name: string) => `<span class="codicon codicon-${escapeHtml(name)}" aria-hidden="true"></span>`;
const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** A statement's name as a link into its policy (a keyboard-reachable anchor), or as text when its range is unknown. */
function statementLink(statement: StatementView): string {
  const name = escapeHtml(statement.label);
  if (statement.link === undefined) return `<span class="statement-name">${name}</span>`;
  return `<a href="#" class="statement-link" data-link="${statement.link}" title="Open ${escapeHtml(statement.policy)} at this statement">${name}</a>`;
}

function statementVerdict(statement: StatementView): string {
  if (!statement.matched) return `did not match${statement.reason ? `: ${escapeHtml(statement.reason)}` : ''}`;
  const delegates = statement.principalMatch === 'account' ? ' (names the caller\'s account: delegates to IAM)' : '';
  return `matched${delegates}${statement.deciding ? ' — <strong>deciding</strong>' : ''}`;
}

function definitionList(rows: readonly (readonly [string, string | undefined])[]): string {
  const items = rows.filter((r): r is readonly [string, string] => r[1] !== undefined && r[1] !== '');
  return `<dl class="request">${items.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${code(value)}</dd>`).join('')}</dl>`;
}

function decidingSection(view: SimulationView): string {
  const parts: string[] = [];
  if (view.deciding.length) {
    parts.push(
      `<ul class="deciding">${view.deciding
        .map((s) => `<li class="effect-${escapeHtml(s.effect.toLowerCase())}">${statementLink(s)} <span class="effect">${escapeHtml(s.effect)}</span> in ${escapeHtml(s.policy)}</li>`)
        .join('')}</ul>`,
    );
  }
  if (view.decidingGrants.length) {
    parts.push(`<ul class="deciding">${view.decidingGrants.map((g) => `<li>Grant ${code(g)}</li>`).join('')}</ul>`);
  }
  if (!parts.length) {
    const why = view.decision === 'ImplicitDeny' ? 'No statement or grant allows this request; the summary above says which came closest.' : 'No single statement decided this result.';
    parts.push(`<p class="none">${escapeHtml(why)}</p>`);
  }
  return `<section aria-labelledby="deciding-heading"><h2 id="deciding-heading">Deciding statements</h2>${parts.join('')}</section>`;
}

function traceSection(view: SimulationView): string {
  const steps = view.steps.length
    ? `<ol class="steps">${view.steps
        .map((s) => `<li class="step-${escapeHtml(s.outcome)}"><span class="outcome">${escapeHtml(s.outcome)}</span> <strong>${escapeHtml(s.step)}</strong>: ${escapeHtml(s.detail)}</li>`)
        .join('')}</ol>`
    : '';
  const policies = view.policies
    .map((p) => {
      const statements = p.statements
        .map((s) => `<li class="${s.deciding ? 'deciding ' : ''}${s.matched ? 'matched' : 'unmatched'}">${statementLink(s)} <span class="effect">${escapeHtml(s.effect)}</span> — ${statementVerdict(s)}</li>`)
        .join('');
      const note = p.note ? ` <span class="note">(${escapeHtml(p.note)})</span>` : '';
      const open = p.statements.some((s) => s.deciding) ? ' open' : '';
      return `<details class="policy"${open}><summary>${escapeHtml(p.name)}: <span class="outcome">${escapeHtml(p.outcome)}</span>${note}</summary><ul class="statements">${statements}</ul></details>`;
    })
    .join('');
  const grants = view.grants.length
    ? `<details class="policy"><summary>Grants (${view.grants.length})</summary><ul class="statements">${view.grants
        .map((g) => `<li class="${g.deciding ? 'deciding ' : ''}${g.matched ? 'matched' : 'unmatched'}">${code(g.grantId)} — ${g.matched ? 'matched' : `did not match${g.reason ? `: ${escapeHtml(g.reason)}` : ''}`}</li>`)
        .join('')}</ul></details>`
    : '';
  const context = view.context.length
    ? `<details class="context"><summary>Request context (${view.context.length} condition keys)</summary><table><thead><tr><th scope="col">Condition key</th><th scope="col">Value</th></tr></thead><tbody>${view.context
        .map(([k, v]) => `<tr><th scope="row">${code(k)}</th><td>${code(v)}</td></tr>`)
        .join('')}</tbody></table></details>`
    : '';
  return `<details class="trace" id="trace"><summary><h2>Evaluation trace</h2></summary>${steps}${policies}${grants}${context}</details>`;
}

/** The body of the view (without the page around it), for tests and for the page. */
export function simulationResultBody(view: SimulationView): string {
  const look = decisionLook(view.decision, view.error);
  const error = view.error
    ? `<section aria-labelledby="error-heading"><h2 id="error-heading">What the caller sees</h2><p class="error-message" id="error-message">${code(view.error)}${view.errorMessage ? `: ${escapeHtml(view.errorMessage)}` : ''}</p></section>`
    : `<section aria-labelledby="error-heading"><h2 id="error-heading">What the caller sees</h2><p id="error-message">No error: the call succeeds.</p></section>`;
  const encryptionContext = view.request.encryptionContext.map(([k, v]) => `${k}=${v}`).join(', ');
  return `<main>
<header class="decision ${look.css}" role="status" aria-live="polite">
  <h1 id="decision">${icon(look.icon)} <span class="decision-words">${escapeHtml(look.words)}</span> <span class="decision-code">${code(view.decision)}</span></h1>
  ${view.summary ? `<p class="summary">${escapeHtml(view.summary)}</p>` : ''}
</header>
<nav class="actions" aria-label="Result actions">
  <button type="button" data-action="openAsText">${icon('go-to-file')} Open as text</button>
  ${view.error && view.errorMessage ? `<button type="button" data-action="copyError">${icon('copy')} Copy error message</button>` : ''}
</nav>
${error}
<section aria-labelledby="request-heading"><h2 id="request-heading">Request</h2>${definitionList([
    ['Principal', view.request.principal],
    ['Action', view.request.action],
    ['Key', view.request.resource],
    ['Region', view.request.region],
    ['Encryption context', encryptionContext || undefined],
    ['Key state', view.request.keyState],
  ])}</section>
${decidingSection(view)}
${traceSection(view)}
</main>`;
}

/** The whole page; `state` is what the panel is restored from after a reload. */
export function renderSimulationResultHtml(view: SimulationView, page: WebviewPage, state: unknown): string {
  return webviewDocument(page, view.title, simulationResultBody(view), state);
}
