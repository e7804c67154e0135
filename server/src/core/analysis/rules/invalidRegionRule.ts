import { regionOfArn } from '../../arn/awsArn';
import { AWS_REGIONS, DOCS, isKnownRegion, REGION_VALUED_KEYS } from '../../catalog/kmsCuratedFacts';
import { wildcardMatches } from '../../catalog/wildcardMatch';
import type { Located, SourceRange } from '../../policy/policyModel';
import { closestMatch } from '../didYouMean';
import type { Rule, RuleContext } from '../rule';

function regionValid(region: string): boolean {
  if (/[*?]/.test(region)) return AWS_REGIONS.some((r) => wildcardMatches(region, r));
  return isKnownRegion(region) || region.includes('${');
}

function reportRegion(ctx: RuleContext, region: string, range: SourceRange, where: string): void {
  const guess = /[*?]/.test(region) ? undefined : closestMatch(region, AWS_REGIONS);
  const written = ctx.model.text.slice(range.start, range.end);
  const fixed = guess ? written.replace(region, guess) : undefined;
  ctx.report(
    range,
    `'${region}' is not an AWS Region, so ${where} never matches a request.${guess ? ` Did you mean '${guess}'?` : ''}`,
    fixed && fixed !== written ? [{ title: `Change the Region to '${guess}'`, isPreferred: true, edits: [{ range, newText: fixed }] }] : undefined,
  );
}

function checkArn(ctx: RuleContext, value: Located<string | number | boolean>): void {
  if (typeof value.value !== 'string' || !value.value.startsWith('arn:')) return;
  const region = regionOfArn(value.value);
  if (region && !regionValid(region)) reportRegion(ctx, region, value.range, 'this ARN');
}

export const invalidRegionRule: Rule = {
  code: 'KMS_INVALID_REGION',
  severity: 'warning',
  docUrl: DOCS.multiRegion,
  awsSays: 'kms:ReplicaRegion, kms:PrimaryRegion and kms:ViaService compare AWS Region codes (for example us-east-1) as they appear in requests and service endpoints.',
  check(ctx) {
    for (const s of ctx.model.statements) {
      for (const r of s.resource ?? []) checkArn(ctx, r);
      for (const c of s.condition ?? []) {
        const key = c.key.value.toLowerCase();
        for (const v of c.values) {
          if (typeof v.value !== 'string') continue;
          if (REGION_VALUED_KEYS.has(key)) {
            if (!regionValid(v.value)) reportRegion(ctx, v.value, v.range, `this ${c.key.value} value`);
          } else if (key === 'kms:viaservice') {
            const m = /^[^.]+\.([^.]+)\.amazonaws\.com(\.cn)?$/.exec(v.value);
            if (m && !regionValid(m[1]!)) reportRegion(ctx, m[1]!, v.range, 'this kms:ViaService value');
          } else {
            checkArn(ctx, v);
          }
        }
      }
    }
  },
};
