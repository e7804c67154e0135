import { DOCS } from '../../catalog/kmsCuratedFacts';
import { propertyNode } from '../policyEdits';
import type { Rule } from '../rule';

export const notPrincipalWithAllowRule: Rule = {
  code: 'KMS_NOT_PRINCIPAL_WITH_ALLOW',
  severity: 'error',
  docUrl: DOCS.iamNotPrincipal,
  awsSays: 'We strongly recommend that you do not use NotPrincipal in the same policy statement as "Effect": "Allow". Doing so allows all principals except the one named in the NotPrincipal element.',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      if (facts.effect !== 'Allow' || !facts.statement.notPrincipal) continue;
      const node = propertyNode(facts.statement.node, 'NotPrincipal')?.children?.[0];
      const range = node ? { start: node.offset, end: node.offset + node.length } : facts.statement.notPrincipal.range;
      ctx.report(range, 'NotPrincipal with "Effect": "Allow" allows every principal in every AWS account except the ones named, including anonymous callers. Name the principals in Principal instead.');
    }
  },
};
