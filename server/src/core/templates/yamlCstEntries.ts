// A large YAML stack's key and IAM resources, read to template nodes from the `yaml` package's
// concrete syntax tree (its Parser's tokens, with offsets) instead of its Document. Composing the
// Document costs more than parsing, and most of what it builds (comments, anchors, schema nodes)
// is thrown away when the tree is made. The reading here follows the package's composer step
// for step on what templates are written in (block and flow collections, plain, quoted and
// block scalars, comments, CRLF, the short-form intrinsics), scalars resolved by the package
// (CST.resolveAsScalar and its core schema), so the nodes and ranges are the ones the Document
// gives. Anything the composer could report as an error, or could read otherwise (an anchor or
// alias, an explicit or multi-line key, an empty value, a tab, a directive, a second document,
// an unknown tag), gives undefined: the caller reads the text with parseDocument, which stays
// the one reader of a template's syntax problems.
// test/unit/templates/yamlCstEntries.test.ts holds the two readings side by side.
import type { Node as JsonNode } from 'jsonc-parser';
import { CST, Parser, Schema, isScalar, type ScalarTag } from 'yaml';
import { adopt, node, scalarNode, shortFormOf, tagStart, trimmedEnd, wrapShortForm } from './templateTreeNodes';

type Token = CST.Token;
type SourceToken = CST.SourceToken;

/** Deeper than this, the Document's reading (which stops at its own depth) is the one to follow. */
const MAX_DEPTH = 64;
/** The longest implicit key the package reads without an error (strict mode). */
const MAX_KEY_SPAN = 1024;

/** The core schema parseDocument types plain scalars with (YAML 1.2). */
const schema = new Schema({});
const defaultTags = schema.tags.filter((tag): tag is ScalarTag => !tag.collection && tag.test !== undefined);
const keyTags = defaultTags.filter((tag) => tag.default === true || tag.default === 'key');
const valueTags = defaultTags.filter((tag) => tag.default === true);

/** Thrown to leave the reading; the caller reads the text with parseDocument. */
class NotVouched extends Error {}
const NOT_VOUCHED = new NotVouched();

function fail(): never {
  throw NOT_VOUCHED;
}

/** A node and the two ends of its range in the Document's reading: after the value, and after its trailing comment and line break. */
interface Read {
  readonly node: JsonNode;
  readonly valueEnd: number;
  readonly nodeEnd: number;
}

/** What comes before a node or after an indicator, as the composer's resolveProps reads it. */
interface Props {
  readonly found?: SourceToken;
  readonly tag?: SourceToken;
  readonly comma?: SourceToken;
  readonly hasNewline: boolean;
  readonly newlineAfterTag: boolean;
  /** Where the props end (or `offset` when there are none). */
  readonly end: number;
  /** Where the props start: the tag, else their end. */
  readonly start: number;
}

const isFlowScalar = (token: Token | null | undefined): token is CST.FlowScalar =>
  token?.type === 'scalar' || token?.type === 'single-quoted-scalar' || token?.type === 'double-quoted-scalar';

/** Does a key span lines (the composer's MULTILINE_IMPLICIT_KEY)? */
function spansLines(key: CST.FlowScalar): boolean {
  return key.source.includes('\n') || (key.end ?? []).some((t) => t.type === 'newline');
}

/** The value of a plain scalar as the core schema types it. */
function typedPlain(value: string, atKey: boolean): unknown {
  const tag = (atKey ? keyTags : valueTags).find((t) => t.test!.test(value));
  if (!tag) return value;
  const resolved: unknown = tag.resolve(value, fail, { intAsBigInt: false });
  return isScalar(resolved) ? resolved.value : resolved;
}

class CstReader {
  constructor(
    private readonly text: string,
    /** Where the parsed slice starts in `text`: token offsets are relative to it. */
    private readonly base: number,
  ) {}

