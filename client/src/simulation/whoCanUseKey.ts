// "Who can use this key?": the server answers, for every principal of the environment, which
// actions on the key are allowed and through which path (key policy, IAM, grant); the table
// opens in a read-only document.
import * as vscode from 'vscode';
import { WhoCanUseKeyRequest, type WhoCanUseKeyParams, type WhoCanUseKeyResult } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import { KeyNode } from '../explorer/keyTreeNodes';
import type { SimulationDocuments } from './simulationDocuments';

export function whoCanUseKeyCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (nodeOrKey?: unknown): Promise<WhoCanUseKeyResult | undefined> => {
      const key = nodeOrKey instanceof KeyNode ? nodeOrKey.keyArn : typeof nodeOrKey === 'string' ? nodeOrKey : undefined;
      if (!key) {
        void vscode.window.showWarningMessage('Run this command on a key in the Keys view.');
        return undefined;
      }
      try {
        const client = await ctx.client();
        const params: WhoCanUseKeyParams = { key };
        const result = await client.sendRequest<WhoCanUseKeyResult>(WhoCanUseKeyRequest.method, params);
        const label = nodeOrKey instanceof KeyNode ? String(nodeOrKey.label) : key;
        await docs.show({ text: `Who can use ${label} (${result.keyArn})\n\n${result.text}`, links: [] }, `who-can-use-${label}`);
        return result;
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not work out who can use the key: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
}
