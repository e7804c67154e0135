// Sending the custom requests declared in protocol.ts: the params and the result are typed by the
// one declaration, so no caller picks a result type of its own.
import type { BaseLanguageClient } from 'vscode-languageclient';
import type { NotificationDescriptor, RequestDescriptor } from '../../../server/src/protocol';

type Sender = Pick<BaseLanguageClient, 'sendRequest' | 'onNotification'>;

export function sendRequest<R>(client: Sender, request: RequestDescriptor<void, R>): Promise<R>;
export function sendRequest<P, R>(client: Sender, request: RequestDescriptor<P, R>, params: P): Promise<R>;
export function sendRequest<P, R>(client: Sender, request: RequestDescriptor<P, R>, params?: P): Promise<R> {
  return params === undefined ? client.sendRequest<R>(request.method) : client.sendRequest<R>(request.method, params);
}

export function onNotification<P>(client: Sender, notification: NotificationDescriptor<P>, handler: (params: P) => void): { dispose(): void } {
  return client.onNotification(notification.method, handler);
}
