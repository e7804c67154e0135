// Simulate access in the editor: the `kmsPolicyStudio/simulate` and
// `kmsPolicyStudio/whoCanUseKey` requests, a "Simulate access" code lens on each statement of a
// key policy, a "Run scenario" code lens (with the current decision) on scenario files, and
// schema diagnostics for scenario files. Partial requests are completed from the environment
// file, so a user only picks a principal and an action.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  ErrorCodes,
  ResponseError,
  type CodeLens,
  type Diagnostic,
  type ServerCapabilities,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { JsonIssue } from '../core/access/jsonSchemaIssues';
import { accountOfPrincipal, isPrincipalName, parseArn } from '../core/arn/awsArn';
import { parseScenarioText, validateScenario } from '../core/access/scenarioParser';
import type { AccessScenario, NamedPolicy, ScenarioKey, ScenarioRequest } from '../core/access/scenario';
import { keyNotFoundResult, simulateAccess } from '../core/access/simulateAccess';
import { explainSimulation } from '../core/access/simulationExplainer';
import type { PolicyTrace, SimulationResult } from '../core/access/simulationResult';
import { formatWhoCanUseKey, whoCanUseKey } from '../core/environment/whoCanUseKey';
import { parseEnvironmentFile, readFromDisk } from '../node/environmentFile';
import { defaultEnvironment, type Environment, type EnvironmentKey } from '../core/environment/environmentModel';
import {
  assembleScenario,
  buildScenarioFromEnvironment,
  findEnvironmentKey,
  keyArnOf,
  scenarioGrants,
  scenarioKey,
  type ScenarioRequestInput,
} from '../core/environment/scenarioBuilder';
import { parseKeyPolicy } from '../core/policy/keyPolicyParser';
import {
  LANGUAGE_ID,
  SCENARIO_LANGUAGE_ID,
  SimulateRequest,
  SimulationChoicesRequest,
  WhoCanUseKeyRequest,
  type SimulateParams,
  type SimulateResult,
  type SimulationChoicesResult,
  type WhoCanUseKeyResult,
} from '../protocol';
import { addCodeLensSource } from './codeLensSources';
import { simulateInTemplate, templateStatementLenses, whoCanUseTemplateKey } from './templateSimulation';
import { runSafelyAsync } from './runSafely';
import { workspaceTrusted, type ServerContext } from './serverContext';
import { onRequest } from './typedMessages';

const DIAGNOSTIC_SOURCE = 'kms-scenario';
/** Later than the key-policy diagnostics' push, so scenario findings are the last word for scenario files. */
const PUSH_DELAY_MS = 250;

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

function toFsPath(uriOrPath: string): string {
  return uriOrPath.startsWith('file:') ? fileURLToPath(uriOrPath) : uriOrPath;
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError<void>(ErrorCodes.InvalidParams, message);
}

function issueList(issues: readonly JsonIssue[]): string {
  return issues.map((i) => `  ${i.message}`).join('\n');
}