  /** resolveProps with the tokens the reading vouches for: spaces, line breaks, comments, a short-form tag, the indicator, a comma in flow. */
  props(tokens: readonly SourceToken[], indicator: SourceToken['type'], startOnNewline: boolean, offset: number, flow: boolean): Props {
    let hasSpace = startOnNewline;
    let reqSpace = false;
    let hasNewline = false;
    let newlineAfterTag = false;
    let found: SourceToken | undefined;
    let tag: SourceToken | undefined;
    let comma: SourceToken | undefined;
    for (const token of tokens) {
      if (reqSpace && token.type !== 'space' && token.type !== 'newline' && token.type !== 'comma') fail();
      reqSpace = false;
      switch (token.type) {
        case 'space':
          hasSpace = true;
          break;
        case 'comment':
          if (!hasSpace) fail();
          break;
        case 'newline':
          hasNewline = true;
          if (tag) newlineAfterTag = true;
          hasSpace = true;
          break;
        case 'tag':
          if (tag || !shortFormOf(token.source)) fail();
          tag = token;
          hasSpace = false;
          reqSpace = true;
          break;
        case indicator:
          if (tag || found) fail();
          found = token;
          hasSpace = false;
          break;
        case 'comma':
          if (!flow || comma) fail();
          comma = token;
          hasSpace = false;
          break;
        default:
          fail();
      }
    }
    // A tag runs into what follows it (`!Sub"x"`).
    if (reqSpace) fail();
    const last = tokens.at(-1);
    const end = last ? last.offset + last.source.length : offset;
    return { found, tag, comma, hasNewline, newlineAfterTag, end, start: tag ? tag.offset : end };
  }

  /** resolveEnd: spaces, comments and line breaks after a node; strict mode wants white space before a comment. */
  end(tokens: readonly SourceToken[] | undefined, offset: number, strict: boolean): number {
    let hasSpace = false;
    for (const token of tokens ?? []) {
      if (token.type === 'comment') {
        if (strict && !hasSpace) fail();
      } else if (token.type === 'space' || token.type === 'newline') hasSpace = true;
      else fail();
      offset += token.source.length;
    }
    return offset;
  }

