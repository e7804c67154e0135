// A policy written as a JSON string: CloudFormation takes KeyPolicy (and PolicyDocument) as a
// JSON object or as a string holding the JSON, often `!Sub |` with the JSON inside, or the
// string that Fn::Join builds. This file gives the string as CloudFormation reads it together
// with where each of its characters is written in the template, so the policy parsed from it
// has ranges into the template: the escapes of a quoted string, the indentation of a block
// scalar and each `${...}` that Fn::Sub replaces all map back to what the user wrote.
//
// Each decoding is checked against the value the YAML or JSON parser read: a scalar written in
// a way this file does not decode exactly is not mapped, and its policy stays unchecked rather
// than checked at the wrong places.
import type { Node as JsonNode } from 'jsonc-parser';
import type { CloudFormationTemplate } from './cloudFormationTemplate';
import { intrinsicOf, type IntrinsicResolver } from './intrinsicResolver';
import type { ResolvedIntrinsic } from './templateKeyPolicy';

/** How the string is written in the template: what a quick fix must write inside it. */
export type PolicyStringStyle = 'json' | 'double-quoted' | 'single-quoted' | 'literal' | 'folded' | 'joined';

/** A string as CloudFormation reads it, and where each of its characters is written. */
export interface MappedString {
  readonly text: string;
  /** Template offset where the character at each index is written (its escape's first character). */
  readonly starts: readonly number[];
  /** Template offset just past where the character at each index is written. */
  readonly ends: readonly number[];
}

export interface PolicyString extends MappedString {
  readonly style: PolicyStringStyle;
  /** True when Fn::Sub replaces `${...}` in it (a fix must not write `${` there). */
  readonly substituted: boolean;
  /** Each `${...}`, Ref or other intrinsic the string holds, at its place in the template. */
  readonly intrinsics: readonly ResolvedIntrinsic[];
}

class Builder {
  text = '';
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  push(chars: string, start: number, end: number): void {
    this.text += chars;
    for (let i = 0; i < chars.length; i++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }
  /** A character written as itself at `at`. */
  copy(text: string, at: number): void {
    this.push(text[at]!, at, at + 1);
  }
  append(other: MappedString): void {
    this.text += other.text;
    this.starts.push(...other.starts);
    this.ends.push(...other.ends);
  }
  /** Removes the spaces and tabs just written (a flow scalar's line ends in trailing white space). */
  trimTrailingBlanks(): void {
    while (/[ \t]$/.test(this.text)) {
      this.text = this.text.slice(0, -1);
      this.starts.pop();
      this.ends.pop();
    }
  }
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/** YAML 1.2 double-quoted escapes (5.7) beyond JSON's. */
const YAML_ESCAPES: Readonly<Record<string, string>> = { ...JSON_ESCAPES, '0': '\0', a: '\x07', v: '\v', e: '\x1b', ' ': ' ', '\t': '\t', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function lineBreakAt(text: string, i: number): number {
  if (text[i] === '\n') return 1;
  if (text[i] === '\r') return text[i + 1] === '\n' ? 2 : 1;
  return 0;
}

/**
 * A quoted flow scalar: JSON's string, or YAML's double- or single-quoted scalar with its line
 * folding (a line break and the indentation after it read as one space; empty lines as line feeds).
 */
function quoted(text: string, open: number, style: 'json' | 'double-quoted' | 'single-quoted'): Builder | undefined {
  const quote = style === 'single-quoted' ? "'" : '"';
  const out = new Builder();
  let i = open + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) {
      if (style === 'single-quoted' && text[i + 1] === "'") {
        out.push("'", i, i + 2);
        i += 2;
        continue;
      }
      return out;
    }
    if (c === '\\' && style !== 'single-quoted') {
      const e = text[i + 1] ?? '';
      const hex = style === 'double-quoted' || e === 'u' ? HEX_LENGTH[e] : undefined;
      if (hex) {
        const digits = text.slice(i + 2, i + 2 + hex);
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) return undefined;
        out.push(String.fromCodePoint(parseInt(digits, 16)), i, i + 2 + hex);
        i += 2 + hex;
        continue;
      }
      if (style === 'double-quoted' && lineBreakAt(text, i + 1)) {
        // An escaped line break joins the lines with nothing; the next line's indentation goes.
        i += 1 + lineBreakAt(text, i + 1);
        while (text[i] === ' ' || text[i] === '\t') i++;
        continue;
      }
      const decoded = (style === 'json' ? JSON_ESCAPES : YAML_ESCAPES)[e];
      if (decoded === undefined) return undefined;
      out.push(decoded, i, i + 2);
      i += 2;
      continue;
    }
    const lineBreak = lineBreakAt(text, i);
    if (lineBreak) {
      if (style === 'json') return undefined;
      out.trimTrailingBlanks();
      const at = i;
      i += lineBreak;
      let emptyLines = 0;
      for (;;) {
        while (text[i] === ' ' || text[i] === '\t') i++;
        const next = lineBreakAt(text, i);
        if (!next) break;
        emptyLines++;
        i += next;
      }
      if (emptyLines === 0) out.push(' ', at, at + lineBreak);
      else out.push('\n'.repeat(emptyLines), at, i);
      continue;
    }
    out.copy(text, i);
    i++;
  }
  return undefined;
}

