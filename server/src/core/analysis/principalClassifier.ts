// Classifies each principal value of a key policy: who it names, which account it belongs
// to, and what is wrong with it. Follows the IAM Principal element reference:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
import { accountOfArn } from '../arn/awsArn';
import type { PrincipalEntry } from '../policy/policyModel';

export type PrincipalKind =
  | 'wildcard'
  | 'account'
  | 'user'
  | 'role'
  | 'assumedRole'
  | 'federatedUser'
  | 'service'
  | 'federated'
  | 'canonicalUser'
  | 'invalid';

export interface ClassifiedPrincipal {
  readonly entry: PrincipalEntry;
  readonly kind: PrincipalKind;
  /** The 12-digit account the principal belongs to, when it names one. */
  readonly account?: string;
  /** Why the value is not a valid principal (kind `invalid`). */
  readonly problem?: string;
}

const ACCOUNT_ID = /^\d{12}$/;
const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/;
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-eusc', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f']);
const UNIQUE_ID = /^(AIDA|AROA|AIPA|ANPA|ANVA|ASIA|AKIA|AGPA)[A-Z0-9]{12,}$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const WEB_IDENTITY_PROVIDERS = new Set(['cognito-identity.amazonaws.com', 'www.amazon.com', 'graph.facebook.com', 'accounts.google.com']);
const PLACEHOLDER = /[<>{}]|\$\{|ACCOUNT[_-]?ID|ACCOUNT[_-]?NUMBER|YOUR[_-]|REPLACE|PLACEHOLDER|XXXX/i;

export function looksLikePlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

function invalid(entry: PrincipalEntry, problem: string): ClassifiedPrincipal {
  return { entry, kind: 'invalid', problem };
}

function classifyAws(entry: PrincipalEntry, value: string): ClassifiedPrincipal {
  if (value === '*') return { entry, kind: 'wildcard' };
  if (ACCOUNT_ID.test(value)) return { entry, kind: 'account', account: value };
  if (/^\d+$/.test(value)) return invalid(entry, `'${value}' is not a 12-digit AWS account ID.`);
  if (UNIQUE_ID.test(value)) {
    return invalid(entry, `'${value}' is a unique ID, which a key policy shows when the principal it named was deleted; KMS rejects a policy that contains it.`);
  }
  if (looksLikePlaceholder(value)) return invalid(entry, `'${value}' is a placeholder, not a principal.`);
  const arn = ARN.exec(value);
  if (!arn) return invalid(entry, `'${value}' is neither an ARN, a 12-digit account ID nor "*".`);
  const [, partition, service, region, account, resource] = arn as unknown as [string, string, string, string, string, string];
  if (value.includes('*') || value.includes('?')) {
    return invalid(entry, `'${value}' has a wildcard: the Principal element accepts "*" alone, never a partial wildcard. Use "*" with an aws:PrincipalArn condition instead.`);
  }
  if (!PARTITIONS.has(partition)) return invalid(entry, `'${partition}' is not an AWS partition.`);
  if (service !== 'iam' && service !== 'sts') return invalid(entry, `'${value}' is not an IAM or STS principal ARN.`);
  if (region !== '') return invalid(entry, `IAM principal ARNs have no Region, but '${value}' has '${region}'.`);
  if (!ACCOUNT_ID.test(account)) return invalid(entry, `'${account}' in '${value}' is not a 12-digit AWS account ID.`);
  if (service === 'iam') {
    if (resource === 'root') return { entry, kind: 'account', account };
    if (/^user\/(.+\/)?[\w+=,.@-]+$/.test(resource)) return { entry, kind: 'user', account };
    if (/^role\/(.+\/)?[\w+=,.@-]+$/.test(resource)) return { entry, kind: 'role', account };
    if (resource.startsWith('group/')) return invalid(entry, `IAM groups can't be principals: '${value}' names a group. Name its users or a role instead.`);
    return invalid(entry, `'${resource}' is not root, user/NAME or role/NAME.`);
  }
  if (/^assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/.test(resource)) return { entry, kind: 'assumedRole', account };
  if (/^federated-user\/[\w+=,.@-]+$/.test(resource)) return { entry, kind: 'federatedUser', account };
  return invalid(entry, `'${resource}' is not assumed-role/ROLE/SESSION or federated-user/NAME.`);
}

export function classifyPrincipal(entry: PrincipalEntry): ClassifiedPrincipal {
  const value = entry.value.value;
  switch (entry.type) {
    case '*':
      return value === '*' ? { entry, kind: 'wildcard' } : invalid(entry, `A Principal given as a string must be "*"; write {"AWS": "${value}"} instead.`);
    case 'AWS':
      return classifyAws(entry, value);
    case 'Service':
      if (value === '*') return { entry, kind: 'wildcard' };
      if (SERVICE_PRINCIPAL.test(value)) return { entry, kind: 'service' };
      return invalid(entry, `'${value}' is not a service principal such as 'logs.amazonaws.com'.`);
    case 'Federated':
      if (WEB_IDENTITY_PROVIDERS.has(value)) return { entry, kind: 'federated' };
      if (/^arn:[\w-]+:iam::\d{12}:(saml-provider|oidc-provider)\/\S+$/.test(value)) {
        return { entry, kind: 'federated', account: accountOfArn(value) };
      }
      return invalid(entry, `'${value}' is not a SAML or OIDC provider ARN nor a known web identity provider.`);
    case 'CanonicalUser':
      return /^[0-9a-f]{64}$/.test(value) ? { entry, kind: 'canonicalUser' } : invalid(entry, `'${value}' is not a 64-hex-digit canonical user ID.`);
  }
}
