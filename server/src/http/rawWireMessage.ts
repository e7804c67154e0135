// An HTTP exchange with its body as bytes: what the loopback server reads off the socket.
// The base64 `WireRequest`/`WireResponse` of protocol.ts wrap these for the in-editor bridge.

export interface RawWireRequest {
  readonly method: string;
  /** Path with the query string, e.g. `/` or `/?X-Amz-Date=...`. */
  readonly path: string;
  /** Header names in lower case; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  /** Where the request came from (`aws:SourceIp`), when known. */
  readonly sourceIp?: string;
}

export interface RawWireResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}
