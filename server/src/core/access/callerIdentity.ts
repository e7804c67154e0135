// Who is calling, read from the caller's ARN: its kind, account and the names the request
// context and principal matching need (role of a session, user name, service name).
import { parseArn } from '../arn/awsArn';

export type CallerKind = 'root' | 'user' | 'role' | 'assumed-role' | 'federated-user' | 'service' | 'anonymous' | 'unknown';

export interface CallerIdentity {
  readonly arn: string;
  readonly kind: CallerKind;
  readonly partition: string;
  /** null for service principals and anonymous callers. */
  readonly account: string | null;
  /** The role's ARN (without path) for sessions; the caller's own ARN otherwise. */
  readonly principalArn: string;
  readonly userName?: string;
  readonly roleName?: string;
  readonly sessionName?: string;
  readonly serviceName?: string;
  /** `arn:aws:iam::ACCOUNT:root` of the caller's account (empty without an account), for principal matching. */
  readonly accountRootArn: string;
  /** `arn:aws:iam::ACCOUNT:role/` of the caller's account, for matching role ARNs with paths. */
  readonly rolePrefix: string;
  /** The value of aws:PrincipalType. */
  readonly principalType: 'Account' | 'User' | 'AssumedRole' | 'FederatedUser' | 'AWSService' | 'Anonymous' | 'Unknown';
}

const cache = new Map<string, CallerIdentity>();

function parse(arn: string): Omit<CallerIdentity, 'accountRootArn' | 'rolePrefix'> {
  const base = { arn, partition: 'aws', principalArn: arn };
  if (arn === '*' || arn === 'anonymous') {
    return { ...base, kind: 'anonymous', account: null, principalType: 'Anonymous' };
  }
  if (!arn.startsWith('arn:')) {
    if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(arn)) {
      return { ...base, kind: 'service', account: null, serviceName: arn, principalType: 'AWSService' };
    }
    return { ...base, kind: 'unknown', account: null, principalType: 'Unknown' };
  }
  const parts = parseArn(arn);
  const partition = parts?.partition ?? 'aws';
  const service = parts?.service;
  const account = parts?.account || null;
  const resource = parts?.resource ?? '';
  const slash = resource.split('/');
  if (service === 'iam' && resource === 'root') {
    return { ...base, partition, kind: 'root', account, principalType: 'Account' };
  }
  if (service === 'iam' && slash[0] === 'user' && slash.length >= 2) {
    return { ...base, partition, kind: 'user', account, userName: slash[slash.length - 1], principalType: 'User' };
  }
  if (service === 'iam' && slash[0] === 'role' && slash.length >= 2) {
    return { ...base, partition, kind: 'role', account, roleName: slash[slash.length - 1], principalType: 'AssumedRole' };
  }
  if (service === 'sts' && slash[0] === 'assumed-role' && slash.length >= 3) {
    const roleName = slash[1];
    return {
      ...base,
      partition,
      kind: 'assumed-role',
      account,
      roleName,
      sessionName: slash.slice(2).join('/'),
      principalArn: `arn:${partition}:iam::${account ?? ''}:role/${roleName}`,
      principalType: 'AssumedRole',
    };
  }
  if (service === 'sts' && slash[0] === 'federated-user' && slash.length >= 2) {
    return { ...base, partition, kind: 'federated-user', account, userName: slash[1], principalType: 'FederatedUser' };
  }
  return { ...base, partition, kind: 'unknown', account, principalType: 'Unknown' };
}

export function parseCaller(arn: string): CallerIdentity {
  let identity = cache.get(arn);
  if (!identity) {
    const parsed = parse(arn) as Omit<CallerIdentity, 'accountRootArn' | 'rolePrefix'>;
    identity = {
      ...parsed,
      accountRootArn: parsed.account ? `arn:${parsed.partition}:iam::${parsed.account}:root` : '',
      rolePrefix: parsed.account ? `arn:${parsed.partition}:iam::${parsed.account}:role/` : '',
    };
    if (cache.size > 1024) cache.clear();
    cache.set(arn, identity);
  }
  return identity;
}

/** The account-root ARN of an account, as key policies name accounts. */
export function accountRootArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:root`;
}
