// Authorizes the CloudHSM v2 operations (and CloudTrail's LookupEvents). These services have no
// resource policies, so the caller's IAM policies decide (identity policies, permissions boundary,
// session policy, SCPs) with the service's action on the cluster's ARN. The caller's facts (a
// session inherits its role's policies and tags) come from callerFacts(), and the decision from
// simulateAccess() in its IAM-only mode: one evaluation order for every service.
import type { AccessScenario } from '../access/scenario';
import { simulateAccess } from '../access/simulateAccess';
import type { Environment } from '../environment/environmentModel';
import { callerFacts } from '../environment/scenarioBuilder';
import { KmsServiceError, type AuthenticatedCaller } from './kmsEngineApi';

export class CloudHsmAuthorizer {
  /** `service` and `deniedError` let other IAM-only APIs of the engine (CloudTrail) share it. */
  constructor(
    private readonly environment: Environment,
    private readonly service = 'cloudhsm',
    private readonly deniedError = 'CloudHsmAccessDeniedException',
  ) {}

  /** Throws the service's access-denied error unless the caller may run `operation` on `resource`. */
  authorize(caller: AuthenticatedCaller, operation: string, resource: string, now: Date): void {
    const action = `${this.service}:${operation}`;
    const facts = callerFacts(this.environment, caller.principalArn, undefined);
    const scenario: AccessScenario = {
      request: { principal: caller.principalArn, action, resource, region: caller.region, context: { ...facts.context, ...caller.requestContext } },
      keyPolicy: null,
      identityPolicies: facts.identityPolicies,
      permissionBoundary: facts.permissionBoundary,
      sessionPolicy: facts.sessionPolicy,
      serviceControlPolicies: facts.serviceControlPolicies,
    } as AccessScenario;
    const result = simulateAccess(scenario, { now, iamOnly: true });
    if (result.decision !== 'Allow') throw new KmsServiceError(this.deniedError, result.errorMessage ?? `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource}`);
  }
}
