// Wildcard matching for actions, resources and String/ArnLike conditions: `*` matches any run
// of characters and `?` exactly one, by the catalog's linear-time matcher (never a RegExp built
// from policy text). U+E000 and U+E001 stand for a literal `*` and `?` (from the policy
// variables `${*}` and `${?}`).
import { wildcardMatches } from '../catalog/wildcardMatch';

/** True when `value` matches `pattern` with `*` and `?` wildcards. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('\uE000') < 0 && pattern.indexOf('\uE001') < 0) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return wildcardMatches(pattern, value, ignoreCase);
}

/**
 * Action names are case-insensitive: "kms:decrypt" and "KMS:Decrypt" name the same action
 * (IAM User Guide, "IAM JSON policy elements: Action": "action names are not case sensitive").
 */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}

/**
 * ARN matching component by component, as ArnLike and the Resource element do: each of the six
 * colon-separated parts must match its counterpart, and a wildcard does not span parts except
 * in the final resource part (which may itself contain colons).
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (!patternParts || !arnParts) return wildcardMatch(pattern, arn);
  for (let i = 0; i < 6; i++) {
    if (!wildcardMatch(patternParts[i], arnParts[i])) return false;
  }
  return true;
}

/** Splits an ARN into its six parts (`arn`, partition, service, region, account, resource). */
export function splitArn(arn: string): [string, string, string, string, string, string] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', from);
    if (colon < 0) return undefined;
    parts.push(arn.slice(from, colon));
    from = colon + 1;
  }
  parts.push(arn.slice(from));
  return parts as [string, string, string, string, string, string];
}
