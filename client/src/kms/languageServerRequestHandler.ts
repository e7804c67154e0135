// An AWS SDK request handler that never opens a socket: it hands the signed HTTP request to the
// language server, which verifies the signature and runs it through the embedded engine exactly
// as `kms-policy serve` would. The SDK above it (serialization, errors, retries) is unchanged.
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import type { WireRequest, WireResponse } from '../../../server/src/protocol';

/** Sends one custom request to the language server (resolved once the client is running). */
export type WireSender = (request: WireRequest) => Promise<WireResponse>;

export class LanguageServerRequestHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  constructor(private readonly send: WireSender) {}

  async handle(request: HttpRequest, _options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = value;
    const wire: WireRequest = {
      method: request.method,
      path: request.path + queryString(request.query),
      headers,
      bodyBase64: bodyToBase64(request.body),
    };
    const answer = await this.send(wire);
    return {
      response: {
        statusCode: answer.statusCode,
        headers: { ...answer.headers },
        body: new Uint8Array(Buffer.from(answer.bodyBase64, 'base64')),
      },
    };
  }

  updateHttpClientConfig(): void {
    // No transport settings: the language server connection is the transport.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const values = value === null ? [] : Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function bodyToBase64(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return Buffer.from(body, 'utf8').toString('base64');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('base64');
  throw new Error('The embedded engine accepts only in-memory request bodies.');
}
