// An AWS SDK request handler that needs no socket. Given an engine, it hands each signed request
// to handleRawWireRequest, the transport-neutral entry the loopback server also uses, with the
// body as bytes. Given a WireSender, it frames the request as the in-editor bridge does (base64
// bodies, protocol.ts), so tests can drive the bridge exactly as the extension does.
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import type { KmsEngineService } from '../../../server/src/core/engine/kmsEngineApi';
import type { RawWireRequest, RawWireResponse } from '../../../server/src/http/rawWireMessage';
import { handleRawWireRequest } from '../../../server/src/http/wireRequestHandler';
import type { WireRequest, WireResponse } from '../../../server/src/protocol';

export type WireSender = (request: WireRequest) => Promise<WireResponse>;
type RawSender = (request: RawWireRequest) => RawWireResponse | Promise<RawWireResponse>;

export class InProcessRequestHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  private readonly send: RawSender;

  constructor(target: KmsEngineService | WireSender) {
    this.send = typeof target === 'function' ? throughBridgeFraming(target) : (request) => handleRawWireRequest(target, request);
  }

  async handle(request: HttpRequest, _options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const headers: Record<string, string> = {};
    for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name]!;
    const answer = await this.send({ method: request.method, path: pathWithQuery(request), headers, body: bodyBytes(request.body) });
    // Each answer has headers of its own, so the SDK may keep them as they are.
    const body = new Uint8Array(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
    return { response: { statusCode: answer.statusCode, headers: answer.headers as Record<string, string>, body } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

function throughBridgeFraming(send: WireSender): RawSender {
  return async (request) => {
    const answer = await send({ method: request.method, path: request.path, headers: { ...request.headers } as Record<string, string>, bodyBase64: request.body.toString('base64') });
    return { statusCode: answer.statusCode, headers: answer.headers, body: Buffer.from(answer.bodyBase64, 'base64') };
  };
}

function pathWithQuery(request: HttpRequest): string {
  if (!request.query || Object.keys(request.query).length === 0) return request.path;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const v of value === null ? [] : Array.isArray(value) ? value : [value]) query.append(name, v);
  }
  const queryText = query.toString();
  return request.path + (queryText ? `?${queryText}` : '');
}

function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('Only in-memory request bodies can be handed over in process.');
}
