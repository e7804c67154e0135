import { DOCS } from '../../catalog/kmsCuratedFacts';
import { indentUnit } from '../policyEdits';
import type { Rule } from '../rule';

export const missingVersionRule: Rule = {
  code: 'MISSING_VERSION',
  severity: 'warning',
  docUrl: DOCS.iamVersion,
  awsSays: 'If you do not include a Version element, the value defaults to 2008-10-17, but newer features, such as policy variables, will not work with your policy.',
  check(ctx) {
    const root = ctx.model.root;
    if (!root || root.type !== 'object' || ctx.model.elementNames.some((n) => n.value === 'Version')) return;
    const first = root.children?.[0];
    const at = root.offset + 1;
    const unit = indentUnit(ctx.model.text);
    ctx.report({ start: root.offset, end: root.offset + 1 }, 'The policy has no Version: IAM evaluates it with the 2008-10-17 language, where policy variables such as ${aws:username} are not replaced. Add "Version": "2012-10-17".', [
      {
        title: 'Add "Version": "2012-10-17"',
        isPreferred: true,
        edits: [{ range: { start: at, end: at }, newText: first ? `\n${unit}"Version": "2012-10-17",` : `\n${unit}"Version": "2012-10-17"\n` }],
      },
    ]);
  },
};
