// The resources of a YAML template read from earlier versions of the same document, by the exact
// text of their slice. Typing changes one resource at a time; the reading of every other slice
// is the same nodes moved by however many characters the edit inserted before them. Reading the
// slices with the YAML parser is most of the time to diagnostics (test/bench/templateBench.ts),
// moving a copy of the nodes is a small part of it.
//
// What makes a hit sound: a slice starts at the start of its first line (its indentation is part
// of its text), and its reading looks at nothing outside it (yamlCstEntries.ts and the Document's
// reading of the slice alone), so equal text gives equal nodes at offsets that differ by the
// distance between the two slices. A slice with syntax problems is not kept: it is read again,
// and the Document's reading reports them.
import type { Node as JsonNode } from 'jsonc-parser';
import { adopt } from './templateTreeNodes';

/** More slices than any template the editor has open; a bound in case one is not a template. */
const MAX_CACHED_SLICES = 20_000;

interface Reading {
  /** The entries as read at `base`; never handed out (every reader gets a copy). */
  readonly entries: readonly JsonNode[];
  readonly base: number;
  readonly expected: number;
  /** The sweep the slice was last used in. */
  used: number;
}

/** A copy of `tree` moved by `by` characters: every absolute position a node carries moves with it. */
function shifted(tree: JsonNode, by: number): JsonNode {
  const copy = { type: tree.type, offset: tree.offset + by, length: tree.length, value: tree.value } as JsonNode;
  if (tree.colonOffset !== undefined) (copy as { colonOffset?: number }).colonOffset = tree.colonOffset + by;
  return tree.children ? adopt(copy, tree.children.map((child) => shifted(child, by))) : copy;
}

/**
 * Read slices of one document, by text. Pass it to each analysis of the same document (the
 * template readers take it as an option); each complete reading of the template drops the slices
 * it did not use, so the cache holds one version of the document's slices.
 */
export class YamlSliceCache {
  private readonly slices = new Map<string, Reading>();
  private sweep = 0;

  /** How many slices are kept. */
  get size(): number {
    return this.slices.size;
  }

  /** Starts a reading of the template: the slices it does not use are dropped by finish(). */
  begin(): void {
    this.sweep++;
  }

  /** Drops the slices the reading since begin() did not use. */
  finish(): void {
    for (const [text, reading] of this.slices) if (reading.used !== this.sweep) this.slices.delete(text);
  }

  /**
   * The entries of text[start, end), from the cache moved to `start`, or from `read` (kept when
   * it reports no syntax problem). Each call gives nodes of its own.
   */
  entries(text: string, start: number, end: number, expected: number, read: () => { entries: JsonNode[]; problems: number } | undefined): JsonNode[] | undefined {
    const slice = text.slice(start, end);
    const cached = this.slices.get(slice);
    if (cached && cached.expected === expected) {
      cached.used = this.sweep;
      return cached.entries.map((entry) => shifted(entry, start - cached.base));
    }
    const fresh = read();
    if (!fresh || fresh.problems > 0) return fresh?.entries;
    this.slices.delete(slice);
    this.slices.set(slice, { entries: fresh.entries, base: start, expected, used: this.sweep });
    if (this.slices.size > MAX_CACHED_SLICES) this.slices.delete(this.slices.keys().next().value!);
    return fresh.entries.map((entry) => shifted(entry, 0));
  }
}
