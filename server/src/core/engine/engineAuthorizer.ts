// Every engine operation is authorized here: the engine's state (key, key policy, grants) and
// the environment (the caller's identity policies, boundary, session policy, SCPs and RCPs)
// become one AccessScenario, and the access evaluator decides it exactly as `simulate` would.
import type { AccessScenario, ScenarioGrant, ScenarioKey } from '../access/scenario';
import type { Environment } from '../environment/environmentModel';
import { callerFacts, resourceTagContext, type CallerFacts } from '../environment/scenarioBuilder';
import type { GrantRecord, KeyRecord } from './engineState';
import { KmsServiceError, type AuthenticatedCaller } from './kmsEngineApi';
import type { KeyState } from '../access/scenario';
import { VerdictCache } from './verdictCache';
import { kmsAliasArn } from '../arn/kmsKeyReference';

/** The part of the evaluator's answer the engine needs. */
export interface AccessVerdict {
  readonly authorized: boolean;
  readonly errorMessage: string | null;
}

export type AccessDecider = (scenario: AccessScenario) => AccessVerdict;

export interface KeyAuthorizationRequest {
  readonly caller: AuthenticatedCaller;
  /** `kms:Decrypt` */
  readonly action: string;
  readonly key: KeyRecord;
  readonly keyState: KeyState;
  readonly aliases: readonly string[];
  readonly keyIdAsGiven?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly grantTokens?: readonly string[];
  readonly encryptionAlgorithm?: string;
  readonly requestedGrant?: AccessScenario['request']['grant'];
  readonly grantId?: string;
  readonly keyFromCiphertext?: boolean;
  /** Operation-specific condition keys, e.g. `kms:SigningAlgorithm`. */
  readonly context?: Readonly<Record<string, string | readonly string[] | boolean | number>>;
}

export class EngineAuthorizer {
  private readonly verdicts: VerdictCache;
  /** The caller's facts by caller and key account: the environment is fixed for the engine's life. */
  private readonly facts = new Map<string, CallerFacts>();

  constructor(
    private readonly environment: Environment,
    private readonly decide: AccessDecider,
  ) {
    this.verdicts = new VerdictCache(environment);
  }

  /** Throws AccessDeniedException with the evaluator's message unless the request is allowed. */
  authorizeKeyAction(request: KeyAuthorizationRequest): void {
    let verdict = this.verdicts.get(request);
    if (!verdict) {
      verdict = this.decide(this.keyScenario(request));
      this.verdicts.set(request, verdict);
    }
    enforceVerdict(verdict, request.caller.principalArn, request.action);
  }

  /** The engine's state changed (a key, policy, grant, alias, tag or state): verdicts may differ now. */
  stateChanged(): void {
    this.verdicts.clear();
  }

  /** Whether the request would be allowed, e.g. under a proposed key policy (lockout check). */
  isKeyActionAllowed(request: KeyAuthorizationRequest, proposedPolicy?: unknown): boolean {
    const scenario = this.keyScenario(request);
    return this.decide(proposedPolicy === undefined ? scenario : { ...scenario, keyPolicy: proposedPolicy }).authorized;
  }

  /** The scenario the evaluator decides for this request (also what *Simulate access* shows). */
  keyScenario(request: KeyAuthorizationRequest): AccessScenario {
    const { key, caller } = request;
    const keyPolicy = this.parsedPolicy(key.policy);
    const scenarioKey: ScenarioKey = {
      arn: key.arn,
      account: key.account,
      region: key.region,
      state: request.keyState,
      keyManager: key.keyManager ?? 'CUSTOMER',
      keySpec: key.keySpec,
      keyUsage: key.keyUsage,
      origin: key.origin,
      multiRegion: key.multiRegion,
      ...(key.multiRegion ? { multiRegionKeyType: key.primaryRegion === key.region ? 'PRIMARY' as const : 'REPLICA' as const } : {}),
      alias: request.aliases.map((name) => kmsAliasArn(this.environment.partition, key.region, key.account, name)),
    };
    const facts = this.callerFacts(caller, key.account);
    const scenario: AccessScenario = {
      request: {
        principal: caller.principalArn,
        action: request.action,
        resource: key.arn,
        region: caller.region,
        encryptionContext: request.encryptionContext,
        grantTokens: request.grantTokens,
        context: { ...resourceTagContext(key.tags.map((t) => [t.TagKey, t.TagValue] as const)), ...facts.context, ...caller.requestContext, ...request.context },
        keyIdAsGiven: request.keyIdAsGiven,
        encryptionAlgorithm: request.encryptionAlgorithm,
        grant: request.requestedGrant,
        grantId: request.grantId,
        keyFromCiphertext: request.keyFromCiphertext,
      },
      key: scenarioKey,
      keyPolicy,
      ...policiesOf(facts),
      grants: key.grants.map(toScenarioGrant),
    };
    return scenario;
  }

