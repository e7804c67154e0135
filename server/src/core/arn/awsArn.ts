// Amazon Resource Names, taken apart in one place: "arn:partition:service:region:account-id:resource"
// (IAM User Guide, "IAM identifiers"). Every module that needs the account or Region of an ARN
// asks here rather than splitting on ':' itself.

export interface AwsArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth colon, e.g. `key/1234...`, `role/path/Name`, `root`. */
  readonly resource: string;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The parts of an ARN; undefined when the text is not one. */
export function parseArn(text: string): AwsArn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  return { partition: parts[1]!, service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

/** The 12-digit account of an ARN, undefined when it names none. */
export function accountOfArn(text: string): string | undefined {
  const account = parseArn(text)?.account;
  return account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;
}

/** The Region of an ARN (empty for global services such as IAM); undefined when the text is not an ARN. */
export function regionOfArn(text: string): string | undefined {
  return parseArn(text)?.region;
}

/**
 * An account written either way AWS writes it: `111122223333` or `arn:aws:iam::111122223333:root`
 * (ListGrants prints a grant's IssuingAccount as the latter). Undefined for anything else.
 */
export function accountIdOf(accountOrArn: string): string | undefined {
  if (ACCOUNT_ID.test(accountOrArn)) return accountOrArn;
  const arn = parseArn(accountOrArn);
  return arn && arn.service === 'iam' && arn.resource === 'root' && ACCOUNT_ID.test(arn.account) ? arn.account : undefined;
}

/** `arn:aws:iam::ACCOUNT:root`, the way key policies and grants name an account. */
export function accountRootArnOf(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** An IAM or STS principal ARN (`arn:aws:iam::111122223333:role/App`) or an AWS service principal (`s3.amazonaws.com`). */
const PRINCIPAL_NAME = /^(arn:aws[a-z-]*:(iam|sts)::\d{12}:.+|[a-z0-9.-]+\.amazonaws\.com(\.cn)?)$/;

/** Whether the text names a principal a policy, a grant or a request can name. */
/** What isPrincipalName accepts, in words, for the messages that refuse anything else. */
export const PRINCIPAL_NAME_FORMS = 'the ARN of an AWS account, IAM user, IAM role, federated user or assumed role user, or an AWS service principal';

export function isPrincipalName(text: string): boolean {
  return PRINCIPAL_NAME.test(text);
}

/** The account of a principal ARN (IAM or STS), undefined for service principals and other text. */
export function accountOfPrincipal(text: string): string | undefined {
  const arn = parseArn(text);
  return arn && (arn.service === 'iam' || arn.service === 'sts') ? accountOfArn(text) : undefined;
}
