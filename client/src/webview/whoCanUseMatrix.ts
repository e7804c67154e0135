// The Who Can Use matrix as data: principals by actions, each cell one decision, and what the
// filter box and the "hide principals that can do nothing" toggle leave visible. Pure and
// browser-safe: the extension renders the matrix from it, the webview's script filters with it.

export interface MatrixCell {
  readonly action: string;
  readonly decision: string;
  /** `key policy`, `key policy + IAM`, `grant`, ... when allowed. */
  readonly via?: string | null;
  /** The error the call would still fail with (key state), or the denial's error. */
  readonly error: string | null;
  /** A condition of the allow, e.g. `only with encryption context team=billing`. */
  readonly note?: string;
  /** The encryption context that condition names: the cell's simulation sends it. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly summary?: string;
}

export interface MatrixRow {
  readonly principal: string;
  readonly name?: string;
  /** Named by the key policy or a grant, but not declared in the environment. */
  readonly external?: boolean;
  readonly cells: readonly MatrixCell[];
}

export interface WhoCanUseMatrix {
  readonly keyArn: string;
  /** What the user calls the key (its alias or id). */
  readonly label: string;
  readonly actions: readonly string[];
  readonly rows: readonly MatrixRow[];
}

export type CellKind = 'allow' | 'conditional' | 'allow-fails' | 'explicit-deny' | 'implicit-deny' | 'not-applicable';

export function cellKind(cell: MatrixCell): CellKind {
  if (cell.decision === 'Allow') return cell.error ? 'allow-fails' : cell.note ? 'conditional' : 'allow';
  if (cell.decision === 'ExplicitDeny') return 'explicit-deny';
  if (cell.decision === 'ImplicitDeny') return 'implicit-deny';
  return 'not-applicable';
}

/** Whether the policies let the principal do this, with or without a condition (the key state may still fail it). */
export function allows(cell: MatrixCell): boolean {
  const kind = cellKind(cell);
  return kind === 'allow' || kind === 'conditional' || kind === 'allow-fails';
}

export interface MatrixVisibility {
  readonly rows: readonly boolean[];
  readonly columns: readonly boolean[];
  /** One sentence for the status line: what is shown, or why nothing is. */
  readonly status: string;
}

function principalText(row: MatrixRow): string {
  return `${row.name ?? ''} ${row.principal}`.toLowerCase();
}

/**
 * What stays visible. A word of the filter that some principal (name or ARN) contains picks
 * rows, else one that some action contains picks columns, else it matches nothing. Picked rows
 * add up, and so do picked columns: `AppRole alice` leaves two principals, `Decrypt Encrypt`
 * the actions containing either, and `AppRole Decrypt` one cell. Hiding principals that can do
 * nothing looks at the visible columns only: with `Decrypt` typed, it leaves who can decrypt.
 */
export function matrixVisibility(matrix: WhoCanUseMatrix, filter: string, hideEmpty: boolean): MatrixVisibility {
  let rows = matrix.rows.map(() => true);
  let columns = matrix.actions.map(() => true);
  let rowPicks: boolean[] | undefined;
  let columnPicks: boolean[] | undefined;
  const unmatched: string[] = [];
  for (const word of filter.toLowerCase().split(/\s+/).filter(Boolean)) {
    const rowHits = matrix.rows.map((r) => principalText(r).includes(word));
    const columnHits = matrix.actions.map((a) => a.toLowerCase().includes(word));
    if (rowHits.some(Boolean)) rowPicks = rowHits.map((hit, i) => hit || (rowPicks?.[i] ?? false));
    else if (columnHits.some(Boolean)) columnPicks = columnHits.map((hit, i) => hit || (columnPicks?.[i] ?? false));
    else unmatched.push(word);
  }
  if (rowPicks) rows = rowPicks;
  if (columnPicks) columns = columnPicks;
  if (unmatched.length) {
    return { rows: rows.map(() => false), columns, status: `No principal or action contains "${unmatched.join('", "')}".` };
  }
  if (hideEmpty) rows = rows.map((shown, i) => shown && matrix.rows[i]!.cells.some((cell, c) => columns[c] && allows(cell)));
  const shownRows = rows.filter(Boolean).length;
  const shownColumns = columns.filter(Boolean).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const status =
    shownRows === 0
      ? hideEmpty
        ? 'No principal shown can do any of these actions.'
        : 'No principal to show.'
      : `${plural(shownRows, 'principal')} of ${matrix.rows.length} by ${plural(shownColumns, 'action')} of ${matrix.actions.length}. Each cell opens its simulation.`;
  return { rows, columns, status };
}
