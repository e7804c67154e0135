// Grant tokens: opaque strings a grantee passes to use a grant before it is visible
// everywhere. The engine's grants are consistent at once, so a token is honoured when it
// names a live grant and rejected when it is not one of ours.
import { randomBytes } from 'node:crypto';
import { KmsServiceError } from './kmsEngineApi';

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
