// KMS-shaped error responses: HTTP status, `x-amzn-errortype` and a JSON 1.1 body
// `{"__type": name, "message": text}`, the three places AWS SDKs look for the error name.
import { randomUUID } from 'node:crypto';
import { KmsServiceError } from '../core/engine/kmsEngineApi';
import type { RawWireResponse } from './rawWireMessage';

export const JSON_11_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Errors the protocol layer itself raises, before any operation runs. */
export const WireErrors = {
  missingAuthentication: () =>
    new KmsServiceError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', 400),
  unrecognizedClient: () =>
    new KmsServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
  unknownOperation: (target: string) =>
    new KmsServiceError('UnknownOperationException', `Unknown operation: '${target}'.`, 400),
  serialization: (message: string) => new KmsServiceError('SerializationException', message, 400),
  tooLarge: (limit: number) =>
    new KmsServiceError('RequestEntityTooLargeException', `Request body exceeds the ${limit}-byte limit.`, 413),
  timeout: () => new KmsServiceError('RequestTimeoutException', 'The request was not received in time.', 408),
  internal: () =>
    new KmsServiceError('KMSInternalException', 'The request processing has failed because of an unknown error.', 500),
} as const;

/** A JSON 1.1 answer with the headers every KMS response carries. */
export function jsonResponse(statusCode: number, body: unknown, extraHeaders: Record<string, string> = {}): RawWireResponse {
  const bytes = Buffer.from(JSON.stringify(body) ?? 'null', 'utf8');
  return {
    statusCode,
    headers: {
      'content-type': JSON_11_CONTENT_TYPE,
      'content-length': String(bytes.length),
      'x-amzn-requestid': randomUUID(),
      ...extraHeaders,
    },
    body: bytes,
  };
}

export function errorResponse(error: KmsServiceError): RawWireResponse {
  return jsonResponse(
    error.httpStatus,
    { __type: error.errorName, message: error.message },
    { 'x-amzn-errortype': error.errorName },
  );
}
