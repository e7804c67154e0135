// Grant tokens: opaque strings a grantee passes to use a grant before it is visible
// everywhere. The engine's grants are consistent at once, so a token is honoured when it
// names a live grant and rejected when it is not one of ours.
import { randomBytes } from 'node:crypto';
import { constraintViolation } from './engineErrors';
import { KmsServiceError } from './kmsEngineApi';
import type { OperationContext } from './operationContext';

const PREFIX = 'AQpAgt';

export function newGrantToken(): string {
  return `${PREFIX}${randomBytes(48).toString('base64url')}`;
}

export function assertWellFormedGrantTokens(tokens: readonly string[] | undefined): void {
  for (const token of tokens ?? []) {
    if (!token.startsWith(PREFIX) || token.length < PREFIX.length + 32) {
      throw new KmsServiceError('InvalidGrantTokenException', 'The grant token is not valid.');
    }
  }
}

/** The request's GrantTokens (at most 10), each checked to be one of the engine's tokens. */
export function readGrantTokens(context: OperationContext): string[] | undefined {
  const tokens = context.input.optionalStringList('GrantTokens');
  if (tokens && tokens.length > 10) throw constraintViolation(undefined, 'grantTokens', 'Member must have length less than or equal to 10');
  assertWellFormedGrantTokens(tokens);
  return tokens;
}