export function registerSimulateFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const { connection, documents } = ctx;

  const textOf = (uri: string): string => {
    const open = documents.get(uri);
    if (open) return open.getText();
    try {
      return readFileSync(toFsPath(uri), 'utf8');
    } catch (error) {
      throw invalid(`cannot read ${uri}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  /** The environment file's environment, or the default one when the workspace has none. */
  const loadEnvironment = (): { environment: Environment; file?: string } => {
    const file = workspaceTrusted(ctx) ? ctx.initializationOptions.environmentFile : undefined;
    if (!file) return { environment: defaultEnvironment() };
    // Open, unsaved documents first, then the disk.
    const result = parseEnvironmentFile(file, (path) => documents.get(pathToFileURL(path).toString())?.getText() ?? readFromDisk(path));
    if (result.unreadable) return { environment: defaultEnvironment() };
    if (!result.environment) {
      throw invalid(`The environment file ${file} has problems:\n${result.issues.map((i) => `  ${i.message}${i.file ? ` (${i.file})` : ''}`).join('\n')}`);
    }
    return { environment: result.environment, file };
  };

  /** Trace sources written relative to the environment file become URIs the client can open. */
  const withSourceUris = (result: SimulationResult, environmentFile?: string): SimulationResult => {
    if (!environmentFile) return result;
    const base = dirname(environmentFile);
    const policies: PolicyTrace[] = result.trace.policies.map((p) =>
      p.source && !/^[a-z][\w+.-]*:/i.test(p.source) ? { ...p, source: pathToFileURL(isAbsolute(p.source) ? p.source : resolve(base, p.source)).toString() } : p,
    );
    return { ...result, trace: { ...result.trace, policies } };
  };

  const toResponse = (result: SimulationResult): SimulateResult => ({
    decision: result.decision,
    error: result.error,
    errorMessage: result.errorMessage ?? undefined,
    explanation: explainSimulation(result),
    trace: result.trace,
    summary: result.summary,
    allowedBy: result.allowedBy,
    result,
  });

  const requestInput = (request: Record<string, unknown>, keyRef: string): ScenarioRequestInput => ({
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
  });

  /** The key a policy being edited belongs to: the one the request names, else one in the account the policy delegates to. */
  const keyForPolicy = (environment: Environment, request: Record<string, unknown>, policyDocument: unknown, callerAccount: string | undefined, region: string): ScenarioKey => {
    const resource = typeof request.resource === 'string' ? request.resource : undefined;
    const arn = resource ? parseArn(resource) : undefined;
    if (resource && arn?.service === 'kms' && arn.resource.startsWith('key/')) {
      return { arn: resource, account: arn.account, region: arn.region, state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' };
    }
    const rootPrincipal = JSON.stringify(policyDocument ?? {}).match(/arn:aws[\w-]*:iam::(\d{12}):root/);
    const account = rootPrincipal?.[1] ?? callerAccount ?? environment.accounts[0]?.id;
    if (!account) throw invalid('scenario.request.resource: give the key ARN: neither the policy, the caller nor the environment names the key\'s account');
    return { arn: `arn:${environment.partition}:kms:${region}:${account}:key/${HYPOTHETICAL_KEY_ID}`, account, region, state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT' };
  };

  const simulate = (params: SimulateParams): SimulateResult => {
    if (params.scenarioUri) {
      const { scenario, issues } = parseScenarioText(textOf(params.scenarioUri), params.scenarioUri);
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

    const { environment, file } = loadEnvironment();
    const keyRef = typeof request.keyIdAsGiven === 'string' ? request.keyIdAsGiven : typeof request.resource === 'string' ? request.resource : undefined;
    const callerAccount = accountOfPrincipal(request.principal);

    if (params.policyUri) {
      // A CloudFormation template: decided against the environment the template makes.
      const inTemplate = simulateInTemplate(ctx, params.policyUri, requestInput(request, keyRef ?? ''));
      if (inTemplate) return toResponse(inTemplate);
      const text = textOf(params.policyUri);
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
  };

  onRequest(connection, SimulateRequest, (params, token) =>
    runSafelyAsync<SimulateResult | ResponseError<void>>(connection, token, SimulateRequest.method, new ResponseError<void>(ErrorCodes.InternalError, 'Simulation failed; see the server log'), async () => {
      try {
        return simulate(params ?? ({} as SimulateParams));
      } catch (error) {
        if (error instanceof ResponseError) return error;
        throw error;
      }
    }),
  );

  onRequest(connection, WhoCanUseKeyRequest, (params, token) =>
    runSafelyAsync<WhoCanUseKeyResult | ResponseError<void>>(connection, token, WhoCanUseKeyRequest.method, new ResponseError<void>(ErrorCodes.InternalError, 'Who can use this key failed; see the server log'), async () => {
      if (!params || typeof params.key !== 'string' || !params.key) return invalid('key: must be a key id, key ARN, alias name or alias ARN');
      const inTemplate = whoCanUseTemplateKey(ctx, params.key, params.actions);
      if (inTemplate) return { ...inTemplate, text: formatWhoCanUseKey(inTemplate) };
      let environment: Environment;
      try {
        environment = loadEnvironment().environment;
      } catch (error) {
        if (error instanceof ResponseError) return error;
        throw error;
      }
      const table = whoCanUseKey(environment, params.key, { actions: params.actions });
      if (!table) return invalid(`key: ${params.key} is not a key of the environment file`);
      return { ...table, text: formatWhoCanUseKey(table) };
    }),
  );

  onRequest(connection, SimulationChoicesRequest, (_params, token) =>
    runSafelyAsync<SimulationChoicesResult | ResponseError<void>>(connection, token, SimulationChoicesRequest.method, new ResponseError<void>(ErrorCodes.InternalError, 'Could not read the environment; see the server log'), async () => {
      let loaded: { environment: Environment; file?: string };
      try {
        loaded = loadEnvironment();
      } catch (error) {
        if (error instanceof ResponseError) return error;
        throw error;
      }
      const { environment, file } = loaded;
      const contexts = new Map<string, Record<string, string>>();
      for (const key of environment.keys) {
        for (const grant of key.grants) {
          const pairs = grant.constraints?.encryptionContextEquals ?? grant.constraints?.encryptionContextSubset;
          if (pairs) contexts.set(JSON.stringify(pairs), { ...pairs });
        }
      }
      return {
        environmentFile: file,
        principals: environment.principals.map((p) => ({ arn: p.arn, name: p.name })),
        keys: environment.keys.map((k) => ({ arn: keyArnOf(environment, k), aliases: k.aliases, description: k.description, state: k.state ?? 'Enabled' })),
        encryptionContexts: [...contexts.values()],
      };
    }),
  );

  // Code lenses: "Simulate access" per key-policy statement, "Run scenario" on scenario files.
  addCodeLensSource(ctx, (document) => {
    if (document.languageId === LANGUAGE_ID) return statementLenses(document);
    if (document.languageId === SCENARIO_LANGUAGE_ID) return scenarioLenses(document);
    return templateStatementLenses(ctx, document);
  });

  // Scenario diagnostics, pushed for kms-scenario documents only.
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const pushScenarioDiagnostics = (document: TextDocument, delay: number): void => {
    if (document.languageId !== SCENARIO_LANGUAGE_ID) return;
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        const current = documents.get(document.uri);
        if (!current) return;
        try {
          void connection.sendDiagnostics({ uri: current.uri, version: current.version, diagnostics: scenarioDiagnostics(current) });
        } catch (error) {
          connection.console.error(`scenario diagnostics failed for ${document.uri}: ${String(error)}`);
        }
      }, delay),
    );
  };
  documents.onDidOpen((e) => pushScenarioDiagnostics(e.document, PUSH_DELAY_MS));
  documents.onDidChangeContent((e) => pushScenarioDiagnostics(e.document, PUSH_DELAY_MS));
  documents.onDidClose((e) => {
    if (e.document.languageId !== SCENARIO_LANGUAGE_ID) return;
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  return { codeLensProvider: { resolveProvider: false } };
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

function statementLenses(document: TextDocument): CodeLens[] {
  const model = parseKeyPolicy(document.getText());
  return model.statements.map((statement) => {
    const start = document.positionAt(statement.range.start);
    return {
      range: { start, end: start },
      command: {
        title: `$(play) Simulate access${statement.sid ? ` (${statement.sid.value})` : ''}`,
        command: 'kmsPolicyStudio.simulateAccess',
        arguments: [document.uri, statement.index],
      },
    };
  });
}

function scenarioLenses(document: TextDocument): CodeLens[] {
  const text = document.getText();
  const firstBrace = Math.max(0, text.indexOf('{'));
  const at = document.positionAt(firstBrace);
  const range = { start: at, end: at };
  const run: CodeLens = { range, command: { title: '$(play) Run scenario', command: 'kmsPolicyStudio.runScenario', arguments: [document.uri] } };
  const { scenario, issues } = parseScenarioText(text, document.uri);
  const outcome = scenario ? simulateAccess(scenario) : undefined;
  const title = outcome
    ? `${outcome.decision}${outcome.error ? ` (${outcome.error})` : ''}: ${outcome.summary}`
    : `${issues.length} problem${issues.length === 1 ? '' : 's'} to fix before it can run`;
  return [run, { range, command: { title, command: 'kmsPolicyStudio.runScenario', arguments: [document.uri] } }];
}

export function scenarioDiagnostics(document: TextDocument): Diagnostic[] {
  const { issues, warnings = [] } = parseScenarioText(document.getText(), document.uri);
  const toDiagnostic = (issue: JsonIssue, severity: DiagnosticSeverity, code: string): Diagnostic => ({
    range: { start: document.positionAt(issue.range?.start ?? 0), end: document.positionAt(issue.range?.end ?? 0) },
    severity,
    source: DIAGNOSTIC_SOURCE,
    code,
    message: issue.message,
  });
  return [
    ...issues.map((issue) => toDiagnostic(issue, DiagnosticSeverity.Error, issue.message.startsWith('JSON syntax') ? 'SCENARIO_JSON_SYNTAX' : 'SCENARIO_SCHEMA')),
    ...warnings.map((warning) => toDiagnostic(warning, DiagnosticSeverity.Warning, 'SCENARIO_MISMATCH')),
  ];
}
