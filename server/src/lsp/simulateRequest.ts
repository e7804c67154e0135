// The `kmsPolicyStudio/simulate` request: a whole scenario, a scenario file, or a partial request
// (a principal and an action) completed from the environment file, from an open key policy (the
// key that policy is declared for, else a hypothetical key of the account the policy names), from
// a CloudFormation template, or from a key that lives only in the embedded engine.
import { dirname, resolve } from 'node:path';
import type { AccessScenario, NamedPolicy, ScenarioKey, ScenarioRequest } from '../core/access/scenario';
import { parseScenarioText, validateScenario } from '../core/access/scenarioParser';
import { keyNotFoundResult, simulateAccess } from '../core/access/simulateAccess';
import { explainSimulation } from '../core/access/simulationExplainer';
import type { SimulationResult } from '../core/access/simulationResult';
import { accountOfPrincipal, isPrincipalName, parseArn } from '../core/arn/awsArn';
import type { Environment, EnvironmentKey } from '../core/environment/environmentModel';
import {
  assembleScenario,
  buildScenarioFromEnvironment,
  findEnvironmentKey,
  scenarioGrants,
  scenarioKey,
  type ScenarioRequestInput,
} from '../core/environment/scenarioBuilder';
import { parseKeyPolicy } from '../core/policy/keyPolicyParser';
import type { SimulateParams, SimulateResult } from '../protocol';
import type { ServerContext } from './serverContext';
import { documentText, invalid, issueList, loadSimulationEnvironment, toFsPath, withSourceUris } from './simulationEnvironment';
import { simulateInTemplate } from './templateSimulation';

/**
 * The key id of the key a policy no environment key uses is decided for. It must read as a key
 * id (a UUID) like any other, or resolving it fails and the simulation answers NotFoundException.
 */
const HYPOTHETICAL_KEY_ID = '00000000-0000-4000-8000-000000000000';

/** Completes requests for keys that live only in the embedded engine (set by the engine feature). */
export type EngineScenarioSource = (input: ScenarioRequestInput) => AccessScenario | undefined;
const engineSources = new WeakMap<ServerContext, EngineScenarioSource>();

