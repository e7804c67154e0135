// Quick fixes: each diagnostic carries its fixes in `data`, so a code action is a lookup.
import { CodeActionKind, type CodeAction, type ServerCapabilities } from 'vscode-languageserver';
import { keyPolicySupport } from './keyPolicySupport';
import { fixesOf } from './lspConversions';
import { runSafelyAsync } from './runSafely';
import { templateDocuments } from './templateDocuments';
import { isTerraformDocument } from './terraformDocuments';
import type { ServerContext } from './serverContext';

export function registerCodeActionFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  ctx.connection.onCodeAction((params, token) =>
    runSafelyAsync<CodeAction[]>(ctx.connection, token, 'textDocument/codeAction', [], async () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document || !((await support.isKeyPolicy(document)) || isTerraformDocument(document) || templateDocuments(ctx).analysisOf(document))) return [];
      if (params.context.only && !params.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
      return fixesOf(document.uri, params.context.diagnostics);
    }),
  );
  return { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } };
}