/**
 * A JSON string literal whose opening quote is at `open`, decoded with where each character is
 * written (its escape: `\"`, `\n`, `\u0022`...); undefined when it is not a well-formed one.
 * Terraform's plan JSON holds each policy this way.
 */
export function jsonStringLiteral(text: string, open: number): MappedString | undefined {
  return text[open] === '"' ? quoted(text, open, 'json') : undefined;
}

/** A block scalar (`|` or `>`, with chomping), its content indentation detected from its first line (YAML 1.2, 8.1). */
function block(text: string, header: number): { out: Builder; style: 'literal' | 'folded' } | undefined {
  const style = text[header] === '|' ? 'literal' : 'folded';
  // An explicit indentation indicator is relative to the parent's indentation: left unmapped.
  const indicators = /^[|>]([+-]?)[ \t]*(?:#[^\r\n]*)?(?=\r?\n)/.exec(text.slice(header, header + 200));
  if (!indicators) return undefined;
  const chomping = indicators[1];
  let i = header + indicators[0].length;
  i += lineBreakAt(text, i);
  const lines: { start: number; end: number; breakEnd: number; empty: boolean }[] = [];
  let indent = -1;
  while (i < text.length) {
    let lineEnd = i;
    while (lineEnd < text.length && !lineBreakAt(text, lineEnd)) lineEnd++;
    let spaces = i;
    while (text[spaces] === ' ') spaces++;
    const blank = /^[ \t]*$/.test(text.slice(i, lineEnd));
    // A blank line is empty unless it has spaces past the indentation (then they are content).
    const empty = blank && (indent < 0 || spaces - i <= indent);
    if (!empty) {
      if (indent < 0) indent = spaces - i;
      if (spaces - i < indent) break;
    }
    const breakEnd = lineEnd + lineBreakAt(text, lineEnd);
    lines.push({ start: empty ? lineEnd : i + indent, end: lineEnd, breakEnd, empty });
    if (breakEnd === lineEnd) break;
    i = breakEnd;
  }
  if (indent < 0) return undefined;
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.empty) last--;
  const out = new Builder();
  const isText = (line: { start: number; empty: boolean }) => !line.empty && text[line.start] !== ' ' && text[line.start] !== '\t';
  let previous: (typeof lines)[number] | undefined;
  let empties: (typeof lines)[number][] = [];
  for (const line of lines.slice(0, last + 1)) {
    if (line.empty) {
      empties.push(line);
      continue;
    }
    if (!previous) {
      for (const e of empties) out.push('\n', e.end, e.breakEnd);
    } else if (style === 'folded' && isText(previous) && isText(line)) {
      // Between two lines of text, a lone line break reads as a space; with empty lines between
      // them, that break goes and each empty line reads as a line feed.
      if (empties.length === 0) out.push(' ', previous.end, previous.breakEnd);
      for (const e of empties) out.push('\n', e.end, e.breakEnd);
    } else {
      out.push('\n', previous.end, previous.breakEnd);
      for (const e of empties) out.push('\n', e.end, e.breakEnd);
    }
    empties = [];
    for (let c = line.start; c < line.end; c++) out.copy(text, c);
    previous = line;
  }
  // Chomping: strip drops the final line break, clip keeps it, keep also keeps the empty lines after.
  if (previous && chomping !== '-' && previous.breakEnd > previous.end) {
    out.push('\n', previous.end, previous.breakEnd);
    if (chomping === '+') for (const line of lines.slice(last + 1)) if (line.breakEnd > line.end) out.push('\n', line.end, line.breakEnd);
  }
  return { out, style };
}

