// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant. A grant
// is live as soon as it is created (its token is honoured at once); the access evaluator
// considers every grant on the key when it decides a request.
import { findKeys } from './stateTracking';
import { randomBytes } from 'node:crypto';
import { accountOfPrincipal, isPrincipalName, PRINCIPAL_NAME_FORMS } from '../arn/awsArn';
import { GRANT_OPERATIONS, grantOperationsFor } from '../catalog/kmsCuratedFacts';
import { constraintViolation, enumViolation, notFound, validation } from './engineErrors';
import type { GrantRecord, KeyRecord } from './engineState';
import { readGrantTokens } from './grantTokens';
import { assertWellFormedGrantTokens, newGrantToken } from './grantTokens';
import { authorizeKey, useKey } from './keyAccess';
import { rejectDryRun } from './dryRun';
import { resolveKey } from './keyIdentifiers';
import { epochSeconds } from './keyMetadata';
import { assertOperationAllowed } from './keyStateRules';
import type { JsonObject } from './kmsEngineApi';
import type { OperationContext, OperationTable } from './operationContext';
import { paginate } from './pagination';


function operationsValidFor(key: KeyRecord): Set<string> {
  return new Set(grantOperationsFor(key.keyUsage, key.keySpec));
}

function readConstraints(value: JsonObject | undefined): GrantRecord['constraints'] {
  if (!value) return null;
  const read = (field: string): Record<string, string> | undefined => {
    const map = value[field];
    if (map === undefined || map === null) return undefined;
    if (typeof map !== 'object' || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string')) {
      throw validation(`Grant constraint ${field} must map strings to strings.`);
    }
    return map as Record<string, string>;
  };
  const equals = read('EncryptionContextEquals');
  const subset = read('EncryptionContextSubset');
  if (equals && subset) throw validation('A grant can have only one encryption context constraint: EncryptionContextEquals or EncryptionContextSubset.');
  if (!equals && !subset) return null;
  return equals ? { encryptionContextEquals: equals } : { encryptionContextSubset: subset };
}

function grantJson(grant: GrantRecord): JsonObject {
  const constraints = grant.constraints
    ? {
        Constraints: {
          ...(grant.constraints.encryptionContextEquals ? { EncryptionContextEquals: grant.constraints.encryptionContextEquals } : {}),
          ...(grant.constraints.encryptionContextSubset ? { EncryptionContextSubset: grant.constraints.encryptionContextSubset } : {}),
        },
      }
    : {};
  return {
    KeyId: grant.keyArn,
    GrantId: grant.grantId,
    ...(grant.name ? { Name: grant.name } : {}),
    CreationDate: epochSeconds(grant.createdAt),
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal ? { RetiringPrincipal: grant.retiringPrincipal } : {}),
    IssuingAccount: grant.issuingAccount,
    Operations: grant.operations,
    ...constraints,
  };
}

/** The model's pattern for principal members (PrincipalIdType). */
const PRINCIPAL_ID_PATTERN = /^[\w+=,.@:/-]+$/;

function createGrant(context: OperationContext) {
  const { input, caller, now } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const grantee = input.requiredString('GranteePrincipal', { min: 1, max: 256 });
  const retiring = input.optionalString('RetiringPrincipal', { min: 1, max: 256 });
  // "To specify the principal, use the Amazon Resource Name (ARN) of an Amazon Web Services
  // principal. Valid principals include Amazon Web Services accounts, IAM users, IAM roles,
  // federated users, and assumed role users" (API Reference, CreateGrant GranteePrincipal).
  for (const [member, value] of [['granteePrincipal', grantee], ['retiringPrincipal', retiring]] as const) {
    if (value === undefined) continue;
    if (!PRINCIPAL_ID_PATTERN.test(value)) throw constraintViolation(value, member, 'Member must satisfy regular expression pattern: ^[\\w+=,.@:/-]+$');
    if (!isPrincipalName(value)) throw validation(`${value} is not a valid principal: use ${PRINCIPAL_NAME_FORMS}.`);
  }
  const operations = input.optionalStringList('Operations');
  if (!operations) throw constraintViolation(null, 'operations', 'Member must not be null');
  for (const op of operations) if (!GRANT_OPERATIONS.includes(op)) throw enumViolation(op, 'operations', GRANT_OPERATIONS);
  const constraints = readConstraints(input.optionalObject('Constraints'));
  const name = input.optionalString('Name', { min: 1, max: 256 });
  const grantTokens = readGrantTokens(context);
  const key = useKey(context, keyId, {
    allowAlias: false,
    grantTokens,
    requestedGrant: { granteePrincipal: grantee, retiringPrincipal: retiring, operations, constraints },
  });
  const valid = operationsValidFor(key);
  const invalid = operations.filter((op) => !valid.has(op));
  if (invalid.length) throw validation(`Grant operations ${invalid.join(', ')} are not valid for a KMS key with key usage ${key.keyUsage} and key spec ${key.keySpec}.`);
  rejectDryRun(context);
  // Retrying a named grant with the same settings answers the existing grant.
  const same = name && key.grants.find((g) => g.name === name && g.granteePrincipal === grantee && g.retiringPrincipal === retiring
    && JSON.stringify(g.operations) === JSON.stringify(operations) && JSON.stringify(g.constraints) === JSON.stringify(constraints));
  if (same) return { GrantToken: same.grantToken, GrantId: same.grantId };
  const grant: GrantRecord = {
    grantId: randomBytes(32).toString('hex'),
    grantToken: newGrantToken(),
    name,
    keyArn: key.arn,
    granteePrincipal: grantee,
    retiringPrincipal: retiring,
    issuingAccount: `arn:${context.services.environment.partition}:iam::${caller.accountId}:root`,
    operations,
    constraints,
    createdAt: now,
  };
  key.grants.push(grant);
  context.changed();
  return { GrantToken: grant.grantToken, GrantId: grant.grantId };
}

