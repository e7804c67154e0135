// Text from policies, scenarios and ARNs becomes HTML only through these functions: a policy is
// hostile input (a Sid may hold `<script>`), so every value is escaped for the place it goes.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON to embed in a `<script type="application/json">` block: `<` is written `\u003c`, so no
 * value can close the block (`</script>`) or open a comment; the JSON parses back unchanged.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** What a webview page needs from its panel: the CSP source, the script nonce and the asset URIs. */
export interface WebviewPage {
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

/** The page around a view's body: strict CSP (nothing but our assets and the nonce'd script). */
export function webviewDocument(page: WebviewPage, title: string, body: string, state: unknown): string {
  const csp = [
    "default-src 'none'",
    `style-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    `img-src ${page.cspSource}`,
    `script-src 'nonce-${page.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${escapeHtml(page.styleUri)}" rel="stylesheet">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
<script type="application/json" id="view-state">${jsonForHtml(state)}</script>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}
