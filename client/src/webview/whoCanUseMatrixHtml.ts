// The Who Can Use matrix as HTML: a table of principals (rows) by actions (columns) whose
// cells are buttons, each saying its decision in words (and an icon), the path that allows it
// or the condition it needs, and opening the simulation of that principal and action. A filter
// box and a toggle narrow it; every value is escaped.
import { escapeHtml, webviewDocument, type WebviewPage } from './htmlText';
import { cellKind, matrixVisibility, type CellKind, type MatrixCell, type MatrixRow, type WhoCanUseMatrix } from './whoCanUseMatrix';

const LOOK: Readonly<Record<CellKind, { readonly icon: string; readonly words: string }>> = {
  allow: { icon: 'pass', words: 'Allow' },
  conditional: { icon: 'debug-breakpoint-conditional', words: 'Conditional' },
  'allow-fails': { icon: 'warning', words: 'Allowed, fails' },
  'explicit-deny': { icon: 'error', words: 'Explicit deny' },
  'implicit-deny': { icon: 'circle-slash', words: 'Implicit deny' },
  'not-applicable': { icon: 'question', words: 'Not applicable' },
};

const icon = (name: string) => `<span class="codicon codicon-${escapeHtml(name)} mark" aria-hidden="true"></span>`;

/** The line under a cell's verdict: the condition, the path that allows it, or the error. */
export function cellDetail(cell: MatrixCell): string {
  switch (cellKind(cell)) {
    case 'allow':
      return cell.via ? `via ${cell.via}` : '';
    case 'conditional':
      return `${cell.note ?? ''}${cell.via ? ` (via ${cell.via})` : ''}`;
    case 'allow-fails':
      return `fails: ${cell.error ?? ''}`;
    default:
      return cell.error && cell.error !== 'AccessDeniedException' ? cell.error : '';
  }
}

export function principalLabel(row: MatrixRow): string {
  return row.name ?? row.principal.split(/[:/]/).pop() ?? row.principal;
}

/** One cell: a button naming the principal, action and decision for screen readers. */
export function matrixCellHtml(row: MatrixRow, rowIndex: number, cell: MatrixCell, column: number): string {
  const kind = cellKind(cell);
  const look = LOOK[kind];
  const detail = cellDetail(cell);
  const label = `${principalLabel(row)}, ${cell.action}: ${look.words}${detail ? `, ${detail}` : ''}. Opens the simulation.`;
  return `<td data-col="${column}"><button type="button" class="cell ${kind}" data-row="${rowIndex}" data-col="${column}" aria-label="${escapeHtml(label)}"${cell.summary ? ` title="${escapeHtml(cell.summary)}"` : ''}><span class="verdict">${icon(look.icon)} ${escapeHtml(look.words)}</span>${detail ? `<span class="detail">${escapeHtml(detail)}</span>` : ''}</button></td>`;
}

/** The body of the view (filter, legend, table), with the unfiltered matrix showing. */
export function whoCanUseMatrixBody(matrix: WhoCanUseMatrix): string {
  const shown = matrixVisibility(matrix, '', false);
  const head = matrix.actions.map((a, c) => `<th scope="col" data-col="${c}">${escapeHtml(a)}</th>`).join('');
  const body = matrix.rows
    .map((row, r) => {
      const name = `<span class="principal-name">${escapeHtml(principalLabel(row))}</span><span class="arn">${escapeHtml(row.principal)}</span>${row.external ? '<span class="external">not in the environment</span>' : ''}`;
      return `<tr data-row="${r}"><th scope="row">${name}</th>${row.cells.map((cell, c) => matrixCellHtml(row, r, cell, c)).join('')}</tr>`;
    })
    .join('');
  const legend = (['allow', 'conditional', 'allow-fails', 'implicit-deny', 'explicit-deny'] as const)
    .map((kind) => `<li class="cell-legend ${kind}">${icon(LOOK[kind].icon)} ${escapeHtml(LOOK[kind].words)}</li>`)
    .join('');
  return `<main>
<header>
  <h1><span class="codicon codicon-organization" aria-hidden="true"></span> Who can use <code>${escapeHtml(matrix.label)}</code></h1>
  <p class="arn">${escapeHtml(matrix.keyArn)}</p>
</header>
<div class="toolbar" role="search">
  <label for="filter">Filter</label>
  <input type="search" id="filter" placeholder="Principal or action, e.g. AppRole Decrypt" aria-describedby="filter-status" autocomplete="off">
  <label for="hide-empty"><input type="checkbox" id="hide-empty"> Hide principals that can do nothing</label>
  <button type="button" data-action="openAsText"><span class="codicon codicon-go-to-file" aria-hidden="true"></span> Open as text</button>
</div>
<ul class="legend" aria-label="Legend">${legend}</ul>
<p id="filter-status" role="status" aria-live="polite">${escapeHtml(shown.status)} Arrow keys move between cells.</p>
<div class="table-scroll">
<table class="matrix" aria-label="${escapeHtml(`Who can use ${matrix.label}: principals by actions`)}">
<thead><tr><th scope="col">Principal</th>${head}</tr></thead>
<tbody>${body}</tbody>
</table>
</div>
</main>`;
}

/** The whole page; `state` is what the panel is restored from after a reload. */
export function renderWhoCanUseMatrixHtml(matrix: WhoCanUseMatrix, page: WebviewPage, state: unknown): string {
  return webviewDocument(page, `Who can use ${matrix.label}`, whoCanUseMatrixBody(matrix), state);
}
