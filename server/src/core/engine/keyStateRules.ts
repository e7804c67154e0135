// The key-state table of the KMS developer guide decides which operations a key in each state
// allows. The table lives in core/access (simulate reports the same errors); the engine applies
// it after authorization, as AWS does.
import type { KeyState } from '../access/scenario';
import { checkKeyState } from '../access/keyStateCheck';
import { KmsServiceError } from './kmsEngineApi';

/** Throws the error AWS gives when `operation` meets a key in `state`; returns when allowed. */
export function assertOperationAllowed(operation: string, keyArn: string, state: KeyState): void {
  const outcome = checkKeyState(state, operation, keyArn);
  if (outcome) throw new KmsServiceError(outcome.error, outcome.message);
}
