import { DOCS } from '../../catalog/kmsCuratedFacts';
import { parseConditionOperator } from '../../catalog/conditionOperators';
import type { Rule } from '../rule';

const VIA_SERVICE = /^[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * A StringLike pattern fits when it can match some endpoint name: only endpoint characters,
 * and either ending in the AWS domain or leaving the end to a wildcard (`*.amazonaws.com`,
 * `ec2.*.amazonaws.com`, `ec2.*`).
 */
function couldMatchEndpoint(pattern: string): boolean {
  if (!/^[a-z0-9.*?-]+$/.test(pattern)) return false;
  return /\.amazonaws\.com(\.cn)?$/.test(pattern) || /\*$/.test(pattern);
}

export const viaServiceFormatRule: Rule = {
  code: 'KMS_VIA_SERVICE_FORMAT',
  severity: 'warning',
  docUrl: DOCS.viaService,
  awsSays: 'The value of kms:ViaService is the service endpoint name in the format SERVICE_NAME.REGION.amazonaws.com, for example ec2.us-west-2.amazonaws.com.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      for (const c of s.condition ?? []) {
        if (c.key.value.toLowerCase() !== 'kms:viaservice') continue;
        const like = /like/i.test(parseConditionOperator(c.operator.value).baseName);
        for (const v of c.values) {
          if (typeof v.value !== 'string') continue;
          const value = v.value;
          if (value.includes('${')) continue;
          const shaped = like && /[*?]/.test(value) ? couldMatchEndpoint(value) : VIA_SERVICE.test(value);
          if (shaped) continue;
          const hint = /^[a-z0-9-]+\.amazonaws\.com$/.test(value)
            ? ` Include the Region: '${value.replace('.amazonaws.com', '.REGION.amazonaws.com')}' (e.g. ${value.replace('.amazonaws.com', '.us-east-1.amazonaws.com')}).`
            : /[*?]/.test(value) && !like ? ' Wildcards need StringLike.' : '';
          ctx.report(v.range, `'${value}' is not a service endpoint name (SERVICE.REGION.amazonaws.com): kms:ViaService never equals it, so this condition never matches.${hint}`);
        }
      }
    }
  },
};
