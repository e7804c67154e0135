// Resolving the key the caller named: a key id, key ARN, alias name or alias ARN. A key id or
// alias name resolves in the caller's own account and Region, so another account's key can be
// used only by its ARN ("To specify a KMS key in a different AWS account, you must use its key
// ARN or alias ARN", AWS KMS API Reference, KeyId parameter).
import { parseArn } from '../arn/awsArn';
import type { ScenarioKey } from './scenario';

export type KeyResolution =
  | { readonly found: true; readonly detail: string }
  | { readonly found: false; readonly message: string; readonly detail: string };

function keyIdOf(arn: string): string {
  const at = arn.indexOf(':key/');
  return at >= 0 ? arn.slice(at + 5) : arn;
}

function aliasesOf(key: ScenarioKey): string[] {
  if (key.alias === undefined) return [];
  const list = typeof key.alias === 'string' ? [key.alias] : Array.isArray(key.alias) ? key.alias.filter((a) => typeof a === 'string') : [];
  return list.map((a) => (a.includes(':alias/') ? a.slice(a.indexOf(':alias/') + 1) : a));
}

/**
 * Resolves `given` (or, when absent, the request's resource ARN) to the scenario's key.
 * `callerAccount` and `region` are where ids and alias names resolve.
 */
export function resolveKey(key: ScenarioKey, resource: string, given: string | undefined, callerAccount: string | null, region: string): KeyResolution {
  const name = given ?? resource;
  if (name === key.arn) return { found: true, detail: `key ARN ${name}` };
  const partition = parseArn(key.arn)?.partition || 'aws';
  const named = parseArn(name);
  if (named) {
    if (named.resource.startsWith('alias/')) {
      const ok = named.region === key.region && named.account === key.account && aliasesOf(key).includes(named.resource);
      return ok
        ? { found: true, detail: `alias ARN ${name} names ${key.arn}` }
        : { found: false, message: `Alias ${name} is not found.`, detail: `no alias ${named.resource} for this key in ${named.account} ${named.region}` };
    }
    if (name === key.arn) return { found: true, detail: `key ARN ${name}` };
    return { found: false, message: `Key '${name}' does not exist`, detail: `${name} is not the key ${key.arn}` };
  }
  const account = callerAccount ?? key.account;
  if (name.startsWith('alias/')) {
    const arn = `arn:${partition}:kms:${region}:${account}:${name}`;
    const ok = account === key.account && region === key.region && aliasesOf(key).includes(name);
    return ok
      ? { found: true, detail: `${name} resolves in ${account} ${region} to ${key.arn}` }
      : { found: false, message: `Alias ${arn} is not found.`, detail: `${name} resolves in the caller's account ${account} and Region ${region}, where this key has no such alias` };
  }
  const arn = `arn:${partition}:kms:${region}:${account}:key/${name}`;
  if (arn === key.arn) return { found: true, detail: `key id ${name} resolves in ${account} ${region} to ${key.arn}` };
  if (name === keyIdOf(key.arn)) {
    return { found: false, message: `Key '${arn}' does not exist`, detail: `a key id resolves in the caller's account ${account} and Region ${region}; this key is in ${key.account} ${key.region} (use its key ARN)` };
  }
  return { found: false, message: `Key '${arn}' does not exist`, detail: `${name} is not this key's id` };
}
