// The AccessDeniedException message in AWS's format, naming the principal, the action, the key
// and the kind of policy that denied or failed to allow (IAM User Guide, "Troubleshoot access
// denied error messages"): `User: ARN is not authorized to perform: kms:Decrypt on resource:
// KEY-ARN because no resource-based policy allows the kms:Decrypt action`.

export type DenyingPolicyType =
  | 'resource-based policy'
  | 'identity-based policy'
  | 'permissions boundary'
  | 'session policy'
  | 'service control policy'
  | 'resource control policy';

export interface AccessDeniedDetail {
  readonly principal: string;
  readonly action: string;
  /** The key ARN; undefined for a Decrypt whose key came from the ciphertext. */
  readonly resource?: string;
  readonly explicit: boolean;
  readonly policyType: DenyingPolicyType;
}

function article(policyType: DenyingPolicyType): string {
  return policyType === 'identity-based policy' ? 'an' : 'a';
}

export function accessDeniedMessage(detail: AccessDeniedDetail): string {
  const target = detail.resource ? `on resource: ${detail.resource}` : 'on the resource associated with this ciphertext';
  const head = `User: ${detail.principal} is not authorized to perform: ${detail.action} ${target}`;
  return detail.explicit
    ? `${head} with an explicit deny in ${article(detail.policyType)} ${detail.policyType}`
    : `${head} because no ${detail.policyType} allows the ${detail.action} action`;
}
