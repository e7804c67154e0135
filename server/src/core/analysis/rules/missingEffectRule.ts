import { DOCS } from '../../catalog/kmsCuratedFacts';
import { elementValueNode, nodeRange } from '../policyEdits';
import type { Rule } from '../rule';

export const missingEffectRule: Rule = {
  code: 'MISSING_EFFECT',
  severity: 'error',
  docUrl: DOCS.keyPolicyElements,
  awsSays: 'Effect (required) – Determines whether to allow or deny the permissions in the policy statement. The valid values are Allow or Deny.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      const node = elementValueNode(s.node, 'Effect');
      if (!node) {
        ctx.report({ start: s.range.start, end: s.range.start + 1 }, 'The statement has no Effect: KMS rejects the policy. Add "Effect": "Allow" or "Deny".');
        continue;
      }
      if (node.type === 'string' && (node.value === 'Allow' || node.value === 'Deny')) continue;
      const value = node.type === 'string' ? (node.value as string) : '';
      const fixed = value.toLowerCase() === 'allow' ? 'Allow' : value.toLowerCase() === 'deny' ? 'Deny' : undefined;
      ctx.report(
        nodeRange(node),
        `Effect must be exactly "Allow" or "Deny" (case-sensitive)${value ? `, not "${value}"` : ''}: KMS rejects the policy.`,
        fixed ? [{ title: `Change to "${fixed}"`, isPreferred: true, edits: [{ range: nodeRange(node), newText: JSON.stringify(fixed) }] }] : undefined,
      );
    }
  },
};
