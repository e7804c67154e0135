/// <reference lib="dom" />
// The Who Can Use matrix's script: the table is rendered by the extension (escaped HTML); this
// filters it (the same matrixVisibility the tests check), moves focus between cells with the
// arrow keys, Home and End, and turns a cell's activation into a message. It decides nothing.
import type { FromMatrixView } from '../simulation/resultViewMessages';
import { keepViewState } from './viewState';
import { matrixVisibility, type WhoCanUseMatrix } from './whoCanUseMatrix';

interface MatrixState {
  readonly kind: 'whoCanUse';
  readonly matrix: WhoCanUseMatrix;
  readonly filter?: string;
  readonly hideEmpty?: boolean;
}

interface VsCodeApi {
  postMessage(message: FromMatrixView): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state = keepViewState(vscode) as MatrixState | undefined;
const filter = document.getElementById('filter') as HTMLInputElement;
const hideEmpty = document.getElementById('hide-empty') as HTMLInputElement;
const status = document.getElementById('filter-status') as HTMLElement;
const table = document.querySelector('table.matrix') as HTMLTableElement;

function apply(): void {
  if (!state) return;
  const shown = matrixVisibility(state.matrix, filter.value, hideEmpty.checked);
  for (const row of table.querySelectorAll<HTMLTableRowElement>('tbody tr[data-row]')) row.hidden = !shown.rows[Number(row.dataset.row)];
  for (const cell of table.querySelectorAll<HTMLElement>('[data-col]:not(button)')) cell.hidden = !shown.columns[Number(cell.dataset.col)];
  status.textContent = shown.status;
  vscode.setState({ ...state, filter: filter.value, hideEmpty: hideEmpty.checked });
}

/** The visible cell buttons as a grid of rows, for arrow-key movement. */
function visibleGrid(): HTMLButtonElement[][] {
  return [...table.querySelectorAll<HTMLTableRowElement>('tbody tr[data-row]')]
    .filter((row) => !row.hidden)
    .map((row) => [...row.querySelectorAll<HTMLButtonElement>('button.cell')].filter((b) => !(b.parentElement as HTMLElement).hidden));
}

table.addEventListener('keydown', (event) => {
  const from = (event.target as HTMLElement).closest<HTMLButtonElement>('button.cell');
  if (!from) return;
  const grid = visibleGrid();
  const r = grid.findIndex((row) => row.includes(from));
  if (r < 0) return;
  const c = grid[r]!.indexOf(from);
  const at = (row: number, column: number) => grid[Math.max(0, Math.min(grid.length - 1, row))]?.[column];
  const moves: Record<string, () => HTMLButtonElement | undefined> = {
    ArrowRight: () => grid[r]![Math.min(c + 1, grid[r]!.length - 1)],
    ArrowLeft: () => grid[r]![Math.max(c - 1, 0)],
    ArrowDown: () => at(r + 1, c),
    ArrowUp: () => at(r - 1, c),
    Home: () => (event.ctrlKey ? grid[0]?.[0] : grid[r]![0]),
    End: () => (event.ctrlKey ? grid[grid.length - 1]?.at(-1) : grid[r]!.at(-1)),
  };
  const move = moves[event.key];
  if (!move) return;
  event.preventDefault();
  move()?.focus();
});

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const cell = target.closest<HTMLButtonElement>('button.cell');
  if (cell) {
    vscode.postMessage({ type: 'simulateCell', row: Number(cell.dataset.row), column: Number(cell.dataset.col) });
    return;
  }
  if (target.closest<HTMLButtonElement>('button[data-action="openAsText"]')) vscode.postMessage({ type: 'openAsText' });
});

filter.addEventListener('input', apply);
hideEmpty.addEventListener('change', apply);
if (state?.filter) filter.value = state.filter;
if (state?.hideEmpty) hideEmpty.checked = true;
if (state?.filter || state?.hideEmpty) apply();
