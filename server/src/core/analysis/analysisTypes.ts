// The language service's own result types. Offsets, not LSP positions: core knows no
// protocol; the LSP layer and the CLI convert with the document's line index.
import type { SourceRange } from '../policy/policyModel';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface OffsetEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

/** A quick fix: a titled set of edits. Travels with its finding (LSP `Diagnostic.data`). */
export interface FindingFix {
  readonly title: string;
  readonly edits: readonly OffsetEdit[];
  readonly isPreferred?: boolean;
}

export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: SourceRange;
  /** The AWS documentation page the rule follows. */
  readonly docUrl: string;
  readonly fixes?: readonly FindingFix[];
}

export interface HoverResult {
  readonly markdown: string;
  readonly range: SourceRange;
}

export type CompletionKind = 'action' | 'conditionKey' | 'operator' | 'value' | 'principal' | 'snippet' | 'property';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** Text replacing `range`; a snippet (with `${1:...}` tab stops) when `isSnippet`. */
  readonly insertText: string;
  readonly isSnippet?: boolean;
  readonly range: SourceRange;
  readonly detail?: string;
  readonly documentation?: string;
  /** Text the client filters on (defaults to the label). */
  readonly filterText?: string;
  readonly sortText?: string;
}

export interface PolicySymbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: 'policy' | 'statement';
  readonly range: SourceRange;
  readonly selectionRange: SourceRange;
  readonly children: readonly PolicySymbol[];
}

export interface FoldingSpan {
  /** Offsets of the opening and closing brackets. */
  readonly start: number;
  readonly end: number;
}
