import { DOCS, isKnownRegion } from '../../catalog/kmsCuratedFacts';
import { addConditionEdit } from '../policyEdits';
import { isAccountPrincipalOnly } from '../policyFacts';
import type { Rule } from '../rule';

export const replicateWithoutRegionLimitRule: Rule = {
  code: 'KMS_REPLICATE_WITHOUT_REGION_LIMIT',
  severity: 'warning',
  docUrl: DOCS.multiRegion,
  awsSays: 'To limit the Regions to which principals can replicate a multi-Region key, use the kms:ReplicaRegion condition key ... in a key policy.',
  check(ctx) {
    for (const s of ctx.facts.statements) {
      if (s.effect !== 'Allow' || !s.coveredActions.has('ReplicateKey') || isAccountPrincipalOnly(s)) continue;
      if (s.conditionKeys.has('kms:replicaregion') || s.usesNotAction) continue;
      // Key administrators can rewrite the policy anyway; AWS's default key policy for
      // multi-Region keys gives them kms:ReplicateKey ("Allow access for Key Administrators").
      if (s.coveredActions.has('PutKeyPolicy')) continue;
      // Full-access grants (kms:*, *) are about administration as a whole; name the action to be told.
      const entry = s.actionEntries.find((e) => e.matches.some((a) => a.name === 'ReplicateKey') && e.matches.length < ctx.catalog.actions.length);
      if (!entry) continue;
      const regions = [...new Set([...ctx.model.text.matchAll(/\b[a-z]{2}(?:-gov)?-[a-z]+-\d\b/g)].map((m) => m[0]).filter(isKnownRegion))];
      const edit = addConditionEdit(ctx.model, s.statement, 'StringEquals', 'kms:ReplicaRegion', regions.length ? regions : ['REPLICA-REGION']);
      ctx.report(
        entry.written.range,
        `${entry.written.value === 'kms:ReplicateKey' ? 'kms:ReplicateKey' : `'${entry.written.value}' includes kms:ReplicateKey, which`} lets these principals replicate the key into any Region, each replica with its own key policy. Limit the Regions with kms:ReplicaRegion.`,
        edit ? [{ title: 'Limit replication Regions (kms:ReplicaRegion)', isPreferred: true, edits: [edit] }] : undefined,
      );
    }
  },
};
