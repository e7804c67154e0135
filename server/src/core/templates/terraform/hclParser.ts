// Parses Terraform's HCL with tree-sitter's maintained HCL grammar (its Terraform dialect),
// run as WebAssembly through web-tree-sitter so the same code runs in the extension host, the
// language server and the CLI. The tree is copied at once into plain objects with ranges into
// the text (UTF-16 offsets, as the editor counts), so no feature holds WebAssembly memory.
// Loading WebAssembly is asynchronous: each entry calls initHclParser once and awaits it; the
// bytes come from the caller (a node adapter reads them), so this file stays pure.
import { Language, Parser, type Node as TsNode, type Tree } from 'web-tree-sitter';
import type { SourceRange, SyntaxProblem } from '../../policy/policyModel';

/** The two WebAssembly modules: web-tree-sitter's runtime and the Terraform grammar. */
export interface HclGrammarBinaries {
  readonly runtime: Uint8Array;
  readonly grammar: Uint8Array;
}

/** A piece of a string template: literal text (decoded, each unit's source offset kept) or `${...}`. */
export type HclTemplatePart =
  | { readonly kind: 'literal'; readonly text: string; /** offsets[i]: source offset of text[i]; one more entry for the end. */ readonly offsets: readonly number[] }
  | { readonly kind: 'interpolation'; readonly expression: HclExpression; readonly range: SourceRange }
  | { readonly kind: 'directive'; readonly range: SourceRange };

export type HclExpression =
  | { readonly kind: 'string'; readonly parts: readonly HclTemplatePart[]; readonly heredoc: boolean; readonly range: SourceRange }
  | { readonly kind: 'number'; readonly text: string; readonly range: SourceRange }
  | { readonly kind: 'bool'; readonly value: boolean; readonly range: SourceRange }
  | { readonly kind: 'null'; readonly range: SourceRange }
  | { readonly kind: 'object'; readonly elements: readonly HclObjectElement[]; readonly range: SourceRange }
  | { readonly kind: 'tuple'; readonly items: readonly HclExpression[]; readonly range: SourceRange }
  /** `a.b.c`, `a.b[0].c`: an index is written `[]` (which element, the resolver decides). */
  | { readonly kind: 'reference'; readonly path: readonly string[]; readonly range: SourceRange }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly HclExpression[]; readonly range: SourceRange }
  /** Conditionals, for expressions, operators, splats: known only when Terraform evaluates them. */
  | { readonly kind: 'other'; readonly range: SourceRange };

export interface HclObjectElement {
  readonly key: HclExpression;
  readonly value: HclExpression;
  readonly range: SourceRange;
}

export interface HclAttribute {
  readonly name: string;
  readonly nameRange: SourceRange;
  readonly value: HclExpression;
  readonly range: SourceRange;
}

export interface HclBlock {
  readonly type: string;
  readonly typeRange: SourceRange;
  readonly labels: readonly { readonly value: string; readonly range: SourceRange }[];
  readonly body: HclBody;
  readonly range: SourceRange;
}

export interface HclBody {
  readonly attributes: ReadonlyMap<string, HclAttribute>;
  readonly blocks: readonly HclBlock[];
}

export interface HclFile {
  readonly text: string;
  readonly body: HclBody;
  readonly syntaxProblems: readonly SyntaxProblem[];
}

let loading: Promise<void> | undefined;
let parser: Parser | undefined;