  /**
   * Actions on no particular key (CreateKey, ListKeys, GenerateRandom, custom key stores):
   * AWS authorizes them with the caller's IAM policies alone, against resource `*`.
   */
  authorizeAccountAction(caller: AuthenticatedCaller, action: string, context?: KeyAuthorizationRequest['context']): void {
    const facts = this.callerFacts(caller, undefined);
    const scenario: AccessScenario = {
      request: {
        principal: caller.principalArn,
        action,
        resource: '*',
        region: caller.region,
        context: { ...facts.context, ...caller.requestContext, ...context },
      },
      // The evaluator treats these actions as keyless (no key policy, Resource "*").
      key: undefined as unknown as ScenarioKey,
      keyPolicy: null,
      ...policiesOf(facts),
    };
    this.enforce(scenario);
  }

  /** Parsed key policies by text: parsing on every call would cost more than the AES itself. */
  private readonly policies = new Map<string, unknown>();

  private parsedPolicy(text: string): unknown {
    let document = this.policies.get(text);
    if (document === undefined) {
      try {
        document = JSON.parse(text) as unknown;
      } catch {
        document = text;
      }
      if (this.policies.size >= 1000) this.policies.clear();
      this.policies.set(text, document);
    }
    return document;
  }

  private enforce(scenario: AccessScenario): void {
    enforceVerdict(this.decide(scenario), scenario.request.principal, scenario.request.action);
  }

  private callerFacts(caller: AuthenticatedCaller, keyAccount: string | undefined): CallerFacts {
    const id = `${caller.principalArn}\n${keyAccount ?? ''}`;
    let facts = this.facts.get(id);
    if (!facts) {
      facts = callerFacts(this.environment, caller.principalArn, keyAccount);
      if (this.facts.size >= 1000) this.facts.clear();
      this.facts.set(id, facts);
    }
    return facts;
  }

}

function enforceVerdict(verdict: AccessVerdict, principal: string, action: string): void {
  if (!verdict.authorized) {
    throw new KmsServiceError('AccessDeniedException', verdict.errorMessage ?? `User: ${principal} is not authorized to perform: ${action}`);
  }
}

function policiesOf(facts: CallerFacts): Pick<AccessScenario, 'identityPolicies' | 'permissionBoundary' | 'sessionPolicy' | 'serviceControlPolicies' | 'resourceControlPolicies'> {
  return {
    identityPolicies: facts.identityPolicies,
    permissionBoundary: facts.permissionBoundary,
    sessionPolicy: facts.sessionPolicy,
    serviceControlPolicies: facts.serviceControlPolicies,
    resourceControlPolicies: facts.resourceControlPolicies,
  };
}

/** The engine's grants take effect at once, so none waits for its token (no `grantToken`). */
function toScenarioGrant(grant: GrantRecord): ScenarioGrant {
  return {
    grantId: grant.grantId,
    keyArn: grant.keyArn,
    granteePrincipal: grant.granteePrincipal,
    retiringPrincipal: grant.retiringPrincipal,
    operations: grant.operations,
    constraints: grant.constraints,
    issuingAccount: grant.issuingAccount,
  };
}