  /** A node from its token, wrapped in its short form's long form when tagged. */
  value(token: Token, props: Props, depth: number): Read {
    if (depth > MAX_DEPTH) fail();
    const tag = props.tag?.source;
    let read: Read;
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        read = this.scalar(token, tag !== undefined);
        break;
      case 'block-map':
        read = this.blockMap(token, depth);
        break;
      case 'block-seq':
        // The composer's "Missing newline after block sequence props".
        if (props.tag && !props.newlineAfterTag) fail();
        read = this.blockSeq(token, depth);
        break;
      case 'flow-collection':
        read = this.flowCollection(token, depth);
        break;
      default:
        fail();
    }
    if (!tag) return read;
    return { ...read, node: wrapShortForm(tag, tagStart(this.text, read.node.offset, tag), read.node) };
  }

  /** A scalar resolved by the package; typed by the core schema when plain and untagged. */
  scalar(token: CST.FlowScalar | CST.BlockScalar, tagged: boolean, atKey = false): Read & { value: unknown } {
    if (token.source === '') fail();
    const resolved = CST.resolveAsScalar(token, true, fail);
    if (!resolved) fail();
    const value = token.type === 'scalar' && !tagged ? typedPlain(resolved.value, atKey) : resolved.value;
    const start = this.base + resolved.range[0];
    const valueEnd = this.base + resolved.range[1];
    const result = scalarNode(value, resolved.value, start, trimmedEnd(this.text, start, valueEnd) - start);
    return { node: result, valueEnd, nodeEnd: this.base + resolved.range[2], value };
  }

  /** A property: its key, and the value after the props that hold its `:`. */
  property(key: Read & { value: unknown }, value: Read): JsonNode {
    const keyStart = key.node.offset;
    const keyEnd = key.valueEnd;
    const name = node('string', keyStart, keyEnd - keyStart, String(key.value));
    const property = node('property', keyStart, Math.max(value.node.offset + value.node.length, keyEnd) - keyStart);
    (property as { colonOffset?: number }).colonOffset = keyEnd;
    return adopt(property, [name, value.node]);
  }

  /** A collection node from its start to the end of its value range (trailing white space left out). */
  collection(type: 'object' | 'array', offset: number, valueEnd: number, nodeEnd: number, children: JsonNode[]): Read {
    const start = this.base + offset;
    const end = this.base + valueEnd;
    return { node: adopt(node(type, start, trimmedEnd(this.text, start, end) - start), children), valueEnd: end, nodeEnd: this.base + nodeEnd };
  }

  blockMap(map: CST.BlockMap, depth: number): Read {
    let offset = map.offset;
    let commentEnd: number | undefined;
    const properties: JsonNode[] = [];
    for (const item of map.items) {
      if (item.explicitKey) fail();
      const keyProps = this.props(item.start, 'explicit-key-ind', true, offset, false);
      if (keyProps.found || keyProps.tag) fail();
      if (!item.sep) {
        // Comments after the last entry.
        if (item.key) fail();
        commentEnd = keyProps.end;
        continue;
      }
      const keyToken = item.key;
      if (!isFlowScalar(keyToken) || keyToken.indent !== map.indent || spansLines(keyToken)) fail();
      const key = this.scalar(keyToken, false, true);
      const valueProps = this.props(item.sep, 'map-value-ind', false, key.nodeEnd - this.base, false);
      const value = item.value;
      if (!valueProps.found || !value) fail();
      if (value.type === 'block-map' && !valueProps.hasNewline) fail();
      if (keyProps.start < valueProps.found.offset - MAX_KEY_SPAN) fail();
      const read = this.value(value, valueProps, depth + 1);
      offset = read.nodeEnd - this.base;
      properties.push(this.property(key, read));
    }
    // The composer's "Map comment with trailing content".
    if (commentEnd !== undefined && commentEnd < offset) fail();
    return this.collection('object', map.offset, offset, commentEnd ?? offset, properties);
  }

  blockSeq(seq: CST.BlockSequence, depth: number): Read {
    let offset = seq.offset;
    let commentEnd: number | undefined;
    const items: JsonNode[] = [];
    for (const item of seq.items) {
      const props = this.props(item.start, 'seq-item-ind', true, offset, false);
      if (!props.found) {
        if (props.tag || item.value) fail();
        commentEnd = props.end;
        continue;
      }
      if (!item.value) fail();
      const read = this.value(item.value, props, depth + 1);
      offset = read.nodeEnd - this.base;
      items.push(read.node);
    }
    return this.collection('array', seq.offset, offset, commentEnd ?? offset, items);
  }

  flowCollection(flow: CST.FlowCollection, depth: number): Read {
    const isMap = flow.start.source === '{';
    let offset = flow.offset + flow.start.source.length;
    const children: JsonNode[] = [];
    const isBlock = (token: Token) => token.type === 'block-map' || token.type === 'block-seq';
    flow.items.forEach((item, i) => {
      const props = this.props(item.start, 'explicit-key-ind', false, offset, true);
      if (props.found) fail();
      if (!props.tag && !item.key && !item.sep && !item.value) {
        // After a trailing comma; anywhere else an empty item is an error.
        if (i === 0 || i < flow.items.length - 1) fail();
        offset = props.end;
        return;
      }
      if (i === 0 ? props.comma : !props.comma) fail();
      if (!isMap) {
        // `[a: b]` is a one-pair mapping: left to the Document.
        if (item.sep || item.key || !item.value || isBlock(item.value)) fail();
        const read = this.value(item.value, props, depth + 1);
        offset = read.nodeEnd - this.base;
        children.push(read.node);
        return;
      }
      const keyToken = item.key;
      if (props.tag || !isFlowScalar(keyToken) || spansLines(keyToken) || !item.sep || !item.value || isBlock(item.value)) fail();
      const key = this.scalar(keyToken, false, true);
      const valueProps = this.props(item.sep, 'map-value-ind', false, key.nodeEnd - this.base, true);
      if (!valueProps.found || valueProps.comma) fail();
      const read = this.value(item.value, valueProps, depth + 1);
      offset = read.nodeEnd - this.base;
      children.push(this.property(key, read));
    });
    const [close, ...after] = flow.end;
    if (close?.source !== (isMap ? '}' : ']')) fail();
    const closeEnd = close.offset + 1;
    return this.collection(isMap ? 'object' : 'array', flow.offset, closeEnd, this.end(after, closeEnd, true), children);
  }

  /** The entries of the one document's block mapping, or undefined. */
  document(tokens: Iterable<Token>): JsonNode[] | undefined {
    let document: CST.Document | undefined;
    for (const token of tokens) {
      if (token.type === 'document' && !document) document = token;
      else if (token.type !== 'space' && token.type !== 'newline' && token.type !== 'comment') fail();
    }
    if (!document) return undefined;
    const props = this.props(document.start, 'doc-start', true, document.offset, false);
    if (props.found || props.tag || document.value?.type !== 'block-map') fail();
    const root = this.blockMap(document.value, 0);
    this.end(document.end, 0, false);
    return root.node.children ?? [];
  }
}

/**
 * The entries of the block mapping written in text[start, end), as property nodes placed in the
 * template: the nodes parseDocument's reading gives, or undefined when the reading here does
 * not vouch for the text (the caller reads it with parseDocument).
 */
export function readYamlEntriesFromCst(text: string, start: number, end: number, expected: number): JsonNode[] | undefined {
  const slice = text.slice(start, end);
  // A tab is indentation or white space depending on where it sits: the composer's call.
  if (slice.includes('\t')) return undefined;
  try {
    const entries = new CstReader(text, start).document(new Parser().parse(slice));
    return entries?.length === expected ? entries : undefined;
  } catch (error) {
    if (error instanceof NotVouched) return undefined;
    throw error;
  }
}
