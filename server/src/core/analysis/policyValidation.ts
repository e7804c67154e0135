// Runs every enabled rule over a parsed policy. A rule that throws on some odd document is
// reported as one finding instead of taking the others (or the server) down with it.
import type { KmsCatalog } from '../catalog/kmsCatalog';
import type { PolicyModel } from '../policy/policyModel';
import type { Finding } from './analysisTypes';
import { ALL_RULES } from './allRules';
import { computePolicyFacts } from './policyFacts';
import type { RuleContext } from './rule';

import type { Environment, EnvironmentKey } from '../environment/environmentModel';
import { checkMultiRegionPolicy } from './environment/multiRegionPolicyCheck';
import { checkIdentityPolicy } from './environment/identityPolicyDelegationCheck';

export interface ValidationOptions {
  /** Rule codes whose findings are dropped (`kmsPolicyStudio.disabledRules`). */
  readonly disabledRules?: readonly string[];
  /** The key's account when known (environment file); otherwise inferred from the policy. */
  readonly keyAccount?: string;
  /** The workspace environment and the key this policy belongs to, for multi-Region checks. */
  readonly environment?: Environment;
  readonly environmentKey?: EnvironmentKey;
}

export function validatePolicy(model: PolicyModel, catalog: KmsCatalog, options: ValidationOptions = {}): Finding[] {
  const disabled = new Set(options.disabledRules ?? []);
  const facts = computePolicyFacts(model, catalog, options.keyAccount);
  const findings: Finding[] = [];
  for (const rule of ALL_RULES) {
    if (disabled.has(rule.code)) continue;
    const ctx: RuleContext = {
      model,
      catalog,
      facts,
      report(range, message, fixes) {
        findings.push({ code: rule.code, severity: rule.severity, message, range, docUrl: rule.docUrl, ...(fixes?.length ? { fixes } : {}) });
      },
    };
    try {
      rule.check(ctx);
    } catch (error) {
      findings.push({
        code: rule.code,
        severity: 'hint',
        message: `The ${rule.code} check could not run on this document (${error instanceof Error ? error.message : String(error)}).`,
        range: { start: 0, end: 0 },
        docUrl: rule.docUrl,
      });
    }
  }
  if (options.environment && options.environmentKey) {
    findings.push(...checkMultiRegionPolicy(model, options.environmentKey, options.environment, catalog).filter((f) => !disabled.has(f.code)));
  }
  return sortFindings(findings);
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
}

/** An identity (IAM) policy of principals of `principalAccounts`, checked against the environment's keys. */
export function validateIdentityPolicy(
  model: PolicyModel,
  catalog: KmsCatalog,
  environment: Environment,
  principalAccounts: readonly string[],
  disabledRules: readonly string[] = [],
): Finding[] {
  const disabled = new Set(disabledRules);
  const syntax = model.syntaxProblems.map((p) => ({
    code: 'JSON_SYNTAX',
    severity: 'error' as const,
    message: `${p.message}: the policy is not valid JSON.`,
    range: p.range,
    docUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
  }));
  return sortFindings([...syntax, ...checkIdentityPolicy(model, environment, catalog, principalAccounts)].filter((f) => !disabled.has(f.code)));
}
