// DryRun: an operation given DryRun=true checks its input, authorization and key state, then
// answers DryRunOperationException instead of doing the work, as AWS KMS does.
import { dryRunSucceeded } from './engineErrors';
import type { OperationContext } from './operationContext';

export function rejectDryRun(context: OperationContext): void {
  if (context.input.optionalBoolean('DryRun')) throw dryRunSucceeded();
}
