// Shows a failed KMS call with AWS's own message. When the embedded engine denied it, a "Why?"
// button opens the simulation of exactly that request (same principal, action, key, context).
import * as vscode from 'vscode';
import { CiphertextKeyRequest } from '../../../server/src/protocol';
import type { StudioContext } from '../studioContext';
import type { KmsBackend } from '../kms/kmsBackend';
import { formatKmsError, isAccessDenied } from '../kms/kmsErrorMessage';
import type { SimulationDocuments } from './simulationDocuments';
import { explainDenied } from './simulateCommands';
import { sendRequest } from '../languageClient/typedMessages';

export interface AttemptedCall {
  readonly backend: KmsBackend;
  readonly region: string;
  /** `kms:Encrypt` */
  readonly action: string;
  /** The key ARN, when the caller knew it (a blob's key is read from AWS's message otherwise). */
  readonly resource?: string;
  readonly encryptionContext?: Record<string, string>;
  /** For Decrypt: the ciphertext, whose key the engine can name when AWS's message does not. */
  readonly ciphertextBase64?: string;
}

export async function showKmsFailure(ctx: StudioContext, docs: SimulationDocuments, error: unknown, attempted: AttemptedCall): Promise<void> {
  const message = formatKmsError(error);
  ctx.output.warn(`${attempted.action} failed: ${message}`);
  if (!isAccessDenied(error) || attempted.backend.kind !== 'embedded') {
    void vscode.window.showErrorMessage(message);
    return;
  }
  let resource = attempted.resource ?? /on resource: (arn:\S+?)(?:\s|$|\.? because)/.exec(message)?.[1];
  // The principal at the time of the denial, even if Act As changes before the click.
  const principal = await ctx.embedded.currentPrincipal().then((p) => p.arn, () => undefined);
  // Not awaited: the command that failed finishes now; the explanation opens if the user asks.
  void vscode.window.showErrorMessage(message, 'Why?').then(async (choice) => {
    if (choice !== 'Why?') return;
    // A denied Decrypt names no key ("the resource associated with this ciphertext"): the engine reads it from the ciphertext.
    if (!resource && attempted.ciphertextBase64) {
      resource = await keyOfCiphertext(ctx, attempted.ciphertextBase64, attempted.region);
    }
    if (!resource) {
      void vscode.window.showWarningMessage('The denial names no key and the ciphertext is not one the embedded engine made, so it cannot be simulated.');
      return;
    }
    try {
      if (!principal) throw new Error('the embedded engine is not running');
      await explainDenied(ctx, docs, { principal, action: attempted.action, resource, region: attempted.region, encryptionContext: attempted.encryptionContext });
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not simulate the denied request: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

async function keyOfCiphertext(ctx: StudioContext, ciphertextBase64: string, region: string): Promise<string | undefined> {
  try {
    const client = await ctx.client();
    const answer = await sendRequest(client, CiphertextKeyRequest, { ciphertextBase64, region });
    return answer.keyArn;
  } catch {
    return undefined;
  }
}
