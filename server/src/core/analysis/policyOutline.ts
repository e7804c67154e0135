// Document symbols (one per statement, named by Sid), folding ranges and formatting.
import { format } from 'jsonc-parser';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import type { FoldingSpan, OffsetEdit, PolicySymbol } from './analysisTypes';

export function findDocumentSymbols(model: PolicyModel): PolicySymbol[] {
  const root = model.root;
  if (!root || root.type !== 'object') return [];
  const statements: PolicySymbol[] = model.statements.map((s) => {
    const effect = s.effect?.value ?? '';
    const actions = (s.action ?? s.notAction ?? []).map((a) => a.value);
    return {
      name: s.sid?.value ? s.sid.value : `Statement ${s.index + 1}`,
      detail: [effect, actions.slice(0, 3).join(', ') + (actions.length > 3 ? ', ...' : '')].filter(Boolean).join(' '),
      kind: 'statement',
      range: s.range,
      selectionRange: s.sid?.range ?? { start: s.range.start, end: s.range.start + 1 },
      children: [],
    };
  });
  const range: SourceRange = { start: root.offset, end: root.offset + root.length };
  return [{ name: model.id?.value ?? 'Key policy', kind: 'policy', range, selectionRange: model.id?.range ?? { start: root.offset, end: root.offset + 1 }, children: statements }];
}

export function getFoldingRanges(model: PolicyModel): FoldingSpan[] {
  const spans: FoldingSpan[] = [];
  const pending = model.root ? [model.root] : [];
  // Walk the parsed tree iteratively: no recursion, whatever the document.
  while (pending.length) {
    const node = pending.pop()!;
    if (node.type === 'object' || node.type === 'array') spans.push({ start: node.offset, end: node.offset + node.length - 1 });
    for (const child of node.children ?? []) if (child.type !== 'string' && child.type !== 'number' && child.type !== 'boolean' && child.type !== 'null') pending.push(child);
  }
  return spans.sort((a, b) => a.start - b.start);
}

export interface FormattingOptions {
  readonly tabSize: number;
  readonly insertSpaces: boolean;
}

export function formatPolicy(model: PolicyModel, range: SourceRange | undefined, options: FormattingOptions): OffsetEdit[] {
  // Without a tree the text is empty or nested past any policy; indenting it could grow without bound.
  if (!model.root) return [];
  const edits = format(model.text, range ? { offset: range.start, length: range.end - range.start } : undefined, {
    tabSize: options.tabSize,
    insertSpaces: options.insertSpaces,
    eol: model.text.includes('\r\n') ? '\r\n' : '\n',
    insertFinalNewline: true,
  });
  return edits.map((e) => ({ range: { start: e.offset, end: e.offset + e.length }, newText: e.content }));
}
