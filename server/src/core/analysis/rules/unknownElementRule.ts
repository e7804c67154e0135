import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Located } from '../../policy/policyModel';
import { closestMatch } from '../didYouMean';
import type { Rule, RuleContext } from '../rule';

const POLICY_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

function check(ctx: RuleContext, names: readonly Located<string>[], allowed: readonly string[], where: string): void {
  for (const name of names) {
    if (allowed.includes(name.value)) continue;
    const suggestion = closestMatch(name.value, allowed);
    const range = name.range;
    ctx.report(
      range,
      `'${name.value}' is not a ${where} element (element names are case-sensitive): KMS rejects the policy.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`,
      suggestion ? [{ title: `Rename to '${suggestion}'`, isPreferred: true, edits: [{ range, newText: JSON.stringify(suggestion) }] }] : undefined,
    );
  }
}

export const unknownElementRule: Rule = {
  code: 'UNKNOWN_ELEMENT',
  severity: 'error',
  docUrl: DOCS.iamGrammar,
  awsSays: 'The policy grammar allows Version, Id and Statement at the top level, and Sid, Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition in a statement.',
  check(ctx) {
    if (ctx.model.root?.type !== 'object') return;
    check(ctx, ctx.model.elementNames, POLICY_ELEMENTS, 'policy');
    for (const s of ctx.model.statements) check(ctx, s.elementNames, STATEMENT_ELEMENTS, 'statement');
  },
};
