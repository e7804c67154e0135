// The plain block YAML that key policies and IAM resources are written in, read without the
// YAML parser: block mappings and sequences, one-line scalars (plain, single-quoted, and
// double-quoted without escapes), one-line flow collections, and the short-form intrinsics.
// The `yaml` package reads a template's key and IAM resources in about six tenths of the time to
// diagnostics of a large stack; this reads the same text in a fraction of that. It gives the
// tree the parser's reading gives, node for node and range for range, or undefined at the first
// thing it does not vouch for (a comment, a tab, a line break inside a value, an anchor, a block
// scalar, an empty value, anything YAML reads as an error), and the caller lets the parser read.
// test/unit/templates/yamlPlainBlocks.test.ts holds the two readings side by side.
import type { Node as JsonNode } from 'jsonc-parser';
import { adopt, node, shortFormOf, wrapShortForm } from './templateTreeNodes';

/** The first character of a plain scalar may not be one of YAML's indicators. */
const INDICATOR = new Set([...'-?:,[]{}#&*!|>\'"%@`']);
/** What the YAML 1.2 core schema reads as null and as a boolean; numbers keep their text. */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOLEAN = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/** Deeper than this, the parser's reading (which stops at its own depth) is the one to follow. */
const MAX_DEPTH = 64;

const SPACE = 32;
const NEWLINE = 10;

