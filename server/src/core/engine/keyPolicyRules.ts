// Checks a proposed key policy before it is stored: valid JSON within the size limit, and
// the lockout safety check (the caller must still be able to change the policy afterwards).
import { constraintViolation, malformedPolicy } from './engineErrors';
import type { EngineAuthorizer } from './engineAuthorizer';
import type { KeyRecord } from './engineState';
import type { AuthenticatedCaller } from './kmsEngineApi';

const MAX_POLICY_LENGTH = 32768;

/** The document of a key policy given to CreateKey, PutKeyPolicy or ReplicateKey, or the error KMS answers. */
export function readPolicyToStore(text: string): unknown {
  if (text.length > MAX_POLICY_LENGTH) {
    throw constraintViolation(undefined, 'policy', `Member must have length less than or equal to ${MAX_POLICY_LENGTH}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw malformedPolicy('The policy document is not valid JSON.');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw malformedPolicy('The policy document must be a JSON object.');
  const statements = (document as Record<string, unknown>).Statement;
  if (statements === undefined) throw malformedPolicy('The policy document has no Statement.');
  return document;
}

/** Refuses a policy that would lock the caller out of PutKeyPolicy, as AWS does. */
export function assertNoLockout(authorizer: EngineAuthorizer, caller: AuthenticatedCaller, key: KeyRecord, document: unknown): void {
  const allowed = authorizer.isKeyActionAllowed(
    { caller, action: 'kms:PutKeyPolicy', key, keyState: 'Enabled', aliases: [] },
    document,
  );
  if (!allowed) throw malformedPolicy('The new key policy will not allow you to update the key policy in the future.');
}