/** Loads the grammar once; later calls return the same promise. A failed load may be retried. */
export function initHclParser(load: () => Promise<HclGrammarBinaries>): Promise<void> {
  loading ??= (async () => {
    const { runtime, grammar } = await load();
    await Parser.init({ wasmBinary: runtime });
    const language = await Language.load(grammar);
    const created = new Parser();
    created.setLanguage(language);
    parser = created;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export function hclParserReady(): boolean {
  return parser !== undefined;
}

/** Past this depth an expression is not configuration; the copy stops instead of the stack. */
const MAX_DEPTH = 200;
const MAX_SYNTAX_PROBLEMS = 20;

const rangeOf = (node: { startIndex: number; endIndex: number }): SourceRange => ({ start: node.startIndex, end: node.endIndex });

/** Parses HCL text. Throws when initHclParser has not completed (a programming error, not bad input). */
export function parseHcl(text: string): HclFile {
  if (!parser) throw new Error('The HCL grammar is not loaded: await initHclParser() before parsing Terraform files.');
  const tree = parser.parse(text);
  if (!tree) throw new Error('The HCL parser returned no tree.');
  try {
    const reader = new TreeReader(text);
    const bodyNode = syntaxTree(tree, text).namedChildren.find((c) => c.type === 'body');
    const body = bodyNode ? reader.body(bodyNode, 0) : { attributes: new Map(), blocks: [] };
    const root = tree.rootNode;
    return { text, body, syntaxProblems: root.hasError ? syntaxProblemsOf(root, text) : [] };
  } finally {
    tree.delete();
  }
}

function syntaxProblemsOf(root: TsNode, text: string): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: TsNode) => {
    if (problems.length >= MAX_SYNTAX_PROBLEMS || !node.hasError) return;
    if (node.isMissing) {
      problems.push({ message: `Missing ${node.type}`, range: { start: node.startIndex, end: Math.min(text.length, node.startIndex + 1) } });
      return;
    }
    if (node.type === 'ERROR') {
      const start = node.startIndex;
      const firstLineEnd = text.indexOf('\n', start);
      const end = Math.max(start + 1, Math.min(node.endIndex, firstLineEnd < 0 ? text.length : firstLineEnd));
      problems.push({ message: 'Unexpected text: Terraform cannot parse this', range: { start, end: Math.min(end, text.length) } });
      return;
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return problems;
}

/**
 * A node of the syntax tree as plain JavaScript. web-tree-sitter's Node objects are each made by
 * a call into WebAssembly, and copying the tree through them took over twice as long as parsing
 * (test/bench/terraformBench.ts); one walk of a TreeCursor reads the whole tree instead.
 */
class SyntaxNode {
  readonly children: SyntaxNode[] = [];
  private named: SyntaxNode[] | undefined;
  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    /** The grammar's field name for this child of its parent (`key`, `val`), if any. */
    readonly field: string | null,
    private readonly source: string,
  ) {}
  get namedChildren(): SyntaxNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }
  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }
  childForFieldName(name: string): SyntaxNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }
}