/** Thrown to leave the plain reading; the caller parses the text with the YAML parser. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

class PlainBlockReader {
  private pos: number;
  private depth = 0;
  /** Just past the text of the value read last (a plain scalar's node may end before it, at other white space). */
  private valueEnd = 0;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  private fail(): never {
    throw NOT_PLAIN;
  }

  /** A collection read one level deeper. */
  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail();
    const result = read();
    this.depth--;
    return result;
  }

  private code(at: number): number {
    return at < this.end ? this.text.charCodeAt(at) : NEWLINE;
  }

  /** Skips blank lines; the indentation of the next line with content, or -1 at the end. */
  private nextIndent(): number {
    for (;;) {
      if (this.pos >= this.end) return -1;
      let i = this.pos;
      while (this.code(i) === SPACE && i < this.end) i++;
      if (i >= this.end) {
        this.pos = this.end;
        return -1;
      }
      if (this.code(i) !== NEWLINE) return i - this.pos;
      this.pos = i + 1;
    }
  }

  /** At the end of a line's content: only spaces before the line break. */
  private endLine(at: number): void {
    while (this.code(at) === SPACE && at < this.end) at++;
    if (this.code(at) !== NEWLINE) this.fail();
    this.pos = Math.min(at + 1, this.end);
  }

  /** The entries of the block mapping whose keys are at `indent`, as property nodes. */
  entries(indent: number): JsonNode[] {
    const properties: JsonNode[] = [];
    for (let at = this.nextIndent(); at === indent; at = this.nextIndent()) {
      properties.push(this.entry(this.pos + indent, indent));
    }
    return properties;
  }

  /** A block mapping at `indent` whose first key starts at `keyStart` (after a `- ` or at a line's indentation). */
  private mapping(keyStart: number, indent: number): JsonNode {
    const properties = [this.entry(keyStart, indent)];
    for (let at = this.nextIndent(); at === indent; at = this.nextIndent()) {
      if (this.code(this.pos + indent) === 45 /* - */ && this.code(this.pos + indent + 1) === SPACE) this.fail();
      properties.push(this.entry(this.pos + indent, indent));
    }
    this.checkDedent(indent);
    const last = properties.at(-1)!;
    return adopt(node('object', keyStart, last.offset + last.length - keyStart), properties);
  }

  /** After a collection at `indent`: the next line is not deeper (YAML would read an error or a continuation). */
  private checkDedent(indent: number): void {
    const at = this.nextIndent();
    if (at > indent) this.fail();
  }

  /** `key: value` or `key:` and a nested block, the key at `keyStart`, its mapping at `indent`. */
  private entry(keyStart: number, indent: number): JsonNode {
    const key = this.key(keyStart);
    const keyEnd = key.offset + key.length;
    const afterColon = keyEnd + 1;
    let value: JsonNode;
    if (this.code(afterColon) === NEWLINE) {
      this.pos = Math.min(afterColon + 1, this.end);
      value = this.nestedBlock(indent);
    } else {
      if (this.code(afterColon) !== SPACE) this.fail();
      let at = afterColon;
      while (this.code(at) === SPACE) at++;
      value = this.inlineValue(at, false);
      this.endLine(this.valueEnd);
      const next = this.nextIndent();
      if (next > indent) this.fail();
    }
    const property = node('property', keyStart, Math.max(value.offset + value.length, keyEnd) - keyStart);
    (property as { colonOffset?: number }).colonOffset = keyEnd;
    return adopt(property, [key, value]);
  }

  /** A key as written (plain or quoted), immediately followed by its colon. */
  private key(start: number): JsonNode {
    const c = this.code(start);
    if (c === 39 /* ' */ || c === 34 /* " */) {
      const key = this.quoted(start);
      if (this.code(key.offset + key.length) !== 58 /* : */) this.fail();
      return key;
    }
    // A plain key starts with a letter (so YAML's core schema reads no number in it).
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) this.fail();
    let i = start + 1;
    for (;;) {
      const k = this.code(i);
      if (k === 58 /* : */) {
        const after = this.code(i + 1);
        if (after === SPACE || after === NEWLINE) break;
      } else if (k === SPACE || k === NEWLINE || k === 44 || k === 91 || k === 93 || k === 123 || k === 125 || k === 35 || k === 39 || k === 34 || k < 32) {
        this.fail();
      }
      i++;
    }
    const name = this.text.slice(start, i);
    if (NULL.test(name) || BOOLEAN.test(name)) this.fail();
    return node('string', start, i - start, name);
  }

  /** The value of a key followed by a line break: a deeper mapping or sequence. */
  private nestedBlock(parentIndent: number): JsonNode {
    const at = this.nextIndent();
    if (at <= parentIndent) this.fail();
    const start = this.pos + at;
    return this.nested(() => (this.code(start) === 45 /* - */ && this.code(start + 1) === SPACE ? this.sequence(at) : this.mapping(start, at)));
  }

  /** A block sequence whose dashes are at `indent`. */
  private sequence(indent: number): JsonNode {
    const start = this.pos + indent;
    const items: JsonNode[] = [];
    for (let at = indent; at === indent; at = this.nextIndent()) {
      const dash = this.pos + indent;
      if (this.code(dash) !== 45 /* - */ || this.code(dash + 1) !== SPACE) this.fail();
      let itemStart = dash + 1;
      while (this.code(itemStart) === SPACE) itemStart++;
      if (this.code(itemStart) === NEWLINE) this.fail();
      if (this.isCompactKey(itemStart)) {
        const column = itemStart - this.pos;
        items.push(this.nested(() => this.mapping(itemStart, column)));
      } else {
        const item = this.inlineValue(itemStart, false);
        this.endLine(this.valueEnd);
        items.push(item);
      }
      if (this.nextIndent() > indent) this.fail();
    }
    const last = items.at(-1)!;
    return adopt(node('array', start, last.offset + last.length - start), items);
  }

  /** Does the text at `at` start a `key: ` on this line (a mapping inside a sequence item)? */
  private isCompactKey(at: number): boolean {
    const c = this.code(at);
    if (c === 39 || c === 34) {
      let close = at + 1;
      for (let k = this.code(close); k !== c || (c === 39 && this.code(close + 1) === 39); k = this.code(close)) {
        if (k === NEWLINE) return false;
        close += k === c ? 2 : 1;
      }
      return this.code(close + 1) === 58;
    }
    if (INDICATOR.has(String.fromCharCode(c))) return false;
    for (let i = at; ; i++) {
      const k = this.code(i);
      if (k === NEWLINE) return false;
      if (k === 58 /* : */) {
        const after = this.code(i + 1);
        if (after === SPACE || after === NEWLINE) return true;
      }
    }
  }

  /** A value written on one line: a scalar, a flow collection, or either after a short-form tag. */
  private inlineValue(start: number, inFlow: boolean): JsonNode {
    const c = this.code(start);
    if (c === 33 /* ! */) {
      let i = start;
      while (this.code(i) !== SPACE && this.code(i) !== NEWLINE) i++;
      const tag = this.text.slice(start, i);
      if (!shortFormOf(tag) || this.code(i) !== SPACE) this.fail();
      while (this.code(i) === SPACE) i++;
      const tagged = this.untaggedValue(i, inFlow);
      if (tagged.type !== 'string' && tagged.type !== 'object' && tagged.type !== 'array') this.fail();
      return wrapShortForm(tag, start, tagged);
    }
    return this.untaggedValue(start, inFlow);
  }

  private untaggedValue(start: number, inFlow: boolean): JsonNode {
    const c = this.code(start);
    if (c === 39 || c === 34) return this.quoted(start);
    if (c === 91 /* [ */ || c === 123 /* { */) return this.nested(() => this.flow(start));
    return this.plain(start, inFlow);
  }

  /** A one-line quoted scalar (double quotes without escapes). */
  private quoted(start: number): JsonNode {
    const quote = this.code(start);
    let value = '';
    let from = start + 1;
    for (let i = start + 1; ; i++) {
      const k = this.code(i);
      if (k === NEWLINE || (quote === 34 && k === 92 /* \ */) || k < 32) this.fail();
      if (k !== quote) continue;
      if (quote === 39 && this.code(i + 1) === 39) {
        value += this.text.slice(from, i + 1);
        from = ++i + 1;
        continue;
      }
      value += this.text.slice(from, i);
      this.valueEnd = i + 1;
      return node('string', start, i + 1 - start, value);
    }
  }

  /** A one-line plain scalar, read as the core schema reads it. */
  private plain(start: number, inFlow: boolean): JsonNode {
    const c = this.code(start);
    if (c === NEWLINE || c === SPACE || INDICATOR.has(String.fromCharCode(c))) this.fail();
    let i = start;
    let end = start;
    for (;;) {
      const k = this.code(i);
      if (k === NEWLINE) break;
      if (k < 32 || k === 35 /* # */) this.fail();
      if (k === 58 /* : */) {
        const after = this.code(i + 1);
        if (after === SPACE || after === NEWLINE) this.fail();
        if (inFlow && (after === 44 || after === 93 || after === 125)) this.fail();
      }
      if (inFlow && (k === 44 || k === 91 || k === 93 || k === 123 || k === 125)) break;
      if (k !== SPACE) end = i + 1;
      i++;
    }
    const text = this.text.slice(start, end);
    // YAML keeps other white space (a no-break space) in the value; the node ends before it, as the parser's reading does.
    let nodeEnd = end;
    while (nodeEnd > start && /\s/.test(this.text[nodeEnd - 1]!)) nodeEnd--;
    const length = nodeEnd - start;
    this.valueEnd = end;
    if (NULL.test(text)) return node('null', start, length, null);
    if (BOOLEAN.test(text)) return node('boolean', start, length, text[0] === 't' || text[0] === 'T');
    return node('string', start, length, text);
  }

  /** A flow mapping or sequence closed on the same line: `{ Key: value }`, `[a, b]`. */
  private flow(start: number): JsonNode {
    const isMap = this.code(start) === 123;
    const close = isMap ? 125 : 93;
    const children: JsonNode[] = [];
    let i = start + 1;
    const skipSpaces = () => {
      while (this.code(i) === SPACE) i++;
    };
    skipSpaces();
    if (this.code(i) !== close) {
      for (;;) {
        if (isMap) {
          const key = this.flowKey(i);
          const keyEnd = key.offset + key.length;
          if (this.code(keyEnd) !== 58 || this.code(keyEnd + 1) !== SPACE) this.fail();
          i = keyEnd + 1;
          skipSpaces();
          const value = this.inlineValue(i, true);
          const property = node('property', key.offset, value.offset + value.length - key.offset);
          (property as { colonOffset?: number }).colonOffset = keyEnd;
          children.push(adopt(property, [key, value]));
          i = this.valueEnd;
        } else {
          const item = this.inlineValue(i, true);
          i = this.valueEnd;
          // `[a: b]` is a one-pair mapping in YAML; the plain reading does not go there.
          if (this.code(i) === 58) this.fail();
          children.push(item);
        }
        skipSpaces();
        const k = this.code(i);
        if (k === close) break;
        if (k !== 44 /* , */) this.fail();
        i++;
        skipSpaces();
        // A trailing comma, or an empty entry: left to the parser.
        if (this.code(i) === close || this.code(i) === 44) this.fail();
      }
    }
    this.valueEnd = i + 1;
    return adopt(node(isMap ? 'object' : 'array', start, i + 1 - start), children);
  }

  private flowKey(start: number): JsonNode {
    const c = this.code(start);
    if (c === 39 || c === 34) return this.quoted(start);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) this.fail();
    let i = start + 1;
    for (;;) {
      const k = this.code(i);
      if (k === 58 && this.code(i + 1) === SPACE) break;
      if (k === SPACE || k === NEWLINE || k === 44 || k === 91 || k === 93 || k === 123 || k === 125 || k === 35 || k === 39 || k === 34 || k === 58 || k < 32) this.fail();
      i++;
    }
    const name = this.text.slice(start, i);
    if (NULL.test(name) || BOOLEAN.test(name)) this.fail();
    return node('string', start, i - start, name);
  }

  /** Has the reading come to the end of its text? */
  atEnd(): boolean {
    return this.nextIndent() === -1;
  }
}

/**
 * The entries of the block mapping written in text[start, end) with its keys at `indent`, as
 * property nodes placed in the template, or undefined when the text is not plain block YAML.
 */
export function readPlainYamlEntries(text: string, start: number, end: number, indent: number, expected: number): JsonNode[] | undefined {
  // What the reading never vouches for, found in one pass: a comment, a tab, a carriage return,
  // an anchor, an alias, a block scalar or a document marker go to the parser.
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 || c === 9 || c === 13 || c === 38 /* & */ || c === 124 /* | */ || c === 62 /* > */) return undefined;
  }
  try {
    const reader = new PlainBlockReader(text, start, end);
    const entries = reader.entries(indent);
    return entries.length === expected && reader.atEnd() ? entries : undefined;
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}
