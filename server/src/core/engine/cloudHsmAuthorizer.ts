// Authorizes the CloudHSM v2 operations. CloudHSM has no resource policies, so the caller's
// IAM policies decide (identity policies, permissions boundary, session policy, SCPs), using
// the access module's statement evaluator with the `cloudhsm:` action and the cluster's ARN.
// The caller's facts (a session inherits its role's policies and tags) come from callerFacts();
// the order of the IAM-side checks is the evaluator's, written out here for a non-KMS action.
import { parseCaller } from '../access/callerIdentity';
import { evaluateOrgLevels } from '../access/orgPolicyEvaluator';
import { normalizePolicy } from '../access/policyDocument';
import { unwrapPolicy } from '../access/policySource';
import { buildRequestContext } from '../access/requestContext';
import type { AccessScenario } from '../access/scenario';
import { evaluatePolicy, type EvaluationInput } from '../access/statementEvaluator';
import type { Environment } from '../environment/environmentModel';
import { callerFacts } from '../environment/scenarioBuilder';
import { KmsServiceError, type CallerIdentity } from './kmsEngineApi';

export class CloudHsmAuthorizer {
  /** `service` and `deniedError` let other IAM-only APIs of the engine (CloudTrail) share it. */
  constructor(
    private readonly environment: Environment,
    private readonly service = 'cloudhsm',
    private readonly deniedError = 'CloudHsmAccessDeniedException',
  ) {}

  /** Throws CloudHsmAccessDeniedException unless the caller may run `operation` on `resource`. */
  authorize(caller: CallerIdentity, operation: string, resource: string, now: Date): void {
    const action = `${this.service}:${operation}`;
    const identity = parseCaller(caller.principalArn);
    // The caller's policies, tags and organization come from the one place every decision uses.
    const facts = callerFacts(this.environment, caller.principalArn, undefined);
    const scenario = {
      request: { principal: caller.principalArn, action, resource, region: caller.region, context: { ...facts.context, ...caller.requestContext } },
      keyPolicy: null,
    } as unknown as AccessScenario;
    const boundaryAttached = facts.permissionBoundary !== null && (identity.kind === 'user' || identity.kind === 'role' || identity.kind === 'assumed-role');
    const input: EvaluationInput = {
      caller: identity,
      action,
      resource,
      context: buildRequestContext(scenario, identity, { now }),
      boundaryAttached,
    };
    const evaluate = (raw: unknown) => evaluatePolicy(normalizePolicy(unwrapPolicy(raw).document), 'identity', input);
    const identityResults = identity.kind === 'root' ? [] : facts.identityPolicies.map(evaluate);
    const boundary = boundaryAttached ? evaluate(facts.permissionBoundary) : undefined;
    const sessionApplies = identity.kind === 'assumed-role' || identity.kind === 'federated-user';
    const session = sessionApplies && facts.sessionPolicy ? evaluate(facts.sessionPolicy) : undefined;
    const scps = evaluateOrgLevels(facts.serviceControlPolicies, 'service-control-policy', input);
    const denied = [...identityResults, boundary, session].some((r) => r && r.denies.length > 0) || scps.denies.length > 0;
    const allowed = identity.kind === 'root' || identityResults.some((r) => r.allows.length > 0);
    const bounded = !boundary || boundary.allows.length > 0;
    const sessioned = !session || session.allows.length > 0;
    if (denied || !allowed || !bounded || !sessioned || scps.levelWithoutAllow !== undefined) {
      const why = denied ? 'with an explicit deny in' : 'because no';
      const policy = denied ? 'a policy' : !allowed ? 'identity-based policy allows' : !bounded ? 'permissions boundary allows' : !sessioned ? 'session policy allows' : 'service control policy allows';
      throw new KmsServiceError(
        this.deniedError,
        `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why} ${policy}${denied ? '' : ` the ${action} action`}`,
      );
    }
  }
}
