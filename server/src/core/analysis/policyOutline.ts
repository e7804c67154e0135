// Document symbols (one per statement, named by Sid), folding ranges and formatting.
import { format, visit } from 'jsonc-parser';
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
  const stack: number[] = [];
  visit(model.text, {
    onObjectBegin: (offset) => {
      stack.push(offset);
    },
    onArrayBegin: (offset) => {
      stack.push(offset);
    },
    onObjectEnd: (offset) => {
      const start = stack.pop();
      if (start !== undefined) spans.push({ start, end: offset });
    },
    onArrayEnd: (offset) => {
      const start = stack.pop();
      if (start !== undefined) spans.push({ start, end: offset });
    },
  });
  return spans.sort((a, b) => a.start - b.start);
}

export interface FormattingOptions {
  readonly tabSize: number;
  readonly insertSpaces: boolean;
}

export function formatPolicy(model: PolicyModel, range: SourceRange | undefined, options: FormattingOptions): OffsetEdit[] {
  const edits = format(model.text, range ? { offset: range.start, length: range.end - range.start } : undefined, {
    tabSize: options.tabSize,
    insertSpaces: options.insertSpaces,
    eol: model.text.includes('\r\n') ? '\r\n' : '\n',
    insertFinalNewline: true,
  });
  return edits.map((e) => ({ range: { start: e.offset, end: e.offset + e.length }, newText: e.content }));
}
