// The loopback KMS endpoint: node:http in front of the wire protocol. Binds 127.0.0.1 unless
// told otherwise, caps body size and request time, keeps connections alive for SDK clients,
// and answers every failure with a KMS-shaped error instead of dropping the connection. Any web
// page the user opens can reach it, so before anything else it checks the Host (DNS rebinding),
// refuses requests sent by pages (Origin), requires the admin token on `/_studio/`, and closes
// connections that stay silent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KmsServiceError, type KmsEngineService } from '../core/engine/kmsEngineApi';
import type { RawWireRequest, RawWireResponse } from './rawWireMessage';
import { handleRawWireRequest, type WireHandlerOptions } from './wireRequestHandler';
import { errorResponse, WireErrors } from './wireErrors';
import { LocalServerGuard, newAdminToken, type Refusal } from './localServerGuard';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Bodies declared larger than this are refused at once instead of drained. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export interface KmsHttpServerOptions extends WireHandlerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly maxBodyBytes?: number;
  /** Time allowed to receive a whole request; the socket is closed after it. */
  readonly requestTimeoutMs?: number;
  /** Time a connection may stay silent with no request in progress (one that never sends a byte too). */
  readonly idleTimeoutMs?: number;
  /**
   * Host header values accepted besides the loopback names with the bound port: `name` (the
   * server's port is implied) or `name:port`, IPv6 addresses in brackets.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Extra routes under `/_studio/` (e.g. the clock), answered only for loopback callers that
   * send the server's admin token. Return undefined to fall through to a 404.
   */
  readonly adminRoute?: (request: RawWireRequest) => Promise<RawWireResponse | undefined>;
  /** Told about every KMS/CloudHSM exchange once answered, e.g. for `serve --log`. */
  readonly onExchange?: (exchange: ExchangeSummary) => void;
}

export interface ExchangeSummary {
  /** The X-Amz-Target, e.g. `TrentService.Decrypt`. */
  readonly target: string;
  /** The access key id from the credential scope, when the request had one. */
  readonly accessKeyId?: string;
  readonly statusCode: number;
  /** The error name (`x-amzn-errortype`) for failures. */
  readonly errorType?: string;
  readonly durationMs: number;
}

export interface RunningKmsHttpServer {
  /** `http://HOST:PORT`, ready for an SDK's `endpoint` or the CLI's `--endpoint-url`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The secret `/_studio/` routes require as `Authorization: Bearer TOKEN`; new for each server. */
  readonly adminToken: string;
  close(): Promise<void>;
}

export async function startKmsHttpServer(
  engine: KmsEngineService,
  options: KmsHttpServerOptions = {},
): Promise<RunningKmsHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const idleTimeout = options.idleTimeoutMs ?? 10_000;
  /** Set once listening: the Host it accepts depends on the port the system picked. */
  const started: { guard?: LocalServerGuard } = {};
  /** Sockets with a request being answered: the idle timeout leaves them alone. */
  const busy = new Set<unknown>();
  const server = createServer({
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 10_000),
    keepAliveTimeout: 5_000,
    // Node checks the two timeouts above on this interval (30 s by default), so a stalled
    // client would otherwise hold its socket up to 30 s past its limit.
    connectionsCheckingInterval: Math.min(1_000, requestTimeout),
  });

  // Node's headersTimeout and requestTimeout only start with a request's first byte; a connection
  // that never sends one would be held forever. The socket timeout closes it, and any connection
  // silent that long between requests.
  server.setTimeout(idleTimeout);
  server.on('timeout', (socket: Socket) => {
    if (!busy.has(socket)) socket.destroy();
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined);
    const socket = req.socket;
    busy.add(socket);
    res.on('close', () => busy.delete(socket));
    const isAdmin = (req.url ?? '').startsWith('/_studio/');
    // Refused before the body is read or the signature checked: no engine work for a page's request.
    const guard = started.guard;
    const refusal = guard
      ? (guard.refuseRequest(req.headers) ?? (isAdmin ? guard.refuseAdminRequest(req.method ?? 'GET', req.headers) : undefined))
      : { statusCode: 503, message: 'The server is starting.' };
    if (refusal) {
      send(res, isAdmin ? adminRefusal(refusal) : errorResponse(new KmsServiceError('AccessDeniedException', refusal.message, refusal.statusCode)), true);
      return;
    }
    readBody(req, maxBodyBytes).then(
      async (body) => {
        if (body === 'too-large') {
          send(res, errorResponse(WireErrors.tooLarge(maxBodyBytes)), true);
          return;
        }
        const request: RawWireRequest = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers as Record<string, string | undefined>,
          body,
          sourceIp: normalizeIp(req.socket.remoteAddress),
        };
        if (request.path.startsWith('/_studio/')) {
          const admin = isLoopback(req.socket.remoteAddress) && options.adminRoute ? await options.adminRoute(request) : undefined;
          send(res, admin ?? { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not found\n') });
          return;
        }
        const started = options.onExchange ? performance.now() : 0;
        const response = await handleRawWireRequest(engine, request, options);
        send(res, response);
        options.onExchange?.({
          target: request.headers['x-amz-target'] ?? '',
          accessKeyId: /Credential=([^/\s,]+)\//.exec(request.headers['authorization'] ?? '')?.[1],
          statusCode: response.statusCode,
          errorType: response.headers['x-amzn-errortype'],
          durationMs: performance.now() - started,
        });
      },
      () => {
        // The client went away or the request timed out mid-body: nothing left to answer.
        if (!res.headersSent && !res.destroyed) send(res, errorResponse(WireErrors.timeout()), true);
      },
    ).catch((error: unknown) => {
      options.onInternalError?.(error, '');
      if (!res.headersSent && !res.destroyed) send(res, errorResponse(WireErrors.internal()), true);
    });
  });
  // Requests node cannot parse or that ran out of time: still a KMS-shaped answer, then close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT';
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const answer = errorResponse(
      timedOut
        ? WireErrors.timeout()
        : tooLarge
          ? new KmsServiceError('RequestHeaderFieldsTooLargeException', 'The request headers are too large.', 431)
          : WireErrors.serialization('The request is not well-formed HTTP.'),
    );
    const reason = timedOut ? 'Request Timeout' : tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
    const head = Object.entries({ ...answer.headers, connection: 'close' })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${answer.statusCode} ${reason}\r\n${head}\r\n`), answer.body]));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const adminToken = newAdminToken();
  started.guard = new LocalServerGuard(host, port, options.allowedHosts ?? [], adminToken);
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    adminToken,
    close: () => closeServer(server),
  };
}

/** The whole body, or 'too-large' once it passes the limit (the rest is drained, not kept). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > DRAIN_LIMIT_BYTES) {
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (size > DRAIN_LIMIT_BYTES) {
        resolve('too-large');
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function send(res: ServerResponse, response: RawWireResponse, closeAfter = false): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers, 'content-length': String(response.body.length) };
  if (closeAfter) headers['connection'] = 'close';
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

function adminRefusal(refusal: Refusal): RawWireResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (refusal.statusCode === 401) headers['www-authenticate'] = 'Bearer';
  return { statusCode: refusal.statusCode, headers, body: Buffer.from(JSON.stringify({ error: refusal.message }) + '\n', 'utf8') };
}

function normalizeIp(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

function isLoopback(address: string | undefined): boolean {
  const ip = normalizeIp(address);
  return ip === '::1' || (ip?.startsWith('127.') ?? false);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests in flight get a moment to finish; then their sockets go too.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}
