import type { Node as JsonNode } from 'jsonc-parser';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const duplicateJsonKeyRule: Rule = {
  code: 'DUPLICATE_JSON_KEY',
  severity: 'error',
  docUrl: DOCS.policyGrammar,
  awsSays: 'A policy is a JSON document; JSON object member names should be unique (RFC 8259), and parsers keep only one of the duplicates, so the others are silently lost.',
  check(ctx) {
    const visit = (node: JsonNode | undefined): void => {
      if (!node) return;
      if (node.type === 'object') {
        const seen = new Map<string, JsonNode>();
        for (const property of node.children ?? []) {
          const name = property.children?.[0];
          if (!name || typeof name.value !== 'string') continue;
          const first = seen.get(name.value);
          if (first) {
            ctx.report(
              { start: name.offset, end: name.offset + name.length },
              `'${name.value}' appears twice in this object: only one of them takes effect, and the other (e.g. a principal or a condition) is silently dropped. Merge them into one.`,
            );
          } else seen.set(name.value, name);
        }
      }
      for (const child of node.children ?? []) visit(child);
    };
    visit(ctx.model.root);
  },
};
