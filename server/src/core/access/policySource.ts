// A policy slot of a scenario holds either a bare document or a NamedPolicy wrapper carrying
// its name, text and file, so the trace can name it and point into its text.
import type { NamedPolicy } from './scenario';

export interface PolicyWithSource {
  readonly document: unknown;
  readonly name?: string;
  readonly sourceText?: string;
  readonly source?: string;
  readonly sourcePointer?: readonly (string | number)[];
  readonly statementSpans?: NamedPolicy['statementSpans'];
}

function isNamedPolicy(value: unknown): value is NamedPolicy {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'document' in value &&
    !('Statement' in value) &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

export function unwrapPolicy(value: unknown): PolicyWithSource {
  if (isNamedPolicy(value)) {
    return { document: value.document, name: value.name, sourceText: value.sourceText, source: value.source, sourcePointer: value.sourcePointer, statementSpans: value.statementSpans };
  }
  return { document: value };
}

/** The policy's Id, when it has one, as a readable name. */
export function policyId(document: unknown): string | undefined {
  if (typeof document === 'object' && document !== null && 'Id' in document) {
    const id = (document as { Id?: unknown }).Id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}
