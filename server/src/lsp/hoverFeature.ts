// Hover on actions, condition keys, operators and principals of key policies, and of the key
// policies in CloudFormation templates and Terraform modules (with what each intrinsic or
// interpolation resolves to).
import type { Hover, ServerCapabilities } from 'vscode-languageserver';
import { keyPolicySupport } from './keyPolicySupport';
import { toRange } from './lspConversions';
import { runSafelyAsync } from './runSafely';
import { templateDocuments } from './templateDocuments';
import { templateHover } from '../core/templates/templateLanguageService';
import { terraformHover } from '../core/templates/terraform/terraformLanguageService';
import { isTerraformDocument, terraformDocuments } from './terraformDocuments';
import type { ServerContext } from './serverContext';

export function registerHoverFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const support = keyPolicySupport(ctx);
  ctx.connection.onHover((params, token) =>
    runSafelyAsync<Hover | null>(ctx.connection, token, 'textDocument/hover', null, async () => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return null;
      const isPolicy = await support.isKeyPolicy(document);
      if (!isPolicy && isTerraformDocument(document)) {
        const analysis = await terraformDocuments(ctx).analysisOf(document);
        const hover = analysis ? terraformHover(analysis, document.uri, document.offsetAt(params.position)) : undefined;
        return hover ? { contents: { kind: 'markdown', value: hover.markdown }, range: toRange(document, hover.range) } : null;
      }
      const template = isPolicy ? undefined : templateDocuments(ctx).analysisOf(document);
      if (!isPolicy && !template) return null;
      const offset = document.offsetAt(params.position);
      const hover = template ? templateHover(template, offset) : support.service.doHover(support.models.get(document), offset);
      return hover ? { contents: { kind: 'markdown', value: hover.markdown }, range: toRange(document, hover.range) } : null;
    }),
  );
  return { hoverProvider: true };
}
