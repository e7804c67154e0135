import { DOCS } from '../../catalog/kmsCuratedFacts';
import { elementValueNode, nodeRange } from '../policyEdits';
import type { Rule } from '../rule';

const VALID = new Set(['2012-10-17', '2008-10-17']);

export const invalidVersionRule: Rule = {
  code: 'INVALID_VERSION',
  severity: 'error',
  docUrl: DOCS.iamVersion,
  awsSays: 'IAM supports the following Version element values: 2012-10-17 ... 2008-10-17.',
  check(ctx) {
    const root = ctx.model.root;
    if (!root || root.type !== 'object') return;
    const node = elementValueNode(root, 'Version');
    if (!node) return;
    if (node.type === 'string' && VALID.has(node.value as string)) return;
    const shown = node.type === 'string' ? `'${node.value as string}'` : `a ${node.type}`;
    ctx.report(nodeRange(node), `Version is ${shown}, but only "2012-10-17" (or the older "2008-10-17") exists: KMS rejects the policy.`, [
      { title: 'Set Version to "2012-10-17"', isPreferred: true, edits: [{ range: nodeRange(node), newText: '"2012-10-17"' }] },
    ]);
  },
};
