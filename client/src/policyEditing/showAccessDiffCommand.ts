// KMS: Show Access Diff vs HEAD (the code lens at the top of a key policy under git): the
// server's diff in words, opened as a read-only document beside the policy. A file with no HEAD
// version gets a document saying why, never an error popup.
import * as vscode from 'vscode';
import { AccessDiffRequest, type AccessDiffParams, type AccessDiffResult } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import type { SimulationDocuments } from '../simulation/simulationDocuments';
import { sendRequest } from '../languageClient/typedMessages';

export function showAccessDiffCommand(docs: SimulationDocuments) {
  return (ctx: StudioContext) =>
    async (uriArg?: unknown): Promise<AccessDiffResult | undefined> => {
      const uri = typeof uriArg === 'string' ? uriArg : uriArg instanceof vscode.Uri ? uriArg.toString() : vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri) {
        void vscode.window.showWarningMessage('Open a key policy to see its access diff against HEAD.');
        return undefined;
      }
      try {
        const client = await ctx.client();
        const params: AccessDiffParams = { uri };
        const result = await sendRequest(client, AccessDiffRequest, params);
        const name = vscode.Uri.parse(uri).path.split('/').pop() ?? 'key-policy';
        await docs.show({ text: result.text, links: [] }, `access-diff-${name}`);
        return result;
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not compute the access diff: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
}
