// Simulate Access (on the open key policy, from its code lenses, or after a denied call),
// and Run Scenario (a `*.kms-scenario.json` file): the server decides, the result opens in the
// simulation result view (its "Open as text" keeps the read-only text document).
import * as vscode from 'vscode';
import { parse as parseJsonc } from 'jsonc-parser';
import catalog from '../../../server/src/core/catalog/generated/kmsCatalog.json';
import { SimulateRequest, type SimulateParams, type SimulateResult } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import { KeyNode } from '../explorer/keyTreeNodes';
import type { SimulationAsked } from './simulationReport';
import type { SimulationDocuments } from './simulationDocuments';
import { SimulationResultPanel } from './simulationResultPanel';
import { parseArn, regionOfArn } from '../../../server/src/core/arn/awsArn';
import { sendRequest } from '../languageClient/typedMessages';

/** Arguments tests and other commands pass to skip the prompts. */
export interface SimulateAccessArgs {
  readonly principal?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly encryptionContext?: Record<string, string>;
  /**
   * The principals to offer, instead of the engine's: a template's or Terraform module's lens
   * offers the roles and users of the template, whose environment decides.
   */
  readonly principalChoices?: readonly { readonly arn: string; readonly name?: string }[];
  /** The statement's own actions, offered first (a lens on a template statement knows them). */
  readonly statementActions?: readonly string[];
}

/** A request the engine refused, as the caller made it: simulating it explains the denial. */
export interface DeniedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly region: string;
  readonly encryptionContext?: Record<string, string>;
  readonly grantTokens?: readonly string[];
}

export async function runSimulation(ctx: StudioContext, docs: SimulationDocuments, params: SimulateParams, asked: SimulationAsked): Promise<{ result: SimulateResult; panel: SimulationResultPanel }> {
  const client = await ctx.client();
  let result = await sendRequest(client, SimulateRequest, params);
  // A key created in the engine is unknown to the environment file: simulate with its live policy.
  const resource = asked.resource;
  if (result.decision === 'NotApplicable' && !params.policyUri && !params.scenarioUri && resource?.startsWith('arn:') && ctx.livePolicyFile) {
    const policyFile = await ctx.livePolicyFile(resource);
    if (policyFile) {
      params = { ...params, policyUri: policyFile.toString() };
      asked = { ...asked, policyUri: params.policyUri };
      result = await sendRequest(client, SimulateRequest, params);
    }
  }
  const panel = SimulationResultPanel.show(ctx, docs, result, asked);
  return { result, panel };
}

/** Opens the simulation of exactly the request that was denied. */
export async function explainDenied(ctx: StudioContext, docs: SimulationDocuments, denied: DeniedRequest): Promise<void> {
  const scenario = {
    request: {
      principal: denied.principal,
      action: denied.action,
      resource: denied.resource,
      region: denied.region,
      ...(denied.encryptionContext && Object.keys(denied.encryptionContext).length ? { encryptionContext: denied.encryptionContext } : {}),
      ...(denied.grantTokens?.length ? { grantTokens: denied.grantTokens } : {}),
    },
  };
  await runSimulation(ctx, docs, { scenario }, { principal: denied.principal, action: denied.action, resource: denied.resource });
}

