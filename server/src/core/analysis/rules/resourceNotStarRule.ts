import { DOCS } from '../../catalog/kmsCuratedFacts';
import { elementValueNode, nodeRange, propertyNode } from '../policyEdits';
import type { Rule } from '../rule';

export const resourceNotStarRule: Rule = {
  code: 'KMS_RESOURCE_NOT_STAR',
  severity: 'error',
  docUrl: DOCS.keyPolicyElements,
  awsSays: 'In a key policy, the value of the Resource element is "*", which means "this KMS key." The asterisk ("*") identifies the KMS key to which the key policy is attached.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      const notResource = propertyNode(s.node, 'NotResource');
      if (notResource) {
        ctx.report(nodeRange(notResource.children![0]!), 'A key policy applies only to its own key: NotResource is rejected by KMS. Use "Resource": "*".', [
          { title: 'Replace with "Resource": "*"', isPreferred: true, edits: [{ range: nodeRange(notResource), newText: '"Resource": "*"' }] },
        ]);
      }
      const bad = (s.resource ?? []).filter((r) => r.value !== '*');
      if (bad.length === 0) continue;
      const valueNode = elementValueNode(s.node, 'Resource')!;
      const fix = { title: 'Set Resource to "*" (this key)', isPreferred: true, edits: [{ range: nodeRange(valueNode), newText: '"*"' }] };
      for (const r of bad) {
        ctx.report(r.range, `In a key policy, Resource must be "*" (this key); KMS rejects '${r.value}' (enforced since August 2025).`, [fix]);
      }
    }
  },
};
