// Remembers the evaluator's verdict for a key request, so a client calling Encrypt in a loop
// is not re-evaluated against the same policies each time. A verdict depends on the request
// (caller, action, key, encryption context, grant tokens, request context), on the engine's
// state (key policy, grants, aliases, tags, key state) and on the environment's policies, which
// are fixed for the engine's life. The request is the cache key; the engine clears the cache on
// every change of its state. Requests whose policies compare the time are never cached.
import type { Environment } from '../environment/environmentModel';
import type { AccessVerdict, KeyAuthorizationRequest } from './engineAuthorizer';

/** Bounds the memory a stream of distinct requests (e.g. ever-new encryption contexts) can take. */
const MAX_VERDICTS = 4096;

/** Condition keys whose value moves with the clock: a verdict reading them cannot be kept. */
const READS_TIME = /aws:(?:currenttime|epochtime)/i;

export class VerdictCache {
  private readonly verdicts = new Map<string, AccessVerdict>();
  /** Whether any identity policy, boundary, session policy, SCP or RCP reads the time. */
  private readonly environmentReadsTime: boolean;
  private readonly policyReadsTime = new Map<string, boolean>();

  constructor(environment: Environment) {
    this.environmentReadsTime = READS_TIME.test(JSON.stringify([environment.principals, environment.accounts]));
  }

  /** The cache key of a request, or undefined when its verdict must not be kept. */
  keyOf(request: KeyAuthorizationRequest): string | undefined {
    if (this.environmentReadsTime || this.readsTime(request.key.policy)) return undefined;
    const { caller } = request;
    // JSON keeps the parts apart unambiguously; a different key order only costs a miss.
    return JSON.stringify([
      caller.principalArn,
      caller.accountId,
      caller.region,
      caller.requestContext ?? null,
      request.action,
      request.key.arn,
      request.keyState,
      request.keyIdAsGiven ?? null,
      request.encryptionContext ?? null,
      request.grantTokens ?? null,
      request.encryptionAlgorithm ?? null,
      request.requestedGrant ?? null,
      request.grantId ?? null,
      request.keyFromCiphertext ?? null,
      request.context ?? null,
    ]);
  }

  get(cacheKey: string): AccessVerdict | undefined {
    return this.verdicts.get(cacheKey);
  }

  set(cacheKey: string, verdict: AccessVerdict): void {
    if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.clear();
    this.verdicts.set(cacheKey, verdict);
  }

  /** Forgets every verdict: the engine's state changed. */
  clear(): void {
    this.verdicts.clear();
  }

  private readsTime(policyText: string): boolean {
    let reads = this.policyReadsTime.get(policyText);
    if (reads === undefined) {
      reads = READS_TIME.test(policyText);
      if (this.policyReadsTime.size >= MAX_VERDICTS) this.policyReadsTime.clear();
      this.policyReadsTime.set(policyText, reads);
    }
    return reads;
  }
}