/** A string scalar of the template, decoded with where each character is written. */
function writtenString(template: CloudFormationTemplate, node: JsonNode): { mapped: Builder; style: PolicyStringStyle } | undefined {
  if (node.type !== 'string') return undefined;
  const text = template.text;
  const first = text[node.offset];
  let result: { mapped: Builder; style: PolicyStringStyle } | undefined;
  if (template.tree.format === 'json') {
    const out = first === '"' ? quoted(text, node.offset, 'json') : undefined;
    result = out && { mapped: out, style: 'json' };
  } else if (first === '"' || first === "'") {
    const style = first === '"' ? 'double-quoted' : 'single-quoted';
    const out = quoted(text, node.offset, style);
    result = out && { mapped: out, style };
  } else if (first === '|' || first === '>') {
    const decoded = block(text, node.offset);
    result = decoded && { mapped: decoded.out, style: decoded.style };
  }
  // Plain scalars are not JSON objects; any decoding that differs from the parser's is not used.
  return result && result.mapped.text === node.value ? result : undefined;
}

const MAX_DEPTH = 20;

/** The string an intrinsic or scalar yields, mapped; undefined where this file cannot map it. */
function mappedValue(template: CloudFormationTemplate, node: JsonNode, resolver: IntrinsicResolver, intrinsics: ResolvedIntrinsic[], depth: number): { mapped: Builder; style: PolicyStringStyle; substituted: boolean } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (node.type === 'string') {
    const written = writtenString(template, node);
    return written && { ...written, substituted: false };
  }
  const intrinsic = intrinsicOf(node);
  if (intrinsic?.name === 'Fn::Sub') {
    const [body, variables] = intrinsic.argument.type === 'array' ? (intrinsic.argument.children ?? []) : [intrinsic.argument, undefined];
    const written = body && writtenString(template, body);
    if (!written) return undefined;
    const source = written.mapped;
    const out = new Builder();
    let at = 0;
    for (const match of source.text.matchAll(/\$\{([^}]*)\}/g)) {
      const start = match.index;
      const end = start + match[0].length;
      for (let i = at; i < start; i++) out.push(source.text[i]!, source.starts[i]!, source.ends[i]!);
      at = end;
      const range = { start: source.starts[start]!, end: source.ends[end - 1]! };
      const part = resolver.subVariable(match[1]!, variables, depth);
      if (!part) {
        // ${!Literal} writes ${Literal}: every character but the `!` stands as written.
        for (let i = start; i < end; i++) if (i !== start + 2) out.push(source.text[i]!, source.starts[i]!, source.ends[i]!);
        continue;
      }
      intrinsics.push({ range, value: part.value, known: part.known, notes: part.notes });
      if (part.known) out.push(part.value, range.start, range.end);
      else for (let i = start; i < end; i++) out.push(source.text[i]!, source.starts[i]!, source.ends[i]!);
    }
    for (let i = at; i < source.text.length; i++) out.push(source.text[i]!, source.starts[i]!, source.ends[i]!);
    return { mapped: out, style: written.style, substituted: true };
  }
  if (intrinsic?.name === 'Fn::Join') {
    const [delimiter, list] = intrinsic.argument.children ?? [];
    if (delimiter?.type !== 'string' || list?.type !== 'array') return undefined;
    const out = new Builder();
    let substituted = false;
    const items = (list.children ?? []).filter((c) => !resolver.isNoValue(c));
    for (const [n, item] of items.entries()) {
      if (n > 0) out.push(delimiter.value as string, delimiter.offset, delimiter.offset + delimiter.length);
      const part = item.type === 'string' || intrinsicOf(item)?.name === 'Fn::Sub' || intrinsicOf(item)?.name === 'Fn::Join' ? mappedValue(template, item, resolver, intrinsics, depth + 1) : undefined;
      if (part) {
        out.append(part.mapped);
        substituted ||= part.substituted;
        continue;
      }
      if (item.type === 'string') return undefined;
      // Any other intrinsic (Ref, GetAtt, ImportValue...) stands for its value, at its place.
      const resolution = resolver.resolve(item, depth + 1);
      const range = { start: item.offset, end: item.offset + item.length };
      intrinsics.push({ range, value: resolution.value, known: resolution.known, notes: resolution.notes });
      out.push(resolution.value, range.start, range.end);
    }
    return { mapped: out, style: 'joined', substituted };
  }
  return undefined;
}

/**
 * The policy string a KeyPolicy or PolicyDocument value holds (a string, Fn::Sub or Fn::Join),
 * mapped into the template; undefined when the value is not one or cannot be mapped exactly.
 */
export function policyStringOf(template: CloudFormationTemplate, node: JsonNode, resolver: IntrinsicResolver): PolicyString | undefined {
  const intrinsics: ResolvedIntrinsic[] = [];
  const value = mappedValue(template, node, resolver, intrinsics, 0);
  if (!value) return undefined;
  const { mapped } = value;
  return { text: mapped.text, starts: mapped.starts, ends: mapped.ends, style: value.style, substituted: value.substituted, intrinsics };
}
