// Simulate access in the editor: the `kmsPolicyStudio/simulate`, `whoCanUseKey` and
// `simulationChoices` requests, the code lenses of key policies, scenario files and templates,
// and the scenario files' diagnostics. The request itself is in simulateRequest.ts, the
// environment it decides against in simulationEnvironment.ts.
import { ErrorCodes, ResponseError, type ServerCapabilities } from 'vscode-languageserver';
import { formatWhoCanUseKey, whoCanUseKey } from '../core/environment/whoCanUseKey';
import type { Environment } from '../core/environment/environmentModel';
import { keyArnOf } from '../core/environment/scenarioBuilder';
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
import { runSafelyAsync } from './runSafely';
import { registerScenarioDiagnostics } from './scenarioDiagnostics';
import type { ServerContext } from './serverContext';
import { scenarioLenses, statementLenses } from './simulateCodeLenses';
import { simulateRequest } from './simulateRequest';
import { invalid, loadSimulationEnvironment } from './simulationEnvironment';
import { templateStatementLenses, whoCanUseTemplateKey } from './templateSimulation';
import { onRequest } from './typedMessages';

export { setEngineScenarioSource, type EngineScenarioSource } from './simulateRequest';

export function registerSimulateFeature(ctx: ServerContext): Partial<ServerCapabilities> {
  const { connection } = ctx;

  onRequest(connection, SimulateRequest, (params, token) =>
    runSafelyAsync<SimulateResult | ResponseError<void>>(connection, token, SimulateRequest.method, new ResponseError<void>(ErrorCodes.InternalError, 'Simulation failed; see the server log'), async () => {
      try {
        return await simulateRequest(ctx, params ?? ({} as SimulateParams));
      } catch (error) {
        if (error instanceof ResponseError) return error;
        throw error;
      }
    }),
  );

  onRequest(connection, WhoCanUseKeyRequest, (params, token) =>
    runSafelyAsync<WhoCanUseKeyResult | ResponseError<void>>(connection, token, WhoCanUseKeyRequest.method, new ResponseError<void>(ErrorCodes.InternalError, 'Who can use this key failed; see the server log'), async () => {
      if (!params || typeof params.key !== 'string' || !params.key) return invalid('key: must be a key id, key ARN, alias name or alias ARN');
      const inTemplate = await whoCanUseTemplateKey(ctx, params.key, params.actions);
      if (inTemplate) return { ...inTemplate, text: formatWhoCanUseKey(inTemplate) };
      let environment: Environment;
      try {
        environment = loadSimulationEnvironment(ctx).environment;
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
        loaded = loadSimulationEnvironment(ctx);
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

  registerScenarioDiagnostics(ctx);

  return { codeLensProvider: { resolveProvider: false } };
}