export function simulateAccessCommand(docs: SimulationDocuments, keyArnForPolicy: (uri: vscode.Uri) => string | undefined) {
  return (ctx: StudioContext) =>
    async (uriArg?: unknown, statementIndexArg?: unknown, argsArg?: unknown): Promise<SimulateResult | undefined> => {
      // Three ways in: a key policy document (editor, lens), a key in the Keys view, or arguments.
      const keyNode = uriArg instanceof KeyNode ? uriArg : undefined;
      const args = (isObject(argsArg) ? argsArg : isObject(statementIndexArg) ? statementIndexArg : isObject(uriArg) && !keyNode ? uriArg : {}) as SimulateAccessArgs;
      const uri = keyNode ? undefined : (toUri(uriArg) ?? (args.resource ? undefined : vscode.window.activeTextEditor?.document.uri));
      const resource = keyNode?.keyArn ?? args.resource ?? (uri ? keyArnForPolicy(uri) : undefined);
      if (!uri && !resource) {
        void vscode.window.showWarningMessage('Open a key policy, or choose a key in the Keys view, to simulate access.');
        return undefined;
      }
      const statementIndex = typeof statementIndexArg === 'number' ? statementIndexArg : undefined;
      const principal = args.principal ?? (await pickPrincipal(ctx, args.principalChoices));
      if (!principal) return undefined;
      const action = args.action ?? (await pickAction(args.statementActions ?? (uri ? await statementActions(uri, statementIndex) : [])));
      if (!action) return undefined;
      const region = resource ? regionOfArn(resource) : undefined;
      const scenario = {
        request: {
          principal,
          action,
          ...(resource ? { resource } : {}),
          ...(region ? { region } : {}),
          ...(args.encryptionContext ? { encryptionContext: args.encryptionContext } : {}),
        },
      };
      const policyUri = uri?.toString();
      try {
        const { result } = await runSimulation(ctx, docs, { scenario, ...(policyUri ? { policyUri } : {}) }, { principal, action, resource, policyUri });
        return result;
      } catch (error) {
        void vscode.window.showErrorMessage(`Simulation failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
}

export function runScenarioCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (uriArg?: unknown): Promise<SimulateResult | undefined> => {
      const uri = toUri(uriArg) ?? vscode.window.activeTextEditor?.document.uri;
      if (!uri) {
        void vscode.window.showWarningMessage('Open a *.kms-scenario.json file to run it.');
        return undefined;
      }
      const document = await vscode.workspace.openTextDocument(uri);
      let scenario: unknown;
      try {
        scenario = JSON.parse(document.getText());
      } catch (error) {
        void vscode.window.showErrorMessage(`The scenario is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
      const request = (isObject(scenario) && isObject(scenario.request) ? scenario.request : {}) as Record<string, unknown>;
      try {
        const { result } = await runSimulation(ctx, docs, { scenario, scenarioUri: uri.toString() }, {
          scenarioUri: uri.toString(),
          principal: typeof request.principal === 'string' ? request.principal : undefined,
          action: typeof request.action === 'string' ? request.action : undefined,
          resource: typeof request.resource === 'string' ? request.resource : undefined,
        });
        return result;
      } catch (error) {
        void vscode.window.showErrorMessage(`Simulation failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
}

async function pickPrincipal(ctx: StudioContext, offered?: SimulateAccessArgs['principalChoices']): Promise<string | undefined> {
  const typed = '$(edit) Enter a principal ARN…';
  const principals = offered
    ? offered.map((p) => ({ label: p.name ?? (parseArn(p.arn)?.resource || p.arn), description: p.arn, arn: p.arn }))
    : await ctx.engineInfo().then((i) => i.principals.map((p) => ({ label: parseArn(p.arn)?.resource || p.arn, description: p.arn, arn: p.arn })), () => []);
  const choice = await vscode.window.showQuickPick(
    [...principals, { label: typed, description: '', arn: '' }],
    { title: 'Simulate Access: who is calling?', placeHolder: offered ? 'A role or user of the template, or any ARN' : 'A principal of the environment, or any ARN', matchOnDescription: true },
  );
  if (!choice) return undefined;
  if (choice.arn) return choice.arn;
  return vscode.window.showInputBox({
    title: 'Simulate Access: principal ARN',
    placeHolder: 'arn:aws:iam::111122223333:role/AppRole',
    validateInput: (v) => (/^arn:aws[\w-]*:(iam|sts)::\d{12}:.+|^[\w.-]+\.amazonaws\.com$|^\*$/.test(v.trim()) ? undefined : 'An IAM or STS ARN, or a service principal such as s3.amazonaws.com'),
  }).then((v) => v?.trim());
}

async function pickAction(fromStatement: readonly string[]): Promise<string | undefined> {
  const common = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'CreateGrant', 'PutKeyPolicy', 'ScheduleKeyDeletion'];
  // The statement's own actions come first when the lens of a statement started the simulation.
  const first = fromStatement.map((a) => a.replace(/^kms:/i, '').toLowerCase());
  const rank = (name: string) => {
    const s = first.indexOf(name.toLowerCase());
    if (s >= 0) return s;
    const c = common.indexOf(name);
    return c >= 0 ? 100 + c : 1000;
  };
  const actions = [...catalog.actions].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  const choice = await vscode.window.showQuickPick(
    actions.map((a) => ({ label: `kms:${a.name}`, description: first.includes(a.name.toLowerCase()) ? `${a.accessLevel} · in this statement` : a.accessLevel, detail: a.description })),
    { title: 'Simulate Access: which action?', placeHolder: 'kms:Decrypt', matchOnDetail: true },
  );
  return choice?.label;
}

/** The exact KMS actions a statement names (wildcards left out), for ordering the action picker. */
async function statementActions(uri: vscode.Uri, statementIndex: number | undefined): Promise<string[]> {
  if (statementIndex === undefined) return [];
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const policy = parseJsonc(document.getText()) as { Statement?: unknown } | undefined;
    const statements = Array.isArray(policy?.Statement) ? policy.Statement : policy?.Statement ? [policy.Statement] : [];
    const action = (statements[statementIndex] as { Action?: unknown } | undefined)?.Action;
    const actions = typeof action === 'string' ? [action] : Array.isArray(action) ? action : [];
    return actions.filter((a): a is string => typeof a === 'string' && !a.includes('*'));
  } catch {
    return [];
  }
}

function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value) return /^[a-z][\w+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof vscode.Uri);
}
