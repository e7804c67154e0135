// Document symbols (statements by Sid), folding ranges and formatting of key policies.
import { SymbolKind, type DocumentSymbol, type FoldingRange, type ServerCapabilities, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { PolicySymbol } from '../core/analysis/analysisTypes';
import { keyPolicySupport } from './keyPolicySupport';
import { toRange, toTextEdit } from './lspConversions';
import { runSafelyAsync } from './runSafely';
import type { ServerContext } from './serverContext';

function toSymbol(document: TextDocument, symbol: PolicySymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: symbol.kind === 'policy' ? SymbolKind.Module : SymbolKind.Object,
    range: toRange(document, symbol.range),
    selectionRange: toRange(document, symbol.selectionRange),
    children: symbol.children.map((c) => toSymbol(document, c)),
  };
}

export function registerOutlineFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  const { connection, documents } = ctx;
  const withPolicy = async <T>(uri: string, fallback: T, work: (document: TextDocument) => T): Promise<T> => {
    const document = documents.get(uri);
    if (!document || !(await support.isKeyPolicy(document))) return fallback;
    return work(document);
  };

  connection.onDocumentSymbol((params, token) =>
    runSafelyAsync<DocumentSymbol[]>(connection, token, 'textDocument/documentSymbol', [], () =>
      withPolicy(params.textDocument.uri, [], (d) => support.service.findDocumentSymbols(support.models.get(d)).map((s) => toSymbol(d, s))),
    ),
  );
  connection.onFoldingRanges((params, token) =>
    runSafelyAsync<FoldingRange[]>(connection, token, 'textDocument/foldingRange', [], () =>
      withPolicy(params.textDocument.uri, [], (d) =>
        support.service
          .getFoldingRanges(support.models.get(d))
          .map((span) => ({ startLine: d.positionAt(span.start).line, endLine: d.positionAt(span.end).line - 1 }))
          .filter((r) => r.endLine > r.startLine),
      ),
    ),
  );
  connection.onDocumentFormatting((params, token) =>
    runSafelyAsync<TextEdit[]>(connection, token, 'textDocument/formatting', [], () =>
      withPolicy(params.textDocument.uri, [], (d) => support.service.format(support.models.get(d), undefined, params.options).map((e) => toTextEdit(d, e))),
    ),
  );
  connection.onDocumentRangeFormatting((params, token) =>
    runSafelyAsync<TextEdit[]>(connection, token, 'textDocument/rangeFormatting', [], () =>
      withPolicy(params.textDocument.uri, [], (d) =>
        support.service
          .format(support.models.get(d), { start: d.offsetAt(params.range.start), end: d.offsetAt(params.range.end) }, params.options)
          .map((e) => toTextEdit(d, e)),
      ),
    ),
  );
  return { documentSymbolProvider: true, foldingRangeProvider: true, documentFormattingProvider: true, documentRangeFormattingProvider: true };
}
