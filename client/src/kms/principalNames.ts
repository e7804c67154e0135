// Short names for principal ARNs, as the status bar and the explorer show them.

/** `root`, `KeyAdmin`, `alice`, `AppRole/session`... from an IAM or STS ARN. */
export function shortPrincipal(arn: string): string {
  if (arn.endsWith(':root')) return 'root';
  const resource = arn.split(':').slice(5).join(':');
  return resource.replace(/^(user|role|assumed-role|federated-user)\//, '') || arn;
}
