// Remembers the evaluator's verdict for a key request, so a client calling Encrypt in a loop
// is not re-evaluated against the same policies each time. A verdict depends on the request
// (caller, action, key, encryption context, grant tokens, request context), on the engine's
// state (key policy, grants, aliases, tags, key state) and on the environment's policies, which
// are fixed for the engine's life. The key record and the request are the cache key; the engine
// clears the cache on every change of its state. Requests whose policies compare the time are
// never cached.
import type { Environment } from '../environment/environmentModel';
import type { AccessVerdict, KeyAuthorizationRequest } from './engineAuthorizer';
import type { KeyRecord } from './engineState';

/** Bounds the memory a stream of distinct requests (e.g. ever-new encryption contexts) can take. */
const MAX_VERDICTS = 4096;

/** Condition keys whose value moves with the clock: a verdict reading them cannot be kept. */
export const READS_TIME = /aws:(?:currenttime|epochtime)/i;

export class VerdictCache {
  /** Verdicts by key record (stable while the state is unchanged), then by the rest of the request. */
  private verdicts = new WeakMap<KeyRecord, Map<string, AccessVerdict>>();
  private size = 0;
  /** Whether any identity policy, boundary, session policy, SCP or RCP reads the time. */
  private readonly environmentReadsTime: boolean;
  private readonly policyReadsTime = new Map<string, boolean>();

  constructor(environment: Environment) {
    this.environmentReadsTime = READS_TIME.test(JSON.stringify([environment.principals, environment.accounts]));
  }

  /** The verdict remembered for this request, if any. */
  get(request: KeyAuthorizationRequest): AccessVerdict | undefined {
    return this.verdicts.get(request.key)?.get(requestKey(request));
  }

  /** Remembers a verdict, unless the policies involved read the time. */
  set(request: KeyAuthorizationRequest, verdict: AccessVerdict): void {
    if (this.environmentReadsTime || this.readsTime(request.key.policy)) return;
    if (this.size >= MAX_VERDICTS) this.clear();
    let forKey = this.verdicts.get(request.key);
    if (!forKey) this.verdicts.set(request.key, (forKey = new Map()));
    forKey.set(requestKey(request), verdict);
    this.size++;
  }

  /** Forgets every verdict: the engine's state changed. */
  clear(): void {
    this.verdicts = new WeakMap();
    this.size = 0;
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

/**
 * Everything of the request but the key record. The first members come from the engine and the
 * environment (an action name, a key state, an ARN, an account id, a Region code) and never hold
 * a line break; whatever a caller wrote goes through JSON, so no value can pass for another.
 */
function requestKey(request: KeyAuthorizationRequest): string {
  const { caller } = request;
  return (
    `${request.action}\n${request.keyState}\n${caller.principalArn}\n${caller.accountId}\n${caller.region}\n` +
    `${json(request.keyIdAsGiven)}\n${json(request.encryptionAlgorithm)}\n${json(request.grantId)}\n${request.keyFromCiphertext ? 1 : 0}\n` +
    `${json(request.encryptionContext)}\n${json(request.grantTokens)}\n${json(request.requestedGrant)}\n${json(request.context)}\n${json(caller.requestContext)}`
  );
}

function json(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}
