// Hover on actions, condition keys, operators and principals of key policies.
import type { Hover, ServerCapabilities } from 'vscode-languageserver';
import { keyPolicySupport } from './keyPolicySupport';
import { toRange } from './lspConversions';
import { runSafelyAsync } from './runSafely';
import type { ServerContext } from './serverContext';

export function registerHoverFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  ctx.connection.onHover((params, token) =>
    runSafelyAsync<Hover | null>(ctx.connection, token, 'textDocument/hover', null, async () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document || !(await support.isKeyPolicy(document))) return null;
      const hover = support.service.doHover(support.models.get(document), document.offsetAt(params.position));
      return hover ? { contents: { kind: 'markdown', value: hover.markdown }, range: toRange(document, hover.range) } : null;
    }),
  );
  return { hoverProvider: true };
}
