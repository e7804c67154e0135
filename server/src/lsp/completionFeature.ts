// Completion of actions, condition keys, operators, values, principals and statement snippets.
import type { CompletionList, ServerCapabilities } from 'vscode-languageserver';
import { keyPolicySupport } from './keyPolicySupport';
import { toCompletionItem } from './lspConversions';
import { runSafelyAsync } from './runSafely';
import type { ServerContext } from './serverContext';

export function registerCompletionFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  ctx.connection.onCompletion((params, token) =>
    runSafelyAsync<CompletionList | null>(ctx.connection, token, 'textDocument/completion', null, async () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document || !(await support.isKeyPolicy(document))) return null;
      const snippets = !!ctx.clientCapabilities?.textDocument?.completion?.completionItem?.snippetSupport;
      const entries = support.service.doComplete(support.models.get(document), document.offsetAt(params.position), await support.completionOptions(document));
      const items = entries.map((e) => toCompletionItem(document, e, snippets)).filter((i) => i !== undefined);
      return { isIncomplete: false, items };
    }),
  );
  return { completionProvider: { triggerCharacters: ['"', ':'], resolveProvider: false } };
}
