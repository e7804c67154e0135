// "Who can use this key?": simulates the common data and admin actions for every principal of
// the environment against the key, and lists the answers in one read-only document.
import * as vscode from 'vscode';
import { SimulateRequest, type SimulateResult } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import { KeyNode } from '../explorer/keyTreeNodes';
import type { SimulationDocuments } from './simulationDocuments';

const ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'];

export function whoCanUseKeyCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (node?: unknown): Promise<string | undefined> => {
      if (!(node instanceof KeyNode)) {
        void vscode.window.showWarningMessage('Run this command on a key in the Keys view.');
        return undefined;
      }
      const client = await ctx.client();
      const principals = (await ctx.engineInfo()).principals.map((p) => p.arn);
      const lines = [`Who can use ${node.label} (${node.keyArn})`, ''];
      const width = Math.max(...ACTIONS.map((a) => a.length));
      for (const principal of principals) {
        lines.push(principal);
        for (const action of ACTIONS) {
          try {
            const result = await client.sendRequest<SimulateResult>(SimulateRequest.method, {
              scenario: { request: { principal, action, resource: node.keyArn, region: node.region } },
            });
            lines.push(`  ${action.padEnd(width)}  ${result.decision}${result.error && result.decision === 'Allow' ? ` (fails: ${result.error})` : ''}`);
          } catch (error) {
            lines.push(`  ${action.padEnd(width)}  could not simulate: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        lines.push('');
      }
      lines.push('Principals come from the environment file; run Simulate Access on one of them for the full trace.');
      await docs.show({ text: lines.join('\n'), links: [] }, `who-can-use-${node.keyId}`);
      return lines.join('\n');
    };
}
