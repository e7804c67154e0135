import { parseConditionOperator } from '../../catalog/conditionOperators';
import { DOCS } from '../../catalog/kmsCuratedFacts';
import { familyFitsKeyType, valueProblem } from '../conditionValueFormats';
import type { Rule } from '../rule';

const FAMILY_FOR_TYPE: Readonly<Record<string, string>> = {
  String: 'String', ArrayOfString: 'String (with ForAnyValue/ForAllValues)', ARN: 'Arn or String', Numeric: 'Numeric', Date: 'Date', Bool: 'Bool', IPAddress: 'IpAddress', Binary: 'BinaryEquals',
};

export const conditionValueTypeMismatchRule: Rule = {
  code: 'CONDITION_VALUE_TYPE_MISMATCH',
  severity: 'warning',
  docUrl: DOCS.conditionOperators,
  awsSays: 'The condition operator that you choose must match the type of the condition key and its values (string, numeric, date, Boolean, binary, IP address, ARN).',
  check(ctx) {
    for (const s of ctx.model.statements) {
      for (const c of s.condition ?? []) {
        const parsed = parseConditionOperator(c.operator.value);
        if (!parsed.base) continue;
        const family = parsed.base.family;
        const info = ctx.catalog.conditionKey(c.key.value);
        if (info && !familyFitsKeyType(family, info.type)) {
          ctx.report(c.operator.range, `${parsed.base.name} compares ${family === 'Arn' ? 'ARNs' : family.toLowerCase() + ' values'}, but '${c.key.value}' is of type ${info.type}: the condition never matches. Use a ${FAMILY_FOR_TYPE[info.type] ?? info.type} operator.`);
          continue;
        }
        for (const v of c.values) {
          const problem = valueProblem(family, v.value);
          if (problem) ctx.report(v.range, `${problem}, so ${parsed.base.name} can never match it.`);
        }
      }
    }
  },
};
