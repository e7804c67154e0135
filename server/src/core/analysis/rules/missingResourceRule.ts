import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const missingResourceRule: Rule = {
  code: 'MISSING_RESOURCE',
  severity: 'error',
  docUrl: DOCS.keyPolicyElements,
  awsSays: 'If either of the required Resource or Action elements are missing from a key policy statement, the policy statement has no effect.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      if (s.resource || s.notResource || s.malformedElements.some((m) => m.value === 'Resource' || m.value === 'NotResource')) continue;
      const last = s.node.children?.at(-1);
      const fix = last
        ? [{ title: 'Add "Resource": "*"', isPreferred: true, edits: [{ range: { start: last.offset + last.length, end: last.offset + last.length }, newText: ',\n' + indentOf(ctx.model.text, last.offset) + '"Resource": "*"' }] }]
        : undefined;
      ctx.report({ start: s.range.start, end: s.range.start + 1 }, 'The statement has no Resource: KMS accepts the policy but the statement has no effect. In a key policy, write "Resource": "*" (this key).', fix);
    }
  },
};

function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
