// Source ranges for the trace: when a policy's text is known, each statement's range is found
// in the syntax tree (jsonc-parser keeps offsets) and given 1-based lines and columns, so a
// click in the trace can reveal the statement. The policy may sit inside a larger document,
// e.g. the `keyPolicy` of a scenario file.
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { StatementTrace, TraceRange } from './simulationResult';

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** The range of a [start, end) span of `text` with 1-based line and column. */
export function toTraceRange(text: string, start: number, end: number, starts = lineStarts(text)): TraceRange {
  const a = position(starts, start);
  const b = position(starts, end);
  return { start, end, startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
}

/**
 * Ranges of the statements (by index) of the policy at `pointer` in `text`; or, for a policy
 * written in a template or Terraform file, at the spans its front-end found.
 */
export function statementRanges(text: string, pointer: readonly (string | number)[] = [], spans?: readonly { start: number; end: number }[]): Map<number, TraceRange> {
  const ranges = new Map<number, TraceRange>();
  if (spans) {
    const starts = lineStarts(text);
    spans.forEach((span, i) => ranges.set(i, toTraceRange(text, span.start, span.end, starts)));
    return ranges;
  }
  const root = parseTree(text, [], { allowTrailingComma: true });
  if (!root) return ranges;
  const statement: JsonNode | undefined = findNodeAtLocation(root, [...pointer, 'Statement']);
  if (!statement) return ranges;
  const starts = lineStarts(text);
  if (statement.type === 'object') {
    ranges.set(0, toTraceRange(text, statement.offset, statement.offset + statement.length, starts));
  } else if (statement.type === 'array') {
    (statement.children ?? []).forEach((child, i) => ranges.set(i, toTraceRange(text, child.offset, child.offset + child.length, starts)));
  }
  return ranges;
}

/** The statements with their source ranges added. */
export function withStatementRanges(
  statements: readonly StatementTrace[],
  sourceText: string,
  pointer: readonly (string | number)[] = [],
  spans?: readonly { start: number; end: number }[],
): StatementTrace[] {
  const ranges = statementRanges(sourceText, pointer, spans);
  return statements.map((statement) => {
    const range = ranges.get(statement.index);
    return range ? { ...statement, range } : statement;
  });
}
