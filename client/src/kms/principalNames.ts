// Short names for principal ARNs, as the status bar and the explorer show them.
import { parseArn } from '../../../server/src/core/arn/awsArn';

/** `root`, `KeyAdmin`, `alice`, `AppRole/session`... from an IAM or STS ARN. */
export function shortPrincipal(arn: string): string {
  if (arn.endsWith(':root')) return 'root';
  const resource = parseArn(arn)?.resource ?? '';
  return resource.replace(/^(user|role|assumed-role|federated-user)\//, '') || arn;
}
