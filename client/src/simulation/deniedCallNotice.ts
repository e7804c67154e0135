// Shows a failed KMS call with AWS's own message. When the embedded engine denied it, a "Why?"
// button opens the simulation of exactly that request (same principal, action, key, context).
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';
import type { KmsBackend } from '../kms/kmsBackend';
import { formatKmsError, isAccessDenied } from '../kms/kmsErrorMessage';
import type { SimulationDocuments } from './simulationDocuments';
import { explainDenied } from './simulateCommands';

export interface AttemptedCall {
  readonly backend: KmsBackend;
  readonly region: string;
  /** `kms:Encrypt` */
  readonly action: string;
  /** The key ARN, when the caller knew it (a blob's key is read from AWS's message otherwise). */
  readonly resource?: string;
  readonly encryptionContext?: Record<string, string>;
}

export async function showKmsFailure(ctx: StudioContext, docs: SimulationDocuments, error: unknown, attempted: AttemptedCall): Promise<void> {
  const message = formatKmsError(error);
  ctx.output.warn(`${attempted.action} failed: ${message}`);
  if (!isAccessDenied(error) || attempted.backend.kind !== 'embedded') {
    void vscode.window.showErrorMessage(message);
    return;
  }
  const resource = attempted.resource ?? /on resource: (arn:\S+?)(?:\s|$|\.? because)/.exec(message)?.[1];
  // The principal at the time of the denial, even if Act As changes before the click.
  const principal = await ctx.embedded.currentPrincipal().then((p) => p.arn, () => undefined);
  // Not awaited: the command that failed finishes now; the explanation opens if the user asks.
  void vscode.window.showErrorMessage(message, 'Why?').then(async (choice) => {
    if (choice !== 'Why?') return;
    if (!resource) {
      void vscode.window.showWarningMessage('The denial does not name the key, so it cannot be simulated.');
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
