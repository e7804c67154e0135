import { DOCS } from '../../catalog/kmsCuratedFacts';
import { removeArrayItemEdit } from '../policyEdits';
import type { Rule } from '../rule';

export const iamOnlyActionRule: Rule = {
  code: 'KMS_IAM_ONLY_ACTION_IN_KEY_POLICY',
  severity: 'warning',
  docUrl: DOCS.permissionsReference,
  awsSays: 'Operations that are not performed on a particular KMS key (such as CreateKey, ListKeys, ListAliases, GenerateRandom and the custom key store operations) can be controlled only in IAM policies ("Policy type: IAM policy").',
  check(ctx) {
    for (const s of ctx.facts.statements) {
      if (s.usesNotAction) continue;
      for (const entry of s.actionEntries) {
        if (/[*?]/.test(entry.written.value) || entry.matches.length !== 1) continue;
        const action = entry.matches[0]!;
        if (action.resourceTypes.length > 0) continue;
        const edit = removeArrayItemEdit(ctx.model, entry.written.range);
        ctx.report(
          entry.written.range,
          `${action.qualifiedName} is not performed on a KMS key, so a key policy cannot allow or deny it: only IAM policies control it. This entry has no effect.`,
          edit ? [{ title: `Remove ${action.qualifiedName}`, isPreferred: true, edits: [edit] }] : undefined,
        );
      }
    }
  },
};
