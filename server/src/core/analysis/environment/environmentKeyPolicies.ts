// The keys of an environment with their key policies parsed, and what each policy allows to
// whom: shared by the identity-policy and multi-Region checks.
import type { KmsCatalog } from '../../catalog/kmsCatalog';
import type { Environment, EnvironmentKey } from '../../environment/environmentModel';
import { parseKeyPolicy } from '../../policy/keyPolicyParser';
import { computePolicyFacts, type PolicyFacts } from '../policyFacts';

export interface KeyWithPolicy {
  readonly key: EnvironmentKey;
  readonly arn: string;
  /** The key's policy; KMS's default key policy (root delegation) when the environment gives none. */
  readonly facts: PolicyFacts;
  /** True when the environment gave no policy and the default applies. */
  readonly isDefaultPolicy: boolean;
}

export function keyArn(environment: Environment, key: EnvironmentKey): string {
  return `arn:${environment.partition}:kms:${key.region}:${key.account}:key/${key.keyId ?? ''}`;
}

function defaultKeyPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
  });
}

export function keysWithPolicies(environment: Environment, catalog: KmsCatalog): KeyWithPolicy[] {
  return environment.keys.map((key) => {
    const text = key.keyPolicySource?.text || (key.keyPolicy ? JSON.stringify(key.keyPolicy) : undefined);
    return {
      key,
      arn: keyArn(environment, key),
      facts: computePolicyFacts(parseKeyPolicy(text ?? defaultKeyPolicy(key.account)), catalog, key.account),
      isDefaultPolicy: text === undefined,
    };
  });
}

/** Whether the key policy lets IAM policies of `account` grant any of `actions` (an Allow to the account principal). */
export function delegatesTo(facts: PolicyFacts, account: string, actions: ReadonlySet<string>): boolean {
  return facts.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      !s.statement.notPrincipal &&
      s.principals.some((p) => p.kind === 'account' && p.account === account) &&
      [...actions].some((a) => s.coveredActions.has(a)),
  );
}

/** Principal (bare account ids as root ARNs) -> actions an Allow statement names it for. */
export function allowedByPrincipal(facts: PolicyFacts): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  for (const s of facts.statements) {
    if (s.effect !== 'Allow') continue;
    for (const p of s.principals) {
      if (p.kind === 'invalid') continue;
      const name = p.kind === 'account' && p.account ? `arn:aws:iam::${p.account}:root` : p.entry.value.value;
      let set = allowed.get(name);
      if (!set) allowed.set(name, (set = new Set()));
      for (const a of s.coveredActions) set.add(a);
    }
  }
  return allowed;
}
