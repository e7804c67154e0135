// Answering and sending the custom messages declared in protocol.ts, typed by the one declaration.
import type { CancellationToken, Connection, ResponseError } from 'vscode-languageserver';
import type { NotificationDescriptor, RequestDescriptor } from '../protocol';

type Answer<R> = R | ResponseError<void> | Promise<R | ResponseError<void>>;

export function onRequest<P, R>(connection: Connection, request: RequestDescriptor<P, R>, handler: (params: P, token: CancellationToken) => Answer<R>): void {
  // The wire is untyped: the declaration in protocol.ts is what says what arrives and what leaves.
  const untyped = handler as unknown as (params: unknown, token: CancellationToken) => Promise<unknown>;
  connection.onRequest(request.method, untyped);
}

export function sendNotification<P>(connection: Connection, notification: NotificationDescriptor<P>, ...params: P extends void ? [] : [P]): Promise<void> {
  return connection.sendNotification(notification.method, ...params);
}
