// Key ids, ARNs and aliases: making them and resolving what a caller wrote (id, key ARN, alias
// name, alias ARN) to a key, with the NotFoundException texts AWS gives for each form.
import { untracked } from './stateTracking';
import { randomBytes, randomUUID } from 'node:crypto';
import { aliasNotFound, invalidKeyId, keyDoesNotExist, notFound } from './engineErrors';
import { aliasStoreKey, keyStoreKey, type EngineState, type KeyRecord } from './engineState';
import { isKeyId, parseKmsArn } from '../arn/kmsKeyReference';
import { kmsAliasArn, kmsKeyArn } from '../arn/kmsKeyReference';

export function newKeyId(multiRegion: boolean): string {
  return multiRegion ? `mrk-${randomBytes(16).toString('hex')}` : randomUUID();
}

export function newMaterialId(): string {
  return randomBytes(32).toString('hex');
}

export const keyArnOf = kmsKeyArn;
export const aliasArnOf = kmsAliasArn;

export interface ResolveScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export interface ResolvedKey {
  readonly key: KeyRecord;
  /** The alias the caller named, when they named one (for kms:RequestAlias). */
  readonly viaAlias?: string;
}

/**
 * Finds the key a caller means. Bare ids and alias names refer to the caller's account and
 * Region; ARNs name their own account, and must name the Region the request was sent to.
 */
export function resolveKey(state: EngineState, given: string, scope: ResolveScope, options: { allowAlias: boolean } = { allowAlias: true }): ResolvedKey {
  if (given.startsWith('arn:')) {
    const arn = parseKmsArn(given);
    if (!arn) throw notFound(`Invalid arn ${given}`);
    if (arn.region !== scope.region) throw notFound(`Invalid arn ${arn.region}`);
    if (arn.resourceType === 'alias') {
      if (!options.allowAlias) throw invalidKeyId(given);
      return viaAlias(state, `alias/${arn.resource}`, arn.account, scope, given);
    }
    if (!isKeyId(arn.resource)) throw invalidKeyId(arn.resource);
    const key = state.keys[keyStoreKey(scope.region, arn.resource)];
    if (!key || key.account !== arn.account) throw keyDoesNotExist(given);
    return { key };
  }
  if (given.startsWith('alias/')) {
    if (!options.allowAlias) throw invalidKeyId(given);
    return viaAlias(state, given, scope.account, scope, aliasArnOf(scope.partition, scope.region, scope.account, given));
  }
  if (!isKeyId(given)) throw invalidKeyId(given);
  const key = state.keys[keyStoreKey(scope.region, given)];
  if (!key || key.account !== scope.account) throw keyDoesNotExist(keyArnOf(scope.partition, scope.region, scope.account, given));
  return { key };
}

function viaAlias(state: EngineState, aliasName: string, account: string, scope: ResolveScope, shownArn: string): ResolvedKey {
  const alias = state.aliases[aliasStoreKey(account, scope.region, aliasName)];
  const key = alias && state.keys[keyStoreKey(scope.region, alias.targetKeyId)];
  if (!alias || !key) throw aliasNotFound(shownArn.startsWith('arn:') ? shownArn : aliasArnOf(scope.partition, scope.region, account, aliasName));
  return { key, viaAlias: aliasName };
}

/** Every alias pointing at the key, for DescribeKey consumers and kms:ResourceAliases. */
export function aliasesOf(state: EngineState, key: KeyRecord): string[] {
  const names: string[] = [];
  // Only read: the aliases walked over are not part of what an operation changed.
  for (const alias of Object.values(untracked(state).aliases)) {
    if (alias.targetKeyId === key.keyId && alias.region === key.region && alias.account === key.account) names.push(alias.aliasName);
  }
  return names;
}
