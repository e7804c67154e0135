// Every request handler runs through here: it honours cancellation and never throws, so a
// bad document or a bug in one feature cannot take the language server down.
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';

export function cancelled(): ResponseError<void> {
  return new ResponseError<void>(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

export async function runSafelyAsync<T>(
  connection: Connection,
  token: CancellationToken,
  what: string,
  fallback: T,
  work: () => Promise<T>,
): Promise<T | ResponseError<void>> {
  if (token.isCancellationRequested) return cancelled();
  try {
    const result = await work();
    return token.isCancellationRequested ? cancelled() : result;
  } catch (error) {
    connection.console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return fallback;
  }
}
