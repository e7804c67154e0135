import { DOCS } from '../../catalog/kmsCuratedFacts';
import { closestMatch } from '../didYouMean';
import type { Rule } from '../rule';

export const invalidPrincipalRule: Rule = {
  code: 'KMS_INVALID_PRINCIPAL',
  severity: 'error',
  docUrl: DOCS.iamPrincipal,
  awsSays: 'The principals in the key policy must exist and be visible to KMS ... You can\'t use a wildcard in the part of the ARN that specifies the resource type; you cannot identify a user group as a principal.',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      for (const p of facts.principals) {
        if (p.kind !== 'invalid') continue;
        ctx.report(p.entry.value.range, `${p.problem} KMS rejects the policy (MalformedPolicyDocumentException: invalid principals).`);
      }
      for (const element of [facts.statement.principal, facts.statement.notPrincipal]) {
        for (const t of element?.unknownTypes ?? []) {
          const guess = closestMatch(t.value, ['AWS', 'Service', 'Federated', 'CanonicalUser']);
          ctx.report(
            t.range,
            `'${t.value}' is not a principal type (AWS, Service, Federated or CanonicalUser): KMS rejects the policy.${guess ? ` Did you mean '${guess}'?` : ''}`,
            guess ? [{ title: `Change to '${guess}'`, isPreferred: true, edits: [{ range: t.range, newText: JSON.stringify(guess) }] }] : undefined,
          );
        }
      }
    }
  },
};
