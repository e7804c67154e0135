// What a workspace file is to the environment: the key policy of a key (keyPolicyFile) or an
// identity policy of some principals (identityPolicies[].policyFile). Paths are relative to
// the environment file's folder, as the environment file writes them.
import { accountOfArn } from '../../arn/awsArn';
import type { Environment, EnvironmentKey } from '../../environment/environmentModel';

export type EnvironmentDocumentRole =
  | { readonly kind: 'keyPolicy'; readonly key: EnvironmentKey }
  | { readonly kind: 'identityPolicy'; readonly principalAccounts: readonly string[] };

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length && parts.at(-1) !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

export function documentRoleInEnvironment(environment: Environment, relativePath: string): EnvironmentDocumentRole | undefined {
  const path = normalize(relativePath);
  const key = environment.keys.find((k) => k.keyPolicySource && normalize(k.keyPolicySource.path) === path);
  if (key) return { kind: 'keyPolicy', key };
  const accounts = environment.principals
    .filter((p) => (p.identityPolicySources ?? []).some((s) => s.path !== undefined && normalize(s.path) === path))
    .map((p) => accountOfArn(p.arn))
    .filter((a): a is string => a !== undefined);
  return accounts.length ? { kind: 'identityPolicy', principalAccounts: [...new Set(accounts)] } : undefined;
}