function listGrants(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const limit = input.optionalInteger('Limit', { min: 1, max: 100 }) ?? 50;
  const marker = input.optionalString('Marker', { min: 1, max: 1024 });
  const grantId = input.optionalString('GrantId', { min: 1, max: 128 });
  const grantee = input.optionalString('GranteePrincipal', { min: 1, max: 256 });
  const key = useKey(context, keyId, { allowAlias: false });
  const grants = key.grants.filter((g) => (grantId === undefined || g.grantId === grantId) && (grantee === undefined || g.granteePrincipal === grantee));
  const page = paginate(grants.map(grantJson), limit, marker);
  return { Grants: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

function listRetirableGrants(context: OperationContext) {
  const { input, caller, state } = context;
  const retiring = input.requiredString('RetiringPrincipal', { min: 1, max: 256 });
  const limit = input.optionalInteger('Limit', { min: 1, max: 100 }) ?? 50;
  const marker = input.optionalString('Marker', { min: 1, max: 1024 });
  context.services.authorizer.authorizeAccountAction(caller, 'kms:ListRetirableGrants');
  // "You must specify a principal in your Amazon Web Services account" (API Reference,
  // ListRetirableGrants): naming another account's principal lists nothing. The reference does
  // not say which error, if any, AWS answers then; an empty list reveals nothing.
  const ownPrincipal = accountOfPrincipal(retiring) === caller.accountId;
  const grants = !ownPrincipal ? [] : Object.values(state.keys)
    .filter((k) => k.region === caller.region)
    .flatMap((k) => k.grants.filter((g) => g.retiringPrincipal === retiring));
  const page = paginate(grants.map(grantJson), limit, marker);
  return { Grants: page.items, Truncated: page.truncated, ...(page.nextMarker ? { NextMarker: page.nextMarker } : {}) };
}

function findGrant(key: KeyRecord, grantId: string): GrantRecord {
  const grant = key.grants.find((g) => g.grantId === grantId);
  if (!grant) throw notFound(`Grant ID ${grantId} not found`);
  return grant;
}

function removeGrant(context: OperationContext, key: KeyRecord, grant: GrantRecord): void {
  key.grants = key.grants.filter((g) => g !== grant);
  context.changed();
}

function retireGrant(context: OperationContext) {
  const { input, state } = context;
  const token = input.optionalString('GrantToken', { min: 1, max: 8192 });
  const keyId = input.optionalString('KeyId', { min: 1, max: 2048 });
  const grantId = input.optionalString('GrantId', { min: 1, max: 128 });
  let key: KeyRecord | undefined;
  let grant: GrantRecord | undefined;
  if (token !== undefined) {
    assertWellFormedGrantTokens([token]);
    key = findKeys(state, (candidate) => candidate.grants.some((g) => g.grantToken === token))[0];
    grant = key?.grants.find((g) => g.grantToken === token);
    if (!key || !grant) throw notFound('Grant not found for the grant token.');
  } else {
    if (!keyId || !grantId) throw validation('Either GrantToken, or both KeyId and GrantId, must be specified.');
    key = resolveKey(state, keyId, context.scope, { allowAlias: false }).key;
    grant = findGrant(key, grantId);
  }
  const keyState = authorizeKey(context, key, { grantId: grant.grantId });
  assertOperationAllowed('RetireGrant', key.arn, keyState);
  rejectDryRun(context);
  removeGrant(context, key, grant);
  return {};
}

function revokeGrant(context: OperationContext) {
  const { input } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  const grantId = input.requiredString('GrantId', { min: 1, max: 128 });
  const key = useKey(context, keyId, { allowAlias: false, grantId });
  const grant = findGrant(key, grantId);
  rejectDryRun(context);
  removeGrant(context, key, grant);
  return {};
}

export const grantOperations: OperationTable = {
  CreateGrant: createGrant,
  ListGrants: listGrants,
  ListRetirableGrants: listRetirableGrants,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
};
