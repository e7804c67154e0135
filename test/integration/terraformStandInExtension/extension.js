// A test-only stand-in for HashiCorp's Terraform extension (hashicorp.terraform), which is not in
// the npm registry and so cannot be installed on the test machine. It does what that extension
// does at the level where two extensions can collide: its manifest contributes the `terraform`
// language for `.tf` files (as HashiCorp's does), and it answers for `terraform` documents with
// providers of its own, as terraform-ls does through that extension's language client:
//   - diagnostics in a collection of its own (source `terraform-stand-in`), one per document,
//     republished on every change (terraform-ls validates on change);
//   - a hover on any word, a completion of top-level block keywords, an outline of top-level
//     blocks, a reference-count lens on each block (terraform.codelens.referenceCount) and a
//     formatter (terraform fmt) that strips trailing whitespace.
// It parses nothing real: each answer is marked as the stand-in's, so the integration suite can
// tell which extension said what (terraformCoexistence.test.ts).
'use strict';
const vscode = require('vscode');

const SOURCE = 'terraform-stand-in';
const SELECTOR = [{ language: 'terraform' }];
const BLOCK_KEYWORDS = ['data', 'locals', 'module', 'output', 'provider', 'resource', 'terraform', 'variable'];
/** A top-level block's header: `resource "aws_kms_key" "app_data" {`. */
const BLOCK_HEADER = /^([a-z_]+)((?:[ \t]+"[^"\n]*")*)[ \t]*\{/gm;

/** The document's top-level blocks: their header text and the lines they span. */
function topLevelBlocks(document) {
  const text = document.getText();
  const blocks = [];
  for (const match of text.matchAll(BLOCK_HEADER)) {
    const start = document.positionAt(match.index);
    // A one-line block (`data "aws_region" "current" {}`) ends where it starts; any other at
    // the next line that is a lone `}` at column 0.
    let end = start.line;
    if (!/\}\s*$/.test(document.lineAt(end).text)) {
      while (end < document.lineCount - 1 && document.lineAt(end).text !== '}') end++;
    }
    const labels = match[2].trim().split(/\s+/).filter(Boolean);
    blocks.push({ name: [match[1], ...labels].join(' '), keyword: match[1], labels, start: start.line, end });
  }
  return blocks;
}

function validate(collection, document) {
  if (document.languageId !== 'terraform') return;
  const first = topLevelBlocks(document)[0];
  const line = first ? first.start : 0;
  const diagnostic = new vscode.Diagnostic(
    document.lineAt(line).range,
    `Checked by the Terraform stand-in (version ${document.version}, ${topLevelBlocks(document).length} blocks)`,
    vscode.DiagnosticSeverity.Information,
  );
  diagnostic.source = SOURCE;
  diagnostic.code = 'stand-in-checked';
  collection.set(document.uri, [diagnostic]);
}

function activate(context) {
  const collection = vscode.languages.createDiagnosticCollection(SOURCE);
  context.subscriptions.push(collection);
  for (const document of vscode.workspace.textDocuments) validate(collection, document);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((document) => validate(collection, document)),
    vscode.workspace.onDidChangeTextDocument((e) => validate(collection, e.document)),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),

    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(document, position) {
        const range = document.getWordRangeAtPosition(position, /[\w:.-]+/);
        if (!range) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(`**Terraform stand-in**: \`${document.getText(range)}\``), range);
      },
    }),

    vscode.languages.registerCompletionItemProvider(SELECTOR, {
      provideCompletionItems() {
        return BLOCK_KEYWORDS.map((keyword) => {
          const item = new vscode.CompletionItem(keyword, vscode.CompletionItemKind.Keyword);
          item.detail = SOURCE;
          return item;
        });
      },
    }),

    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      provideDocumentSymbols(document) {
        return topLevelBlocks(document).map((block) => {
          const range = new vscode.Range(block.start, 0, block.end, document.lineAt(block.end).text.length);
          return new vscode.DocumentSymbol(block.name, SOURCE, vscode.SymbolKind.Class, range, document.lineAt(block.start).range);
        });
      },
    }),

    vscode.languages.registerCodeLensProvider(SELECTOR, {
      provideCodeLenses(document) {
        const text = document.getText();
        return topLevelBlocks(document)
          .filter((block) => block.labels.length === 2)
          .map((block) => {
            const address = `${block.keyword === 'data' ? 'data.' : ''}${block.labels.map((l) => l.slice(1, -1)).join('.')}`;
            const references = text.split(`${address}.`).length - 1;
            return new vscode.CodeLens(document.lineAt(block.start).range, { title: `${references} references (stand-in)`, command: '' });
          });
      },
    }),

    vscode.languages.registerDocumentFormattingEditProvider(SELECTOR, {
      provideDocumentFormattingEdits(document) {
        const edits = [];
        for (let line = 0; line < document.lineCount; line++) {
          const text = document.lineAt(line).text;
          const trimmed = text.trimEnd();
          if (trimmed.length < text.length) edits.push(vscode.TextEdit.delete(new vscode.Range(line, trimmed.length, line, text.length)));
        }
        return edits;
      },
    }),
  );
}

module.exports = { activate, deactivate() {} };
