// The steps every key operation takes in AWS's order: find the key the caller named, let the
// access evaluator decide, then apply the key-state table.
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
  const keyState = effectiveKeyState(context.state, key);
  context.services.authorizer.authorizeKeyAction({
    ...options,
    caller: context.caller,
    action: options.action ?? `kms:${context.operation}`,
    key,
    keyState,
    aliases: aliasesOf(context.state, key),
  });
  return keyState;
}

/** Resolves, authorizes and state-checks the key named by `given`. */
export function useKey(context: OperationContext, given: string, options: KeyUseOptions = {}): KeyRecord {
  const { key } = resolveKey(context.state, given, context.scope, { allowAlias: options.allowAlias ?? true });
  const keyState = authorizeKey(context, key, { ...options, keyIdAsGiven: options.keyIdAsGiven ?? given });
  assertOperationAllowed(options.stateOperation ?? context.operation, key.arn, keyState);
  return key;
}
