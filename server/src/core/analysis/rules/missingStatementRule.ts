import { DOCS } from '../../catalog/kmsCuratedFacts';
import { elementValueNode, nodeRange } from '../policyEdits';
import type { Rule } from '../rule';

export const missingStatementRule: Rule = {
  code: 'MISSING_STATEMENT',
  severity: 'error',
  docUrl: DOCS.iamStatement,
  awsSays: 'The Statement element is the main element for a policy. This element is required.',
  check(ctx) {
    const root = ctx.model.root;
    if (!root || root.type !== 'object') return;
    const node = elementValueNode(root, 'Statement');
    if (!node) {
      ctx.report({ start: root.offset, end: root.offset + 1 }, 'The policy has no Statement: KMS rejects it, and without statements no one could use or manage the key.');
    } else if (node.type === 'array' && (node.children ?? []).length === 0) {
      ctx.report(nodeRange(node), 'Statement is empty: KMS rejects a key policy that allows no one to manage the key.');
    }
  },
};
