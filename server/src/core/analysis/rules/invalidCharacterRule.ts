import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

/** ASCII look-alikes that editors and word processors substitute. */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u200b': '', '\ufeff': '',
};
const MAX_REPORTS = 20;

function allowed(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c <= 0xff);
}

export const invalidCharacterRule: Rule = {
  code: 'KMS_INVALID_CHARACTER',
  severity: 'error',
  docUrl: DOCS.putKeyPolicy,
  awsSays: 'A key policy document can include only the following characters: printable ASCII characters from the space character (\\u0020) through the end of the ASCII character range; printable characters in the Basic Latin and Latin-1 Supplement character set (through \\u00FF); the tab (\\u0009), line feed (\\u000A), and carriage return (\\u000D) special characters.',
  check(ctx) {
    const text = ctx.model.text;
    let reports = 0;
    // In a template only the policy's names and values are the policy; comments are not.
    const spans = ctx.model.embedded?.contentRanges ?? [{ start: 0, end: text.length }];
    for (const span of spans) {
      for (let i = span.start; i < span.end && reports < MAX_REPORTS; i++) {
        const c = text.charCodeAt(i);
        if (allowed(c)) continue;
        const width = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
        const ch = text.slice(i, i + width);
        const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
        const replacement = REPLACEMENTS[ch];
        reports++;
        ctx.report(
          { start: i, end: i + width },
          `Character ${code} is outside what a key policy may contain (printable Latin-1, tab, line feed, carriage return): KMS rejects the policy.`,
          replacement !== undefined
            ? [{ title: replacement ? `Replace with '${replacement}'` : `Remove ${code}`, isPreferred: true, edits: [{ range: { start: i, end: i + width }, newText: replacement }] }]
            : undefined,
        );
        i += width - 1;
      }
    }
  },
};
