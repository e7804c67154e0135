import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

/** Condition keys that tie a service principal's request to the caller's own resources. */
const SOURCE_KEYS = ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths', 'kms:encryptioncontext:aws:logs:arn', 'kms:encryptioncontext:aws:cloudtrail:arn'];

export const servicePrincipalWithoutSourceRule: Rule = {
  code: 'SERVICE_PRINCIPAL_WITHOUT_SOURCE',
  severity: 'information',
  docUrl: DOCS.confusedDeputy,
  awsSays:
    'We recommend using the aws:SourceArn and aws:SourceAccount global condition context keys in resource-based policies to limit the permissions that the service gives another service to the resource (IAM User Guide, "The confused deputy problem").',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      const statement = facts.statement;
      if (facts.effect !== 'Allow' || !statement.principal) continue;
      const services = statement.principal.entries.filter((e) => e.type === 'Service' && e.value.value !== '*');
      if (!services.length) continue;
      // Reading the key's metadata (AWS's CloudTrail policy lets the service DescribeKey freely) uses nothing.
      const usesKey = [...facts.coveredActions].some((name) => !['Read', 'List'].includes(ctx.catalog.action(`kms:${name}`)?.accessLevel ?? 'Read'));
      if (!usesKey) continue;
      const keys = (statement.condition ?? []).map((c) => c.key.value.toLowerCase());
      if (keys.some((k) => SOURCE_KEYS.some((s) => k === s || k.startsWith('kms:encryptioncontext:aws:')))) continue;
      ctx.report(
        services[0]!.value.range,
        `${services.map((s) => s.value.value).join(', ')} may use this key on behalf of any account (the confused deputy problem). Limit it to your resources with aws:SourceAccount or aws:SourceArn.`,
      );
    }
  },
};
