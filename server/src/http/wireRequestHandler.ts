// The KMS JSON 1.1 wire protocol, independent of transport: the loopback HTTP server and the
// in-editor bridge both hand it a signed request and send back what it answers. It routes
// `TrentService.<Op>` to the engine and `BaldrApiService.<Op>` to its simulated CloudHSM,
// after checking the content type and the SigV4 signature, and turns every failure into a
// KMS-shaped error rather than an exception. CloudTrail's LookupEvents is served too, over the
// engine's own events.
import type { WireRequest, WireResponse } from '../protocol';
import { lookupEventsOutput, parseLookupEventsInput } from '../core/engine/cloudTrailLookup';
import { KmsServiceError, type AuthenticatedCaller, type JsonObject, type KmsEngineService } from '../core/engine/kmsEngineApi';
import type { RawWireRequest, RawWireResponse } from './rawWireMessage';
import { verifySigV4 } from './sigV4Verifier';
import { errorResponse, jsonResponse, JSON_11_CONTENT_TYPE, WireErrors } from './wireErrors';

/** The services served at `POST /`, by X-Amz-Target prefix, with the SigV4 signing name each expects. */
const SERVICES = {
  TrentService: { signingName: 'kms' },
  BaldrApiService: { signingName: 'cloudhsm' },
  // The AWS SDKs send the short form; the API model names the long one.
  CloudTrail_20131101: { signingName: 'cloudtrail' },
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': { signingName: 'cloudtrail' },
} as const;
type ServiceName = keyof typeof SERVICES;

export interface WireHandlerOptions {
  /** Wall-clock time for the signature's five-minute window; defaults to the system clock. */
  readonly now?: () => Date;
  /** Told about unexpected failures (answered as KMSInternalException), e.g. to log them. */
  readonly onInternalError?: (error: unknown, operation: string) => void;
}

/** The transport-neutral entry of the in-editor bridge: base64 bodies as in protocol.ts. */
export async function handleWireRequest(
  engine: KmsEngineService,
  request: WireRequest,
  options: WireHandlerOptions = {},
): Promise<WireResponse> {
  let response: RawWireResponse;
  if (!request || typeof request !== 'object' || typeof request.method !== 'string' || typeof request.path !== 'string') {
    response = errorResponse(WireErrors.serialization('The forwarded request needs method, path, headers and bodyBase64.'));
  } else {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
    const body = typeof request.bodyBase64 === 'string' ? Buffer.from(request.bodyBase64, 'base64') : Buffer.alloc(0);
    response = await handleRawWireRequest(engine, { method: request.method, path: request.path, headers, body }, options);
  }
  return { statusCode: response.statusCode, headers: response.headers, bodyBase64: response.body.toString('base64') };
}

/**
 * Answers one request. The answer comes back at once when the operation needs no wait (every
 * cryptographic operation), so the whole request is handled in one go; otherwise a promise.
 */
export function handleRawWireRequest(
  engine: KmsEngineService,
  request: RawWireRequest,
  options: WireHandlerOptions = {},
): RawWireResponse | Promise<RawWireResponse> {
  let operation = '';
  try {
    const target = request.headers['x-amz-target'] ?? '';
    // The operation follows the last dot: CloudTrail's service name has dots of its own.
    const dot = target.lastIndexOf('.');
    const serviceName = target.slice(0, dot);
    operation = target.slice(dot + 1);
    if (request.method.toUpperCase() !== 'POST' || dot < 0 || !(serviceName in SERVICES) || !/^[A-Za-z0-9]+$/.test(operation)) {
      throw WireErrors.unknownOperation(target);
    }
    const service = SERVICES[serviceName as ServiceName];

    const givenType = request.headers['content-type'] ?? '';
    const contentType = givenType === JSON_11_CONTENT_TYPE ? givenType : givenType.split(';')[0]!.trim().toLowerCase();
    if (contentType !== JSON_11_CONTENT_TYPE) {
      throw WireErrors.serialization(
        `Expected Content-Type ${JSON_11_CONTENT_TYPE}, got ${contentType ? `'${contentType}'` : 'none'}.`,
      );
    }

    const signature = verifySigV4(request, {
      findAccessKey: (id) => engine.findAccessKey(id),
      service: service.signingName,
      now: options.now ? options.now() : new Date(),
    });
    const input = parseJsonObject(request.body);
    const caller: AuthenticatedCaller = {
      principalArn: signature.accessKey.principalArn,
      accountId: signature.accessKey.accountId,
      accessKeyId: signature.accessKey.accessKeyId,
      region: signature.region,
      ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
      requestContext: {
        'aws:SecureTransport': false,
        ...(request.sourceIp ? { 'aws:SourceIp': request.sourceIp } : {}),
      },
    };
    const output =
      serviceName === 'BaldrApiService'
        ? engine.executeCloudHsm(operation, input, caller)
        : serviceName === 'TrentService'
          ? engine.executeNow(operation, input, caller)
          : lookupEvents(engine, operation, input, caller);
    if (!(output instanceof Promise)) return jsonResponse(200, output ?? {});
    return output.then(
      (result) => jsonResponse(200, result ?? {}),
      (error: unknown) => failureResponse(error, operation, options),
    );
  } catch (error) {
    return failureResponse(error, operation, options);
  }
}

function lookupEvents(engine: KmsEngineService, operation: string, input: JsonObject, caller: AuthenticatedCaller): JsonObject {
  if (operation !== 'LookupEvents' || !engine.lookupEvents) throw WireErrors.unknownOperation(`CloudTrail_20131101.${operation}`);
  return lookupEventsOutput(engine.lookupEvents(parseLookupEventsInput(input), caller));
}

function failureResponse(error: unknown, operation: string, options: WireHandlerOptions): RawWireResponse {
  if (error instanceof KmsServiceError) return errorResponse(error);
  options.onInternalError?.(error, operation);
  return errorResponse(WireErrors.internal());
}

function parseJsonObject(body: Buffer): JsonObject {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    // The parser's own message may quote the body, which can hold plaintext: give the position only.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw WireErrors.serialization(`The request body is not valid JSON${position ? ` (at position ${position})` : ''}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw WireErrors.serialization('The request body must be a JSON object.');
  }
  return parsed as JsonObject;
}