/** Lets the engine feature answer for keys created in the embedded engine. */
export function setEngineScenarioSource(ctx: ServerContext, source: EngineScenarioSource): void {
  engineSources.set(ctx, source);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toResponse(result: SimulationResult): SimulateResult {
  return {
    decision: result.decision,
    error: result.error,
    errorMessage: result.errorMessage ?? undefined,
    explanation: explainSimulation(result),
    trace: result.trace,
    summary: result.summary,
    allowedBy: result.allowedBy,
    result,
  };
}

function requestInput(request: Record<string, unknown>, keyRef: string): ScenarioRequestInput {
  return {
    principalArn: request.principal as string,
    action: request.action as string,
    keyRef,
    region: typeof request.region === 'string' ? request.region : undefined,
    encryptionContext: isObject(request.encryptionContext) ? (request.encryptionContext as Record<string, string>) : undefined,
    grantTokens: Array.isArray(request.grantTokens) ? (request.grantTokens as string[]) : undefined,
    context: isObject(request.context) ? (request.context as ScenarioRequest['context']) : undefined,
    viaService: typeof request.viaService === 'string' ? request.viaService : undefined,
    encryptionAlgorithm: typeof request.encryptionAlgorithm === 'string' ? request.encryptionAlgorithm : undefined,
    grant: isObject(request.grant) ? (request.grant as unknown as ScenarioRequestInput['grant']) : undefined,
    grantId: typeof request.grantId === 'string' ? request.grantId : undefined,
  };
}

/** The key a policy being edited belongs to: the one the request names, else one in the account the policy delegates to. */
function keyForPolicy(environment: Environment, request: Record<string, unknown>, policyDocument: unknown, callerAccount: string | undefined, region: string): ScenarioKey {
  const resource = typeof request.resource === 'string' ? request.resource : undefined;
  const arn = resource ? parseArn(resource) : undefined;
  if (resource && arn?.service === 'kms' && arn.resource.startsWith('key/')) {
    return { arn: resource, account: arn.account, region: arn.region, state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' };
  }
  const rootPrincipal = JSON.stringify(policyDocument ?? {}).match(/arn:aws[\w-]*:iam::(\d{12}):root/);
  const account = rootPrincipal?.[1] ?? callerAccount ?? environment.accounts[0]?.id;
  if (!account) throw invalid('scenario.request.resource: give the key ARN: neither the policy, the caller nor the environment names the key\'s account');
  return { arn: `arn:${environment.partition}:kms:${region}:${account}:key/${HYPOTHETICAL_KEY_ID}`, account, region, state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' };
}

/** The environment's key whose `keyPolicyFile` is this file, if any. */
function keyDeclaringPolicy(environment: Environment, environmentFile: string | undefined, policyPath: string): EnvironmentKey | undefined {
  if (!environmentFile) return undefined;
  const base = dirname(environmentFile);
  return environment.keys.find((k) => k.keyPolicySource && resolve(base, k.keyPolicySource.path) === resolve(policyPath));
}

/** No key of the environment uses this policy: the result says the key it was decided against is made up. */
function asHypotheticalKey(result: SimulationResult, keyArn: string): SimulationResult {
  const detail = `no key of the environment file uses this policy, so it was decided for a hypothetical key ${keyArn} (declare the key with "keyPolicyFile" to use its grants, tags and aliases)`;
  return {
    ...result,
    summary: `${result.summary} (hypothetical key: no key of the environment file uses this policy)`,
    trace: { ...result.trace, steps: [{ step: 'key', outcome: 'info', detail }, ...result.trace.steps] },
  };
}

export async function simulateRequest(ctx: ServerContext, params: SimulateParams): Promise<SimulateResult> {
  if (params.scenarioUri) {
    const { scenario, issues } = parseScenarioText(documentText(ctx, params.scenarioUri), params.scenarioUri);
    if (!scenario) throw invalid(`The scenario has problems:\n${issueList(issues)}`);
    return toResponse(simulateAccess(scenario));
  }
  const raw = params.scenario;
  if (!isObject(raw)) throw invalid('scenario: must be an object with at least "request"');
  const complete = 'key' in raw && 'keyPolicy' in raw && !params.policyUri;
  if (complete) {
    const issues = validateScenario(raw);
    if (issues.length) throw invalid(`The scenario has problems:\n${issueList(issues)}`);
    return toResponse(simulateAccess(raw as unknown as AccessScenario));
  }
  const request = isObject(raw.request) ? raw.request : undefined;
  if (!request) throw invalid('scenario.request: is required');
  if (typeof request.principal !== 'string' || !isPrincipalName(request.principal)) {
    throw invalid('scenario.request.principal: must be an IAM or STS ARN such as "arn:aws:iam::111122223333:role/AppRole", or a service principal such as "s3.amazonaws.com"');
  }
  if (typeof request.action !== 'string' || !/^kms:[A-Za-z]+$/.test(request.action)) throw invalid('scenario.request.action: must be a string like "kms:Decrypt"');

  const { environment, file } = loadSimulationEnvironment(ctx);
  const keyRef = typeof request.keyIdAsGiven === 'string' ? request.keyIdAsGiven : typeof request.resource === 'string' ? request.resource : undefined;
  const callerAccount = accountOfPrincipal(request.principal);

  if (params.policyUri) {
    // A CloudFormation template or Terraform module: decided against the environment it makes.
    const inTemplate = await simulateInTemplate(ctx, params.policyUri, requestInput(request, keyRef ?? ''));
    if (inTemplate) return toResponse(inTemplate);
    const text = documentText(ctx, params.policyUri);
    const model = parseKeyPolicy(text);
    const name = params.policyUri.split('/').pop() ?? 'key policy';
    const keyPolicy: NamedPolicy = { name: `key policy (${decodeURIComponent(name)})`, document: model.value, sourceText: text, source: params.policyUri };
    const region = typeof request.region === 'string' ? request.region : environment.defaultRegion;
    // The key the request names, else the key whose policy file this is (as the environment declares it).
    const envKey = keyRef ? findEnvironmentKey(environment, keyRef, callerAccount, region) : keyDeclaringPolicy(environment, file, toFsPath(params.policyUri));
    const key = envKey ? scenarioKey(environment, envKey) : keyForPolicy(environment, request, model.value, callerAccount, region);
    const grants = envKey ? scenarioGrants(environment, envKey) : [];
    const scenario = assembleScenario(environment, requestInput(request, keyRef ?? key.arn), key, keyPolicy, grants);
    const result = withSourceUris(simulateAccess(scenario), file);
    return toResponse(envKey || keyRef ? result : asHypotheticalKey(result, key.arn));
  }

  if (!keyRef) throw invalid('scenario.request.resource: give the key (key ARN, key id, alias name or alias ARN), or simulate from an open key policy');
  const input = requestInput(request, keyRef);
  const built = buildScenarioFromEnvironment(environment, input);
  if (built.ok) return toResponse(withSourceUris(simulateAccess(built.scenario), file));
  const fromEngine = engineSources.get(ctx)?.(input);
  if (fromEngine) return toResponse(simulateAccess(fromEngine));
  return toResponse(keyNotFoundResult(input.principalArn, input.action, keyRef, built.message, file ? `the environment file ${file}` : 'the default environment (no environment file)'));
}
