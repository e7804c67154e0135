import { CROSS_ACCOUNT_ACTIONS, DOCS } from '../../catalog/kmsCuratedFacts';
import { removeArrayItemEdit } from '../policyEdits';
import type { Rule } from '../rule';

export const crossAccountIneffectiveActionRule: Rule = {
  code: 'KMS_CROSS_ACCOUNT_INEFFECTIVE_ACTION',
  severity: 'warning',
  docUrl: DOCS.crossAccount,
  awsSays: 'Cross-account use: No. You cannot perform this operation on a KMS key in a different AWS account. (AWS KMS API Reference, on each operation that does not work across accounts.)',
  check(ctx) {
    const keyAccount = ctx.facts.keyAccount;
    if (!keyAccount) return;
    for (const s of ctx.facts.statements) {
      if (s.effect !== 'Allow' || s.usesNotAction || s.principals.length === 0) continue;
      const external = s.principals.every((p) => p.account !== undefined && p.account !== keyAccount);
      if (!external) continue;
      const accounts = [...new Set(s.principals.map((p) => p.account))].join(', ');
      for (const entry of s.actionEntries) {
        if (/[*?]/.test(entry.written.value) || entry.matches.length !== 1) continue;
        const action = entry.matches[0]!;
        if (action.resourceTypes.length === 0 || CROSS_ACCOUNT_ACTIONS.has(action.name)) continue;
        const edit = removeArrayItemEdit(ctx.model, entry.written.range);
        ctx.report(
          entry.written.range,
          `${action.qualifiedName} never works across accounts: principals of ${accounts} cannot call it on a key in ${keyAccount}, so this permission has no effect.`,
          edit ? [{ title: `Remove ${action.qualifiedName}`, isPreferred: true, edits: [edit] }] : undefined,
        );
      }
    }
  },
};
