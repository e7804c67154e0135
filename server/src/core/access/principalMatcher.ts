// Does a Principal element name the caller, and how? The answer decides more than a match in
// KMS: a key policy naming the caller's *account* only delegates to IAM, while naming the
// caller itself allows on its own.
import type { CallerIdentity } from './callerIdentity';
import type { PrincipalSpec } from './policyDocument';

/** `direct`: the caller itself; `account`: its account (delegation); `wildcard`: `*`; `service`. */
export type PrincipalMatchKind = 'direct' | 'account' | 'wildcard' | 'service';

export interface PrincipalMatch {
  readonly kind: PrincipalMatchKind;
  /** The entry of the Principal element that matched. */
  readonly entry: string;
  /** True when the entry names the session itself (or the user), so boundaries and session policies do not limit it. */
  readonly namesSessionOrUser: boolean;
}

const ACCOUNT_ID = /^\d{12}$/;

function matchAwsEntry(entry: string, caller: CallerIdentity): PrincipalMatch | undefined {
  if (entry === '*') return { kind: 'wildcard', entry, namesSessionOrUser: false };
  if (!caller.account) return undefined;
  // "arn:aws:iam::111122223333:root" and "111122223333" both name the account.
  if (ACCOUNT_ID.test(entry)) {
    return entry === caller.account ? { kind: 'account', entry, namesSessionOrUser: false } : undefined;
  }
  if (entry === caller.accountRootArn) {
    // The root user is the account: a statement naming the account allows the root user directly.
    return caller.kind === 'root'
      ? { kind: 'direct', entry, namesSessionOrUser: true }
      : { kind: 'account', entry, namesSessionOrUser: false };
  }
  if (entry === caller.arn) {
    return { kind: 'direct', entry, namesSessionOrUser: caller.kind !== 'role' };
  }
  if (caller.kind === 'assumed-role' && caller.roleName) {
    // A role ARN (with any path) names every session of the role.
    if (entry.startsWith(caller.rolePrefix) && entry.slice(entry.lastIndexOf('/') + 1) === caller.roleName) {
      return { kind: 'direct', entry, namesSessionOrUser: false };
    }
  }
  return undefined;
}

/** The first entry of `spec` that names the caller, or undefined. */
export function matchPrincipal(spec: PrincipalSpec, caller: CallerIdentity): PrincipalMatch | undefined {
  if (spec.wildcard) return { kind: 'wildcard', entry: '*', namesSessionOrUser: false };
  let accountMatch: PrincipalMatch | undefined;
  for (const entry of spec.aws) {
    const match = matchAwsEntry(entry, caller);
    if (match && match.kind !== 'account') return match;
    accountMatch ??= match;
  }
  if (accountMatch) return accountMatch;
  if (caller.kind === 'service' && caller.serviceName) {
    for (const entry of spec.service) {
      if (entry === '*' || entry.toLowerCase() === caller.serviceName.toLowerCase()) {
        return { kind: 'service', entry, namesSessionOrUser: true };
      }
    }
  }
  if (caller.kind === 'federated-user' || caller.kind === 'unknown') {
    for (const entry of spec.federated) {
      if (entry === caller.arn) return { kind: 'direct', entry, namesSessionOrUser: true };
    }
  }
  return undefined;
}

/** Every entry of the element, for the trace. */
export function describePrincipal(spec: PrincipalSpec): string {
  if (spec.wildcard) return '*';
  return [...spec.aws, ...spec.service, ...spec.federated, ...spec.canonicalUser].join(', ') || '(none)';
}
