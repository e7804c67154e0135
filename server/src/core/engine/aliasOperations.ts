// CreateAlias, UpdateAlias, DeleteAlias and ListAliases. An alias is per account and Region;
// creating or moving one needs permission on the alias and on the key(s) it points at.
import { alreadyExists, notFound, unsupportedOperation, validation } from './engineErrors';
import { aliasStoreKey, type AliasRecord } from './engineState';
import { useKey } from './keyAccess';
import { resolveKey } from './keyIdentifiers';
import { epochSeconds } from './keyMetadata';
import type { OperationContext, OperationTable } from './operationContext';
import { paginate } from './pagination';
import { AWS_MANAGED_KEY_SERVICES } from './awsManagedKeys';
import { ALIAS_NAME, kmsAliasArn } from '../arn/kmsKeyReference';

function readAliasName(context: OperationContext): string {
  const name = context.input.requiredString('AliasName', { min: 1, max: 256 });
  if (!name.startsWith('alias/')) {
    throw validation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (!ALIAS_NAME.test(name)) {
    throw validation(`1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ALIAS_NAME.source}`);
  }
  return name;
}

function assertCustomerAlias(name: string): void {
  if (name.startsWith('alias/aws/')) throw unsupportedOperation(`Cannot modify an alias that begins with 'alias/aws/'.`);
}

function aliasArn(context: OperationContext, name: string): string {
  return kmsAliasArn(context.services.environment.partition, context.caller.region, context.caller.accountId, name);
}

function createAlias(context: OperationContext) {
  const name = readAliasName(context);
  const target = context.input.requiredString('TargetKeyId', { min: 1, max: 2048 });
  assertCustomerAlias(name);
  const key = useKey(context, target, { allowAlias: false, context: { 'kms:RequestAlias': name } });
  const storeKey = aliasStoreKey(context.caller.accountId, context.caller.region, name);
  if (context.state.aliases[storeKey]) throw alreadyExists(`An alias with the name ${aliasArn(context, name)} already exists`);
  if (key.account !== context.caller.accountId) throw validation('The alias and its target key must be in the same account.');
  const alias: AliasRecord = {
    aliasName: name,
    account: context.caller.accountId,
    region: context.caller.region,
    targetKeyId: key.keyId,
    createdAt: context.now,
    updatedAt: context.now,
  };
  context.state.aliases[storeKey] = alias;
  context.changed();
  return {};
}

function updateAlias(context: OperationContext) {
  const name = readAliasName(context);
  const target = context.input.requiredString('TargetKeyId', { min: 1, max: 2048 });
  assertCustomerAlias(name);
  const alias = context.state.aliases[aliasStoreKey(context.caller.accountId, context.caller.region, name)];
  if (!alias) throw notFound(`Alias ${aliasArn(context, name)} is not found.`);
  const current = resolveKey(context.state, alias.targetKeyId, context.scope).key;
  useKey(context, current.arn, { allowAlias: false });
  const next = useKey(context, target, { allowAlias: false });
  if (next.keyUsage !== current.keyUsage || (next.keySpec === 'SYMMETRIC_DEFAULT') !== (current.keySpec === 'SYMMETRIC_DEFAULT')) {
    throw validation(`Alias ${name} cannot be changed from a key of type ${current.keySpec}/${current.keyUsage} to ${next.keySpec}/${next.keyUsage}: the key type and key usage must match.`);
  }
  alias.targetKeyId = next.keyId;
  alias.updatedAt = context.now;
  context.changed();
  return {};
}

function deleteAlias(context: OperationContext) {
  const name = readAliasName(context);
  assertCustomerAlias(name);
  const storeKey = aliasStoreKey(context.caller.accountId, context.caller.region, name);
  const alias = context.state.aliases[storeKey];
  if (!alias) throw notFound(`Alias ${aliasArn(context, name)} is not found.`);
  const key = context.state.keys[`${alias.region}/${alias.targetKeyId}`];
  if (key) useKey(context, key.arn, { allowAlias: false });
  delete context.state.aliases[storeKey];
  context.changed();
  return {};
}

function listAliases(context: OperationContext) {
  const { input, state, caller } = context;
  const keyId = input.optionalString('KeyId', { min: 1, max: 2048 });
  const limit = input.optionalInteger('Limit', { min: 1, max: 100 }) ?? 50;
  const marker = input.optionalString('Marker', { min: 1, max: 320 });
  // ListAliases acts on no key (IAM decides, Resource "*"), in any key state, even with KeyId.
  const targetKeyId = keyId !== undefined ? resolveKey(state, keyId, context.scope, { allowAlias: false }).key.keyId : undefined;
  context.services.authorizer.authorizeAccountAction(caller, 'kms:ListAliases');
  const present = Object.values(state.aliases)
    .filter((a) => a.account === caller.accountId && a.region === caller.region && (targetKeyId === undefined || a.targetKeyId === targetKeyId));
  // "The response might also include aliases that have no TargetKeyId field. These are
  // predefined aliases that AWS has created but has not yet associated with a KMS key."
  const named = new Set(present.map((a) => a.aliasName));
  const predefined = targetKeyId !== undefined ? [] : Object.keys(AWS_MANAGED_KEY_SERVICES).map((n) => `alias/${n}`).filter((n) => !named.has(n));
  const aliases = [
    ...present.map((a) => ({
      AliasName: a.aliasName,
      AliasArn: aliasArn(context, a.aliasName),
      TargetKeyId: a.targetKeyId,
      CreationDate: epochSeconds(a.createdAt),
      LastUpdatedDate: epochSeconds(a.updatedAt),
    })),
    ...predefined.map((aliasName) => ({ AliasName: aliasName, AliasArn: aliasArn(context, aliasName) })),
  ].sort((a, b) => a.AliasName.localeCompare(b.AliasName));
  const page = paginate(aliases, limit, marker);
  return { Aliases: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

export const aliasOperations: OperationTable = {
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
};
