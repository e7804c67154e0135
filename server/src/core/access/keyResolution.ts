// Resolving the key the caller named: a key id, key ARN, alias name or alias ARN. A key id or
// alias name resolves in the caller's own account and Region, so another account's key can be
// used only by its ARN ("To specify a KMS key in a different AWS account, you must use its key
// ARN or alias ARN", AWS KMS API Reference, KeyId parameter).
import { parseArn } from '../arn/awsArn';
import { locateKeyReference } from '../arn/kmsKeyReference';
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
 * Resolves `given` (or, when absent, the request's resource ARN) to the scenario's key, reading
 * it with locateKeyReference() as the engine does. `callerAccount` and `region` are where ids
 * and alias names resolve.
 */
export function resolveScenarioKey(key: ScenarioKey, resource: string, given: string | undefined, callerAccount: string | null, region: string): KeyResolution {
  const name = given ?? resource;
  const account = callerAccount ?? key.account;
  const partition = parseArn(key.arn)?.partition || 'aws';
  const reading = locateKeyReference(name, { partition, region, account });
  if (!reading.ok) return { found: false, message: reading.message, detail: `${name} is not a key id, key ARN, alias name or alias ARN of Region ${region}` };
  const reference = reading.reference;
  const missing = (detail: string): KeyResolution => ({ found: false, message: reference.notFoundMessage, detail });
  if (reference.form === 'aliasName' || reference.form === 'aliasArn') {
    const here = reference.account === key.account && reference.region === key.region;
    if (here && aliasesOf(key).includes(reference.name)) {
      return { found: true, detail: reference.form === 'aliasArn' ? `alias ARN ${name} names ${key.arn}` : `${name} resolves in ${account} ${region} to ${key.arn}` };
    }
    return missing(
      reference.form === 'aliasArn'
        ? `no alias ${reference.name} for this key in ${reference.account} ${reference.region}`
        : `${name} resolves in the caller's account ${account} and Region ${region}, where this key has no such alias`,
    );
  }
  if (reference.arn === key.arn) return { found: true, detail: reference.form === 'keyArn' ? `key ARN ${name}` : `key id ${name} resolves in ${account} ${region} to ${key.arn}` };
  if (reference.form === 'keyId' && name === keyIdOf(key.arn)) {
    return missing(`a key id resolves in the caller's account ${account} and Region ${region}; this key is in ${key.account} ${key.region} (use its key ARN)`);
  }
  return missing(reference.form === 'keyArn' ? `${name} is not the key ${key.arn}` : `${name} is not this key's id`);
}