/** The whole tree as SyntaxNodes, read in one walk (iterative: a deeply nested file cannot exhaust the stack). */
function syntaxTree(tree: Tree, text: string): SyntaxNode {
  const cursor = tree.walk();
  try {
    const current = () => new SyntaxNode(cursor.nodeType, cursor.nodeIsNamed, cursor.startIndex, cursor.endIndex, cursor.currentFieldName ?? null, text);
    const root = current();
    const path = [root];
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const node = current();
      path.at(-1)!.children.push(node);
      if (cursor.gotoFirstChild()) {
        path.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (path.length === 1 || !cursor.gotoParent()) return root;
        path.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

class TreeReader {
  constructor(private readonly text: string) {}

  body(node: SyntaxNode, depth: number): HclBody {
    const attributes = new Map<string, HclAttribute>();
    const blocks: HclBlock[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'attribute') {
        const name = child.namedChildren[0];
        const value = child.namedChildren[1];
        if (name?.type !== 'identifier' || !value) continue;
        attributes.set(name.text, { name: name.text, nameRange: rangeOf(name), value: this.expression(value, depth + 1), range: rangeOf(child) });
      } else if (child.type === 'block') {
        const block = this.block(child, depth + 1);
        if (block) blocks.push(block);
      }
    }
    return { attributes, blocks };
  }

  private block(node: SyntaxNode, depth: number): HclBlock | undefined {
    const [type, ...rest] = node.namedChildren.filter((c): c is SyntaxNode => c !== null);
    if (type?.type !== 'identifier' || depth > MAX_DEPTH) return undefined;
    const labels = rest
      .filter((c) => c.type === 'string_lit' || c.type === 'identifier')
      .map((c) => (c.type === 'identifier' ? { value: c.text, range: rangeOf(c) } : { value: this.plainString(c), range: rangeOf(c) }));
    const bodyNode = rest.find((c) => c.type === 'body');
    return { type: type.text, typeRange: rangeOf(type), labels, body: bodyNode ? this.body(bodyNode, depth) : { attributes: new Map(), blocks: [] }, range: rangeOf(node) };
  }

  /** A string_lit's decoded text (labels and object keys have no interpolation). */
  private plainString(node: SyntaxNode): string {
    const parts = this.templateParts(node, false);
    return parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
  }

  expression(node: SyntaxNode, depth: number): HclExpression {
    const range = rangeOf(node);
    if (depth > MAX_DEPTH) return { kind: 'other', range };
    switch (node.type) {
      case 'expression': {
        const children = node.children.filter((c): c is SyntaxNode => c !== null);
        const first = children[0];
        if (!first) return { kind: 'other', range };
        // `( expr )`
        if (first.type === '(' && children[1]) {
          const inner = this.expression(children[1], depth + 1);
          return children.length === 3 ? inner : { kind: 'other', range };
        }
        if (first.type === 'variable_expr') {
          const path = [first.text];
          for (const postfix of children.slice(1)) {
            if (postfix.type === 'get_attr') path.push(postfix.namedChildren.find((c) => c?.type === 'identifier')?.text ?? '?');
            else if (postfix.type === 'index') path.push('[]');
            else return { kind: 'other', range };
          }
          return { kind: 'reference', path, range };
        }
        if (children.length > 1) return { kind: 'other', range };
        return this.expression(first, depth + 1);
      }
      case 'literal_value':
        return node.namedChildren[0] ? this.expression(node.namedChildren[0], depth + 1) : { kind: 'other', range };
      case 'string_lit':
        return { kind: 'string', parts: this.templateParts(node, false), heredoc: false, range };
      case 'numeric_lit':
        return { kind: 'number', text: node.text, range };
      case 'bool_lit':
        return { kind: 'bool', value: node.text === 'true', range };
      case 'null_lit':
        return { kind: 'null', range };
      case 'template_expr': {
        const inner = node.namedChildren[0];
        if (inner?.type === 'quoted_template') return { kind: 'string', parts: this.templateParts(inner, false, depth), heredoc: false, range };
        if (inner?.type === 'heredoc_template') return { kind: 'string', parts: this.heredocParts(inner, depth), heredoc: true, range };
        return { kind: 'other', range };
      }
      case 'collection_value':
        return node.namedChildren[0] ? this.expression(node.namedChildren[0], depth + 1) : { kind: 'other', range };
      case 'tuple':
        return { kind: 'tuple', items: node.namedChildren.filter((c): c is SyntaxNode => c?.type === 'expression').map((c) => this.expression(c, depth + 1)), range };
      case 'object': {
        const elements: HclObjectElement[] = [];
        for (const element of node.namedChildren) {
          if (element?.type !== 'object_elem') continue;
          const key = element.childForFieldName('key');
          const value = element.childForFieldName('val');
          if (!key || !value) continue;
          elements.push({ key: this.objectKey(key, depth + 1), value: this.expression(value, depth + 1), range: rangeOf(element) });
        }
        return { kind: 'object', elements, range };
      }
      case 'function_call': {
        const name = node.namedChildren.find((c) => c?.type === 'identifier')?.text ?? '';
        const args = node.namedChildren.find((c) => c?.type === 'function_arguments');
        // `f(list...)` expands a list into arguments: which arguments, only Terraform knows.
        if (args?.children.some((c) => c?.type === 'expand_ellipsis' || c?.type === '...')) return { kind: 'other', range };
        return { kind: 'call', name, args: (args?.namedChildren ?? []).filter((c): c is SyntaxNode => c?.type === 'expression').map((c) => this.expression(c, depth + 1)), range };
      }
      default:
        return { kind: 'other', range };
    }
  }

  /** An object key: a bare name is that name as a string (HCL reads `Sid = ...` as "Sid"). */
  private objectKey(node: SyntaxNode, depth: number): HclExpression {
    const children = node.children.filter((c): c is SyntaxNode => c !== null);
    if (children.length === 1 && children[0]!.type === 'variable_expr') {
      const offset = node.startIndex;
      const name = children[0]!.text;
      return { kind: 'string', parts: [{ kind: 'literal', text: name, offsets: Array.from({ length: name.length + 1 }, (_, i) => offset + i) }], heredoc: false, range: rangeOf(node) };
    }
    return this.expression(node, depth);
  }

  /**
   * The parts of a quoted template. Literal text is read from the source between the
   * structural children (the grammar's literal nodes leave out some whitespace), decoded.
   */
  private templateParts(node: SyntaxNode, _heredoc: boolean, depth = 0): HclTemplatePart[] {
    const children = node.children.filter((c): c is SyntaxNode => c !== null);
    const start = children[0]?.type === 'quoted_template_start' ? children[0].endIndex : node.startIndex;
    const endChild = children.at(-1);
    const end = endChild?.type === 'quoted_template_end' ? endChild.startIndex : node.endIndex;
    const parts: HclTemplatePart[] = [];
    let cursor = start;
    for (const child of children) {
      if (child.type !== 'template_interpolation' && child.type !== 'template_directive') continue;
      if (child.startIndex > cursor) parts.push(this.quotedLiteral(cursor, child.startIndex));
      parts.push(this.interpolation(child, depth));
      cursor = child.endIndex;
    }
    if (end > cursor) parts.push(this.quotedLiteral(cursor, end));
    return parts;
  }

  private interpolation(child: SyntaxNode, depth: number): HclTemplatePart {
    const range = rangeOf(child);
    if (child.type === 'template_directive') return { kind: 'directive', range };
    const expression = child.namedChildren.find((c) => c?.type === 'expression');
    // `${~ x ~}` strip markers are whitespace control: the value is the same expression.
    return { kind: 'interpolation', expression: expression ? this.expression(expression, depth + 1) : { kind: 'other', range }, range };
  }

  /** Decodes `\n \r \t \" \\ \uXXXX \UXXXXXXXX`, `$${` and `%%{` of a quoted string's text. */
  private quotedLiteral(start: number, end: number): HclTemplatePart {
    const source = this.text;
    let text = '';
    const offsets: number[] = [];
    let i = start;
    while (i < end) {
      const c = source[i]!;
      if (c === '\\' && i + 1 < end) {
        const e = source[i + 1]!;
        if (ESCAPES[e] !== undefined) {
          text += ESCAPES[e];
          offsets.push(i);
          i += 2;
          continue;
        }
        const width = e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const hex = width ? source.slice(i + 2, i + 2 + width) : '';
        if (width && /^[0-9a-fA-F]+$/.test(hex) && hex.length === width) {
          const decoded = String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
          for (const unit of decoded.split('')) {
            text += unit;
            offsets.push(i);
          }
          i += 2 + width;
          continue;
        }
      }
      if ((c === '$' || c === '%') && source[i + 1] === c && source[i + 2] === '{') {
        text += c;
        offsets.push(i);
        i += 2;
        continue;
      }
      text += c;
      offsets.push(i);
      i++;
    }
    offsets.push(end);
    return { kind: 'literal', text, offsets };
  }

  /**
   * A heredoc's parts: the lines between the opening and closing markers, with `<<-` removing
   * the indentation of the least-indented line from every line, as Terraform does.
   */
  private heredocParts(node: SyntaxNode, depth: number): HclTemplatePart[] {
    const children = node.children.filter((c): c is SyntaxNode => c !== null);
    const open = children.find((c) => c.type === 'heredoc_identifier');
    const close = children.at(-1);
    const flush = children[0]?.text === '<<-';
    if (!open || !close || close === open) return [];
    const source = this.text;
    const newline = source.indexOf('\n', open.endIndex);
    const contentStart = newline < 0 || newline >= close.startIndex ? close.startIndex : newline + 1;
    const contentEnd = Math.max(contentStart, source.lastIndexOf('\n', close.startIndex - 1) + 1);
    const inner = children.filter((c) => (c.type === 'template_interpolation' || c.type === 'template_directive') && c.startIndex >= contentStart && c.endIndex <= contentEnd);
    let indent = 0;
    if (flush) {
      // The least indentation of any line with text; a line that starts with an interpolation has none.
      indent = Infinity;
      let lineStart = contentStart;
      while (lineStart < contentEnd) {
        const lineEnd = source.indexOf('\n', lineStart);
        const stop = lineEnd < 0 || lineEnd > contentEnd ? contentEnd : lineEnd;
        const line = source.slice(lineStart, stop);
        if (line.trim()) indent = Math.min(indent, line.length - line.trimStart().length);
        lineStart = stop + 1;
      }
      if (!Number.isFinite(indent)) indent = 0;
    }
    const parts: HclTemplatePart[] = [];
    let text = '';
    let offsets: number[] = [];
    const flushLiteral = (at: number) => {
      if (text) parts.push({ kind: 'literal', text, offsets: [...offsets, at] });
      text = '';
      offsets = [];
    };
    let i = contentStart;
    let column = 0;
    let k = 0;
    while (i < contentEnd) {
      const next = inner[k];
      if (next && i === next.startIndex) {
        flushLiteral(i);
        parts.push(this.interpolation(next, depth));
        i = next.endIndex;
        column = indent; // an interpolation ends any indentation of its line
        k++;
        continue;
      }
      const c = source[i]!;
      if (column < indent && (c === ' ' || c === '\t')) {
        column++;
        i++;
        continue;
      }
      if ((c === '$' || c === '%') && source[i + 1] === c && source[i + 2] === '{') {
        text += c;
        offsets.push(i);
        i += 2;
        column = indent;
        continue;
      }
      text += c;
      offsets.push(i);
      column = c === '\n' ? 0 : Math.max(column, indent);
      i++;
    }
    flushLiteral(contentEnd);
    return parts;
  }
}
