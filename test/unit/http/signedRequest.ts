// Signs requests the way the AWS SDK does (with @smithy/signature-v4), so the verifier is
// checked against an independent implementation rather than against itself.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RawWireRequest } from '../../../server/src/http/rawWireMessage';
import { TEST_ACCESS_KEY } from './recordingEngine';

export interface SignOptions {
  readonly target?: string;
  readonly body?: string;
  readonly region?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  readonly contentType?: string;
  readonly path?: string;
  /** The Host header (`name:port`) the request is addressed and signed to; default 127.0.0.1:4599. */
  readonly host?: string;
  readonly query?: Record<string, string>;
  /** Headers sent but left out of the signature (lower case), as a careless or hostile client would. */
  readonly unsignedHeaders?: readonly string[];
  /** Extra headers sent with the request (and signed unless named in `unsignedHeaders`). */
  readonly extraHeaders?: Record<string, string>;
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer expects. */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

export async function signedRequest(options: SignOptions = {}): Promise<RawWireRequest> {
  const body = options.body ?? '{}';
  const request = {
    method: 'POST',
    protocol: 'http:',
    hostname: (options.host ?? '127.0.0.1:4599').replace(/:\d+$/, ''),
    port: Number(/:(\d+)$/.exec(options.host ?? '127.0.0.1:4599')?.[1] ?? 80),
    path: options.path ?? '/',
    query: options.query,
    headers: {
      host: options.host ?? '127.0.0.1:4599',
      'content-type': options.contentType ?? 'application/x-amz-json-1.1',
      'x-amz-target': options.target ?? 'TrentService.ListKeys',
      'content-length': String(Buffer.byteLength(body)),
      ...options.extraHeaders,
    },
    body,
  };
  const signer = new SignatureV4({
    service: options.service ?? 'kms',
    region: options.region ?? 'us-east-1',
    sha256: NodeSha256,
    credentials: {
      accessKeyId: options.accessKeyId ?? TEST_ACCESS_KEY.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? TEST_ACCESS_KEY.secretAccessKey,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
  });
  const signed = await signer.sign(request, {
    signingDate: options.signingDate ?? new Date(),
    ...(options.unsignedHeaders ? { unsignableHeaders: new Set(options.unsignedHeaders) } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  const queryString = new URLSearchParams(signed.query as Record<string, string>).toString().replace(/\+/g, '%20');
  return {
    method: 'POST',
    path: signed.path + (queryString ? `?${queryString}` : ''),
    headers,
    body: Buffer.from(body),
  };
}
