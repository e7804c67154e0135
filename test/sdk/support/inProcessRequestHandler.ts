// An AWS SDK request handler that hands each signed request straight to handleWireRequest,
// the same transport-neutral entry the in-editor bridge uses: no socket, the full protocol.
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import type { KmsEngineService } from '../../../server/src/core/engine/kmsEngineApi';
import { handleWireRequest } from '../../../server/src/http/wireRequestHandler';
import type { WireRequest, WireResponse } from '../../../server/src/protocol';

export type WireSender = (request: WireRequest) => Promise<WireResponse>;

export class InProcessRequestHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  private readonly send: WireSender;

  constructor(target: KmsEngineService | WireSender) {
    this.send = typeof target === 'function' ? target : (request) => handleWireRequest(target, request);
  }

  async handle(request: HttpRequest, _options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      for (const v of value === null ? [] : Array.isArray(value) ? value : [value]) query.append(name, v);
    }
    const queryText = query.toString();
    const answer = await this.send({
      method: request.method,
      path: request.path + (queryText ? `?${queryText}` : ''),
      headers: { ...request.headers },
      bodyBase64: bodyBase64(request.body),
    });
    return {
      response: {
        statusCode: answer.statusCode,
        headers: { ...answer.headers },
        body: new Uint8Array(Buffer.from(answer.bodyBase64, 'base64')),
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

function bodyBase64(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return Buffer.from(body, 'utf8').toString('base64');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
  throw new Error('Only in-memory request bodies can be handed over in process.');
}
