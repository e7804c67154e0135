import { parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import type { Rule } from '../rule';

export const setOperatorOnSingleValuedKeyRule: Rule = {
  code: 'SET_OPERATOR_ON_SINGLE_VALUED_KEY',
  severity: 'warning',
  docUrl: DOCS.multivaluedKeys,
  awsSays:
    'Use ForAllValues and ForAnyValue only with multivalued context keys ... ForAllValues returns true if there are no context keys in the request ... Using ForAllValues with an Allow effect can be overly permissive.',
  check(ctx) {
    for (const facts of ctx.facts.statements) {
      for (const c of facts.statement.condition ?? []) {
        const parsed = parseConditionOperator(c.operator.value);
        if (!parsed.setOperator || !parsed.base) continue;
        const info = ctx.catalog.conditionKey(c.key.value);
        if (!info || info.type === 'ArrayOfString') continue;
        const absent =
          parsed.setOperator === 'ForAllValues'
            ? facts.effect === 'Allow'
              ? ` It is also true when '${c.key.value}' is absent, so this statement allows requests without it${c.key.value.toLowerCase().startsWith('kms:encryptioncontext:') ? ' (with no encryption context at all)' : ''}.`
              : ` It is also true when '${c.key.value}' is absent.`
            : '';
        const plain = `${parsed.baseName}${parsed.ifExists ? 'IfExists' : ''}`;
        ctx.report(
          c.operator.range,
          `'${c.key.value}' is single-valued: ${parsed.setOperator} is meant for multivalued keys.${absent} Use '${plain}'.`,
          [{ title: `Change to '${plain}'`, isPreferred: true, edits: [{ range: c.operator.range, newText: JSON.stringify(plain) }] }],
        );
      }
    }
  },
};
