// Key ids, ARNs and aliases: making them and resolving what a caller wrote (id, key ARN, alias
// name, alias ARN) to a key, with the NotFoundException texts AWS gives for each form.
import { untracked } from './stateTracking';
import { randomBytes, randomUUID } from 'node:crypto';
import { notFound } from './engineErrors';
import { aliasStoreKey, keyStoreKey, type EngineState, type KeyRecord } from './engineState';
import { locateKeyReference } from '../arn/kmsKeyReference';

export function newKeyId(multiRegion: boolean): string {
  return multiRegion ? `mrk-${randomBytes(16).toString('hex')}` : randomUUID();
}

export function newMaterialId(): string {
  return randomBytes(32).toString('hex');
}

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
 * Finds the key a caller means, read by locateKeyReference() (the simulator reads it the same
 * way): bare ids and alias names refer to the caller's account and Region; ARNs name their own
 * account, and must name the Region the request was sent to.
 */
export function resolveKey(state: EngineState, given: string, scope: ResolveScope, options: { allowAlias: boolean } = { allowAlias: true }): ResolvedKey {
  const reading = locateKeyReference(given, scope, options);
  if (!reading.ok) throw notFound(reading.message);
  const reference = reading.reference;
  if (reference.form === 'aliasName' || reference.form === 'aliasArn') {
    const alias = state.aliases[aliasStoreKey(reference.account, scope.region, reference.name)];
    const key = alias && state.keys[keyStoreKey(scope.region, alias.targetKeyId)];
    if (!alias || !key) throw notFound(reference.notFoundMessage);
    return { key, viaAlias: reference.name };
  }
  const key = state.keys[keyStoreKey(scope.region, reference.name)];
  if (!key || key.account !== reference.account) throw notFound(reference.notFoundMessage);
  return { key };
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
