// The outline of a YAML template read line by line: its top-level sections and, under
// Resources, each resource's entry with its Type. Parsing YAML with ranges costs far more than
// reading lines, and most of a large stack is resources no key-policy check reads (queues,
// functions, buckets): with the outline, only the entries that matter go through the YAML
// parser, each parsed alone with its offsets kept. The outline vouches only for the plain block
// layout CloudFormation templates use; anything else (flow style at the top, tabs, several
// documents, directives, quoted or complex keys) gives undefined and the whole text is parsed.
//
// What makes the line reading sound: in a block mapping at indentation n, every line of an
// entry's value (continuation lines of plain and quoted scalars, block scalars, nested
// collections) is indented more than n (YAML 1.2, 6.1 and 8.2.2: s-l+block-node(n) holds its
// content at n+1 or deeper), so a line at indentation n that is not a comment starts the next key.

/** One `Name:` entry of a block mapping and the text it spans. */
export interface OutlineEntry {
  readonly name: string;
  /** Where the entry's line starts (its indentation included): the slice to parse starts here. */
  readonly lineStart: number;
  readonly keyStart: number;
  readonly keyEnd: number;
  /** Just past the entry's last line (the next entry's lineStart, or the end of the text). */
  readonly end: number;
}

export interface OutlineResource extends OutlineEntry {
  /** The Type as written at the resource's first level, when the outline could read it. */
  readonly type?: { readonly value: string; readonly keyStart: number; readonly start: number; readonly end: number };
  /** Where the resource's first property starts (the value's first key). */
  readonly valueStart?: number;
  /**
   * Where its last line that is not a comment or blank ends (a comment at the end of that line
   * included: telling it from a `#` in a string takes the parser).
   */
  readonly contentEnd: number;
}

export interface YamlTemplateOutline {
  /** Top-level sections in order; Resources among them. */
  readonly sections: readonly OutlineEntry[];
  readonly resources: readonly OutlineResource[];
}

interface Line {
  readonly start: number;
  /** Where the line's text ends (before its line break). */
  readonly end: number;
  readonly indent: number;
}

/** Lines that carry structure: not blank, not a comment. */
function* structuralLines(text: string): Generator<Line | 'unsupported'> {
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const next = newline < 0 ? text.length : newline + 1;
    let i = start;
    while (i < next && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    // A tab where indentation is read: YAML forbids it there; let the parser say so.
    if (c === 9) yield 'unsupported';
    else if (i < next && c !== 10 && c !== 13 && c !== 35 /* # */) {
      let end = newline < 0 ? text.length : newline;
      while (end > i && /\s/.test(text[end - 1]!)) end--;
      yield { start, end, indent: i - start };
    }
    start = next;
  }
}

const TOP_KEY = /([A-Za-z][A-Za-z0-9]*):(?=[ \r\n]|$)/y;
const RESOURCE_KEY = /([A-Za-z0-9]+):(?=[ \r\n]|$)/y;
const NOTHING_AFTER = /[ ]*(?:#[^\r\n]*)?(?:\r?\n|$)/y;
const TYPE_LINE = /Type:[ ]+(?:([A-Za-z0-9:_-]+)|'([A-Za-z0-9:_-]+)'|"([A-Za-z0-9:_-]+)")[ ]*(?:#[^\r\n]*)?(?:\r?\n|$)/y;

/** A sticky pattern at `at`; the patterns stop at the end of their line. */
function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** The outline, or undefined when the text is not laid out in a way the line reading vouches for. */
export function readYamlTemplateOutline(text: string): YamlTemplateOutline | undefined {
  const sections: { name: string; lineStart: number; keyStart: number; keyEnd: number }[] = [];
  const resources: { name: string; lineStart: number; keyStart: number; keyEnd: number; contentEnd: number; type?: OutlineResource['type']; valueStart?: number }[] = [];
  const sectionEnds: number[] = [];
  const resourceEnds: number[] = [];
  let inResources = false;
  let resourceIndent = -1;
  let propertyIndent = -1;
  let first = true;
  for (const line of structuralLines(text)) {
    if (line === 'unsupported') return undefined;
    const { start, end, indent } = line;
    if (indent === 0) {
      // A document start before anything else is allowed; any other marker or directive is not.
      if (first && text.startsWith('---', start) && matchAt(NOTHING_AFTER, text, start + 3)) {
        first = false;
        continue;
      }
      first = false;
      const key = matchAt(TOP_KEY, text, start);
      if (!key) return undefined;
      if (sections.length) sectionEnds.push(start);
      if (inResources && resources.length) resourceEnds.push(start);
      if (sections.some((s) => s.name === key[1])) return undefined;
      inResources = key[1] === 'Resources';
      if (inResources && !matchAt(NOTHING_AFTER, text, start + key[0].length)) return undefined;
      sections.push({ name: key[1]!, lineStart: start, keyStart: start, keyEnd: start + key[1]!.length });
      continue;
    }
    first = false;
    if (!inResources) continue;
    if (resourceIndent < 0) resourceIndent = indent;
    if (indent < resourceIndent) return undefined;
    if (indent === resourceIndent) {
      const key = matchAt(RESOURCE_KEY, text, start + indent);
      if (!key) return undefined;
      if (resources.length) resourceEnds.push(start);
      const keyStart = start + indent;
      resources.push({ name: key[1]!, lineStart: start, keyStart, keyEnd: keyStart + key[1]!.length, contentEnd: end });
      // `Name: {Type: ...}` or anything else on the key's line: no Type read, the entry is parsed.
      propertyIndent = matchAt(NOTHING_AFTER, text, keyStart + key[0].length) ? -1 : -2;
      continue;
    }
    const resource = resources.at(-1);
    if (!resource) continue;
    resource.contentEnd = end;
    if (propertyIndent === -2) continue;
    if (propertyIndent === -1) {
      propertyIndent = indent;
      resource.valueStart = start + indent;
    }
    if (indent < propertyIndent) return undefined;
    if (indent !== propertyIndent || resource.type) continue;
    const type = matchAt(TYPE_LINE, text, start + indent);
    if (type) {
      const value = type[1] ?? type[2] ?? type[3]!;
      const valueStart = start + indent + type[0].indexOf(value, 5);
      resource.type = { value, keyStart: start + indent, start: valueStart, end: valueStart + value.length };
    } else if (text.startsWith('Type:', start + indent)) {
      // A Type the line cannot read (a tag, an alias, a long string): the entry is parsed.
      propertyIndent = -2;
    }
  }
  if (sections.length === 0) return undefined;
  sectionEnds.push(text.length);
  if (inResources && resources.length) resourceEnds.push(text.length);
  return {
    sections: sections.map((s, i) => ({ ...s, end: sectionEnds[i]! })),
    resources: resources.map((r, i) => ({ ...r, end: resourceEnds[i]! })),
  };
}
