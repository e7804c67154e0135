import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const singleAdminPrincipalRule: Rule = {
  code: 'KMS_SINGLE_ADMIN_PRINCIPAL',
  severity: 'information',
  docUrl: DOCS.keyAdministrators,
  awsSays: 'If the key policy does not allow the AWS account access ... and the only key administrator is deleted, the KMS key becomes unmanageable and you must contact AWS Support to regain access.',
  check(ctx) {
    const admins = new Map<string, { start: number; end: number }>();
    for (const s of ctx.facts.statements) {
      if (s.effect !== 'Allow' || !s.coveredActions.has('PutKeyPolicy')) continue;
      for (const p of s.principals) {
        if (p.kind === 'account' || p.kind === 'wildcard') return;
        if (p.kind === 'invalid') continue;
        if (!admins.has(p.entry.value.value)) admins.set(p.entry.value.value, p.entry.value.range);
      }
    }
    if (admins.size !== 1) return;
    const [[arn, range]] = [...admins];
    ctx.report(range!, `${arn} is the only principal that can change this key policy and the account is not delegated: if it is deleted, the key becomes unmanageable until AWS Support restores access. Add a second administrator or the account root.`);
  },
};
