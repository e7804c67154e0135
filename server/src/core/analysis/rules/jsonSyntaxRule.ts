import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

/** Past this many, the rest of a broken file is noise. */
const MAX_REPORTS = 20;

export const jsonSyntaxRule: Rule = {
  code: 'JSON_SYNTAX',
  severity: 'error',
  docUrl: DOCS.iamGrammar,
  awsSays: 'A policy is a JSON document; KMS rejects a key policy that is not well-formed JSON (MalformedPolicyDocumentException).',
  check(ctx) {
    const problems = ctx.model.syntaxProblems;
    for (const problem of problems.slice(0, MAX_REPORTS)) {
      ctx.report(problem.range, `${problem.message}: KMS rejects a key policy that is not valid JSON.`);
    }
    if (problems.length > MAX_REPORTS) {
      const next = problems[MAX_REPORTS]!;
      ctx.report(next.range, `${problems.length - MAX_REPORTS} more JSON syntax errors follow; fix the first ones and check again.`);
    }
    const root = ctx.model.root;
    if (root && root.type !== 'object' && ctx.model.syntaxProblems.length === 0) {
      ctx.report({ start: root.offset, end: root.offset + root.length }, 'A key policy is a JSON object with Version and Statement; KMS rejects anything else.');
    }
  },
};
