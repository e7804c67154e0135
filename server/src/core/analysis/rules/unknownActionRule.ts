import { DOCS } from '../../catalog/kmsCuratedFacts';
import { closestMatch } from '../didYouMean';
import type { Rule } from '../rule';

export const unknownActionRule: Rule = {
  code: 'UNKNOWN_ACTION',
  severity: 'error',
  docUrl: DOCS.kmsActions,
  awsSays: 'AWS Key Management Service (service prefix: kms) provides the following service-specific ... actions ... for use in IAM permission policies.',
  check(ctx) {
    const names = ctx.catalog.actions.map((a) => a.qualifiedName);
    for (const facts of ctx.facts.statements) {
      for (const entry of facts.actionEntries) {
        const written = entry.written.value;
        if (entry.matches.length > 0 || written === '*') continue;
        const colon = written.indexOf(':');
        const range = entry.written.range;
        if (colon < 0) {
          const guess = ctx.catalog.action(`kms:${written}`)?.qualifiedName ?? closestMatch(`kms:${written}`, names);
          ctx.report(range, `'${written}' has no service prefix, so it matches no action and the statement never applies to it.${guess ? ` Did you mean '${guess}'?` : ''}`, guess ? [{ title: `Change to '${guess}'`, isPreferred: true, edits: [{ range, newText: JSON.stringify(guess) }] }] : undefined);
          continue;
        }
        const service = written.slice(0, colon);
        if (service.toLowerCase() !== 'kms' && !service.includes('*') && !service.includes('?')) {
          ctx.report(range, `'${written}' is not a KMS action: a key policy controls only KMS operations on this key, so this entry grants or denies nothing.`);
          continue;
        }
        const guess = closestMatch(written, names);
        ctx.report(
          range,
          `'${written}' matches no KMS action, so the statement never applies to it.${guess ? ` Did you mean '${guess}'?` : ''}`,
          guess ? [{ title: `Change to '${guess}'`, isPreferred: true, edits: [{ range, newText: JSON.stringify(guess) }] }] : undefined,
        );
      }
    }
  },
};
