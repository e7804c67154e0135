// The steps every key operation takes in AWS's order: find the key the caller named, let the
// access evaluator decide, then apply the key-state table.
import { ALIAS_KEY_ID_OPERATIONS } from '../access/operationRules';
import type { KeyState } from '../access/scenario';
import type { KeyAuthorizationRequest } from './engineAuthorizer';
import type { EngineState, KeyRecord } from './engineState';
import { aliasesOf, resolveKey } from './keyIdentifiers';
import { assertOperationAllowed } from './keyStateRules';
import type { OperationContext } from './operationContext';

/** The state callers see: keys in a custom key store that is not connected are Unavailable. */
export function effectiveKeyState(state: EngineState, key: KeyRecord): KeyState {
  if (key.customKeyStoreId && key.state !== 'PendingDeletion') {
    const store = state.customKeyStores[key.customKeyStoreId];
    if (!store || store.connectionState !== 'CONNECTED') return 'Unavailable';
  }
  return key.state;
}

export interface KeyUseOptions extends Partial<Omit<KeyAuthorizationRequest, 'caller' | 'key' | 'keyState' | 'aliases' | 'action'>> {
  /** Defaults to `kms:<operation>`. */
  readonly action?: string;
  /** Defaults to the operation; lets ReEncrypt check ReEncryptFrom/ReEncryptTo separately. */
  readonly stateOperation?: string;
  readonly allowAlias?: boolean;
}

export function authorizeKey(context: OperationContext, key: KeyRecord, options: KeyUseOptions = {}): KeyState {
  return authorizeAs(context, key, options, options.keyIdAsGiven);
}

/** Resolves, authorizes and state-checks the key named by `given`. */
export function useKey(context: OperationContext, given: string, options: KeyUseOptions = {}): KeyRecord {
  const { key } = resolveKey(context.state, given, context.scope, { allowAlias: options.allowAlias ?? ALIAS_KEY_ID_OPERATIONS.has(context.operation) });
  const keyState = authorizeAs(context, key, options, options.keyIdAsGiven ?? given);
  assertOperationAllowed(options.stateOperation ?? context.operation, key.arn, keyState);
  return key;
}

/** Every member of the request, present even when undefined, so a new one cannot be forgotten here. */
type EveryMember<T> = { [K in keyof Required<T>]: T[K] };

// Every Encrypt and Decrypt comes through here, so the request is written out member by member
// rather than spread from the options (object spreads cost more than the rest of this function).
function authorizeAs(context: OperationContext, key: KeyRecord, options: KeyUseOptions, keyIdAsGiven: string | undefined): KeyState {
  const keyState = effectiveKeyState(context.state, key);
  const request: EveryMember<KeyAuthorizationRequest> = {
    caller: context.caller,
    action: options.action ?? `kms:${context.operation}`,
    key,
    keyState,
    aliases: aliasesOf(context.state, key),
    keyIdAsGiven,
    encryptionContext: options.encryptionContext,
    grantTokens: options.grantTokens,
    encryptionAlgorithm: options.encryptionAlgorithm,
    requestedGrant: options.requestedGrant,
    grantId: options.grantId,
    keyFromCiphertext: options.keyFromCiphertext,
    context: options.context,
  };
  context.services.authorizer.authorizeKeyAction(request);
  return keyState;
}
