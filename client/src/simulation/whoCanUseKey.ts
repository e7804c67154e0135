// "Who can use this key?": for every principal of the environment, which actions on the key are
// allowed. Keys of the environment file get the server's table (with the allowing path); keys
// created in the embedded engine are answered by simulating each principal and action. The
// answer opens as a principal × action matrix whose cells open their simulations.
import * as vscode from 'vscode';
import {
  SimulateRequest,
  WhoCanUseKeyRequest,
  type SimulateParams,
  type WhoCanUseKeyParams,
  } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import { KeyNode } from '../explorer/keyTreeNodes';
import type { SimulationDocuments } from './simulationDocuments';
import { regionOfArn } from '../../../server/src/core/arn/awsArn';
import type { MatrixCell, MatrixRow } from '../webview/whoCanUseMatrix';
import { WhoCanUseMatrixPanel } from './whoCanUseMatrixPanel';
import { sendRequest } from '../languageClient/typedMessages';

const ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'];

export interface WhoCanUseKeyAnswer {
  readonly keyArn: string;
  readonly actions: readonly string[];
  readonly rows: readonly MatrixRow[];
  readonly text: string;
}

export function whoCanUseKeyCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (nodeOrKey?: unknown): Promise<WhoCanUseKeyAnswer | undefined> => {
      const key = nodeOrKey instanceof KeyNode ? nodeOrKey.keyArn : typeof nodeOrKey === 'string' ? nodeOrKey : undefined;
      if (!key) {
        void vscode.window.showWarningMessage('Run this command on a key in the Keys view.');
        return undefined;
      }
      try {
        const answer = await fromEnvironment(ctx, key).catch(() => bySimulation(ctx, key));
        const label = nodeOrKey instanceof KeyNode ? String(nodeOrKey.label) : key;
        const text = `Who can use ${label} (${answer.keyArn})\n\n${answer.text}`;
        WhoCanUseMatrixPanel.show(ctx, docs, { keyArn: answer.keyArn, label, actions: answer.actions, rows: answer.rows }, text);
        return answer;
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not work out who can use the key: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
}

async function fromEnvironment(ctx: StudioContext, key: string): Promise<WhoCanUseKeyAnswer> {
  const client = await ctx.client();
  const params: WhoCanUseKeyParams = { key };
  const result = await sendRequest(client, WhoCanUseKeyRequest, params);
  return { keyArn: result.keyArn, actions: result.actions, rows: result.rows, text: result.text };
}

async function bySimulation(ctx: StudioContext, keyArn: string): Promise<WhoCanUseKeyAnswer> {
  const client = await ctx.client();
  const principals = (await ctx.engineInfo()).principals.map((p) => p.arn);
  const region = regionOfArn(keyArn);
  const width = Math.max(...ACTIONS.map((a) => a.length));
  const lines: string[] = [];
  const rows: MatrixRow[] = [];
  for (const principal of principals) {
    const cells: MatrixCell[] = [];
    lines.push(principal);
    for (const action of ACTIONS) {
      const params: SimulateParams = { scenario: { request: { principal, action, resource: keyArn, ...(region ? { region } : {}) } } };
      const result = await sendRequest(client, SimulateRequest, params);
      cells.push({ action, decision: result.decision, error: result.error, summary: result.summary });
      const note = result.error && result.decision === 'Allow' ? ` (fails: ${result.error})` : result.allowedBy ? ` via ${result.allowedBy}` : '';
      lines.push(`  ${action.padEnd(width)}  ${result.decision}${note}`);
    }
    rows.push({ principal, cells });
    lines.push('');
  }
  lines.push('Run Simulate Access for one principal and action to see the full trace.');
  return { keyArn, actions: ACTIONS, rows, text: lines.join('\n') };
}
