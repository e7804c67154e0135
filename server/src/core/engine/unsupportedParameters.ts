// Request parameters the engine cannot honour, refused plainly rather than ignored: a caller
// that sends them expects behaviour (an enclave-bound response) the engine cannot give.
import { unsupportedOperation } from './engineErrors';
import type { OperationContext } from './operationContext';

/** `Recipient` carries an AWS Nitro Enclaves attestation document; there is no enclave here. */
export function rejectRecipient(context: OperationContext): void {
  if (context.input.has('Recipient')) {
    throw unsupportedOperation('The Recipient parameter (AWS Nitro Enclaves attestation) is not supported by the embedded engine.');
  }
}
