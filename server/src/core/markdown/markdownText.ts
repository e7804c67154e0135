// Text from files or from the engine (policy values, key descriptions, aliases, grant
// principals) placed into markdown that the editor renders: escaped so that it shows as
// itself and never becomes a link, an image, HTML or a broken table. A principal such as
// `[x](http://evil)![i](http://evil/i.png)` must not render as a link and fetch an image.

/**
 * Every ASCII punctuation character backslash-escaped. CommonMark: "Any ASCII punctuation
 * character may be backslash-escaped"; escaped, it is shown literally, so no emphasis, link,
 * image, HTML tag, entity or autolink (`http\:`, `www\.`) can start. Line breaks become spaces:
 * the text stays in its line (a table row, a heading).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&').replace(/\r\n|[\r\n]/g, ' ');
}

/**
 * Text as an inline code span, which markdown shows verbatim: fenced by one more backtick than
 * the longest run inside (CommonMark: a code span ends at a backtick string of equal length),
 * padded when it starts or ends with a backtick. In a table cell, `|` is escaped too: GFM splits
 * cells at pipes before it reads code spans ("include a pipe in a cell's content by escaping it,
 * including inside other inline spans").
 */
export function markdownCode(text: string, options: { readonly inTable?: boolean } = {}): string {
  let body = text.replace(/\r\n|[\r\n]/g, ' ');
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
