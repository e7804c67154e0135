// Grants: the third path to a KMS key, next to the key policy and IAM. A grant allows its
// grantee the listed operations when its encryption-context constraints fit; it never denies
// (AWS KMS Developer Guide, "Grants in AWS KMS": grants allow, they cannot deny).
import type { CallerIdentity } from './callerIdentity';
import type { GrantTrace } from './simulationResult';
import type { GrantConstraints, ScenarioGrant, ScenarioRequest } from './scenario';


/**
 * Operations that take an encryption context; encryption-context grant constraints restrict only
 * these (AWS KMS Developer Guide, "Grant constraints"); other grant operations are unaffected.
 */
const EC_OPERATIONS: ReadonlySet<string> = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
]);

function includesPairs(outer: Readonly<Record<string, string>> | undefined, inner: Readonly<Record<string, string>>): boolean {
  return !!outer && Object.keys(inner).every((k) => outer[k] === inner[k]);
}

/**
 * "The grant constraints in child grants must be equally restrictive or more restrictive than
 * those in the parent grant" (AWS KMS Developer Guide, "Granting CreateGrant permission").
 */
function childConstraintProblem(parent: GrantConstraints | null | undefined, child: GrantConstraints | null | undefined): string | undefined {
  if (!parent) return undefined;
  if (parent.encryptionContextEquals) {
    const want = parent.encryptionContextEquals;
    const got = child?.encryptionContextEquals;
    const same = !!got && Object.keys(got).length === Object.keys(want).length && includesPairs(got, want);
    if (!same) return `the new grant must keep this grant's EncryptionContextEquals ${JSON.stringify(want)}`;
  }
  if (parent.encryptionContextSubset) {
    const want = parent.encryptionContextSubset;
    if (!includesPairs(child?.encryptionContextEquals, want) && !includesPairs(child?.encryptionContextSubset, want)) {
      return `the new grant must be constrained to at least this grant's EncryptionContextSubset ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

export type GranteeMatch = 'direct' | 'account';

export interface GrantMatch {
  readonly grant: ScenarioGrant;
  readonly grantee: GranteeMatch;
}

export interface GrantEvaluation {
  readonly traces: GrantTrace[];
  readonly matches: GrantMatch[];
}

/** Does the grantee name the caller (directly) or the caller's account (delegation to IAM)? */
export function matchGrantee(grantee: string, caller: CallerIdentity): GranteeMatch | undefined {
  if (typeof grantee !== 'string') return undefined;
  if (grantee === caller.arn) return 'direct';
  if (caller.kind === 'service' && caller.serviceName && grantee.toLowerCase() === caller.serviceName.toLowerCase()) return 'direct';
  if (caller.kind === 'assumed-role' && grantee === caller.principalArn) return 'direct';
  if (caller.kind === 'assumed-role' && caller.roleName && caller.account) {
    if (grantee.startsWith(caller.rolePrefix) && grantee.slice(grantee.lastIndexOf('/') + 1) === caller.roleName) return 'direct';
  }
  if (caller.account && grantee === caller.accountRootArn) {
    return caller.kind === 'root' ? 'direct' : 'account';
  }
  return undefined;
}

function constraintProblem(constraints: GrantConstraints | null | undefined, context: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!constraints) return undefined;
  const ec = context ?? {};
  if (constraints.encryptionContextEquals) {
    const want = constraints.encryptionContextEquals;
    const wantKeys = Object.keys(want);
    const haveKeys = Object.keys(ec);
    // EncryptionContextEquals: the request's encryption context must be exactly this one, case-sensitive.
    if (wantKeys.length !== haveKeys.length || wantKeys.some((k) => ec[k] !== want[k])) {
      return `EncryptionContextEquals ${JSON.stringify(want)} differs from the request's encryption context ${JSON.stringify(ec)}`;
    }
  }
  if (constraints.encryptionContextSubset) {
    const want = constraints.encryptionContextSubset;
    const missing = Object.keys(want).filter((k) => ec[k] !== want[k]);
    if (missing.length) {
      return `EncryptionContextSubset ${JSON.stringify(want)} is not contained in the request's encryption context ${JSON.stringify(ec)} (missing or different: ${missing.join(', ')})`;
    }
  }
  return undefined;
}

/** Evaluates every grant of the key for the request; returns the traces and the grants that allow it. */
export function evaluateGrants(
  grants: readonly ScenarioGrant[],
  keyArn: string,
  operation: string,
  request: ScenarioRequest,
  caller: CallerIdentity,
): GrantEvaluation {
  const traces: GrantTrace[] = [];
  const matches: GrantMatch[] = [];
  for (const grant of grants) {
    const id = typeof grant?.grantId === 'string' ? grant.grantId : '(grant without id)';
    const reason = ((): string | GranteeMatch => {
      if (!grant || typeof grant !== 'object' || !Array.isArray(grant.operations) || typeof grant.granteePrincipal !== 'string') return 'the grant is malformed';
      if (grant.keyArn !== keyArn) return `the grant is for ${grant.keyArn}, not this key`;
      const grantee = matchGrantee(grant.granteePrincipal, caller);
      if (!grantee) return `grantee ${grant.granteePrincipal} is not the caller`;
      if (!grant.operations.includes(operation)) return `operations [${grant.operations.join(', ')}] do not include ${operation}`;
      if (grant.grantToken && !(request.grantTokens ?? []).includes(grant.grantToken)) {
        return 'the grant is not yet in effect everywhere and the request does not carry its grant token';
      }
      if (EC_OPERATIONS.has(operation)) {
        const problem = constraintProblem(grant.constraints, request.encryptionContext);
        if (problem) return problem;
      }
      if (operation === 'CreateGrant' && request.grant) {
        // A grantee with CreateGrant can pass on only the operations of its own grant, no less constrained.
        const extra = request.grant.operations.filter((op) => !grant.operations.includes(op));
        if (extra.length) return `a grant with CreateGrant may only pass on its own operations; ${extra.join(', ')} are not in it`;
        const problem = childConstraintProblem(grant.constraints, request.grant.constraints);
        if (problem) return problem;
      }
      return grantee;
    })();
    if (reason === 'direct' || reason === 'account') {
      traces.push({ grantId: id, matched: true, reason: reason === 'account' ? 'the grantee is the caller\'s account: an IAM policy must allow too' : undefined });
      matches.push({ grant, grantee: reason });
    } else {
      traces.push({ grantId: id, matched: false, reason });
    }
  }
  return { traces, matches };
}
