// Verifies the AWS Signature Version 4 `Authorization` header of a request, recomputing the
// signature with the secret the engine holds for the access key, and answers AWS's errors
// (with AWS's texts) for a missing, malformed, unknown, wrong or stale signature.
import * as cryptoModule from 'node:crypto';
import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { KmsServiceError, type AccessKeyRecord } from '../core/engine/kmsEngineApi';
import { WireErrors } from './wireErrors';
import type { RawWireRequest } from './rawWireMessage';

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS accepts a signing time up to five minutes away from its own. */
const ALLOWED_SKEW_MS = 5 * 60 * 1000;

export interface VerifiedSignature {
  readonly accessKey: AccessKeyRecord;
  /** From the credential scope: the Region the caller signed for. */
  readonly region: string;
  readonly service: string;
}

export interface SigV4VerifyOptions {
  readonly findAccessKey: (accessKeyId: string) => AccessKeyRecord | undefined;
  /** The signing service the endpoint expects in the credential scope (`kms`, `cloudhsm`). */
  readonly service: string;
  /** Wall-clock time for the skew check (the caller's clock, not the engine's simulated one). */
  readonly now: Date;
}

/** Everything in an Authorization header but the signature: the same for a client all day. */
interface AuthorizationFields {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signedHeadersText: string;
  /** `date/region/service/terminator`, as the string to sign holds it. */
  readonly scope: string;
  readonly regionIsValid: boolean;
  readonly signsHost: boolean;
}

interface ParsedAuthorization {
  readonly fields: AuthorizationFields;
  readonly signature: string;
}

const incomplete = (message: string) => new KmsServiceError('IncompleteSignatureException', message, 400);
const invalid = (message: string) => new KmsServiceError('InvalidSignatureException', message, 400);

export function verifySigV4(request: RawWireRequest, options: SigV4VerifyOptions): VerifiedSignature {
  const authorization = request.headers['authorization'];
  if (!authorization) throw WireErrors.missingAuthentication();
  const { fields: auth, signature } = parseAuthorization(authorization);

  const amzDate = request.headers['x-amz-date'];
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw incomplete(
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`,
    );
  }
  if (auth.scopeDate.length !== 8 || !amzDate.startsWith(auth.scopeDate)) {
    throw invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (auth.terminator !== 'aws4_request') {
    throw invalid(`Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'.`);
  }
  if (auth.service !== options.service) {
    throw invalid(`Credential should be scoped to correct service: '${options.service}'. `);
  }
  if (!auth.regionIsValid) {
    throw invalid('Credential should be scoped to a valid region. ');
  }
  if (!auth.signsHost) {
    throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // AWS: "Any x-amz-* headers that you plan to include in your request must also be added" to
  // the canonical headers (IAM User Guide, Create a signed AWS API request). Unsigned, a captured
  // ListAliases could be re-targeted to CreateKey with its signature still valid.
  for (const name in request.headers) {
    if (name.startsWith('x-amz-') && request.headers[name] !== undefined && !auth.signedHeaders.includes(name)) {
      throw invalid(`'${name}' must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }

  const accessKey = options.findAccessKey(auth.accessKeyId);
  if (!accessKey) throw WireErrors.unrecognizedClient();
  const sessionToken = request.headers['x-amz-security-token'];
  if ((accessKey.sessionToken ?? undefined) !== (sessionToken || undefined)) throw WireErrors.unrecognizedClient();

  const canonicalRequest = buildCanonicalRequest(request, auth);
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${auth.scope}\n${sha256Hex(canonicalRequest)}`;
  const key = signingKey(accessKey.secretAccessKey, auth);
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  const provided = Buffer.from(signature, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw invalid(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        `\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }

  checkSkew(amzDate, options.now);
  return { accessKey, region: auth.region, service: auth.service };
}

// A client sends the same Authorization header but for its last 64 characters (the signature)
// all day long; its fields are kept by that prefix (the last one seen, then a map). Only headers
// that parsed cleanly are kept, so every malformed one still meets the full parse and its error.
const SIGNATURE_SUFFIX = ', Signature=';
const SIGNATURE_START = 64 + SIGNATURE_SUFFIX.length;
const fieldsByPrefix = new Map<string, AuthorizationFields>();
let lastPrefix = '';
let lastFields: AuthorizationFields | undefined;

function parseAuthorization(header: string): ParsedAuthorization {
  const prefixLength = header.length - SIGNATURE_START;
  if (prefixLength > 0 && header.startsWith(SIGNATURE_SUFFIX, prefixLength)) {
    const signature = header.slice(prefixLength + SIGNATURE_SUFFIX.length);
    // Slice and compare: startsWith walks a long prefix character by character, 20x slower.
    const prefix = header.slice(0, prefixLength);
    let fields = prefix === lastPrefix ? lastFields : fieldsByPrefix.get(prefix);
    if (!fields) {
      fields = parseAuthorizationFully(header).fields;
      if (fieldsByPrefix.size >= MAX_CACHED_KEYS) fieldsByPrefix.clear();
      fieldsByPrefix.set(prefix, fields);
    }
    lastPrefix = prefix;
    lastFields = fields;
    if (HEX_SIGNATURE.test(signature)) return { fields, signature };
  }
  return parseAuthorizationFully(header);
}

const HEX_SIGNATURE = /^[0-9a-f]{64}$/;

function parseAuthorizationFully(header: string): ParsedAuthorization {
  const trimmed = header.trim();
  if (!trimmed.startsWith(ALGORITHM + ' ')) {
    throw incomplete(`Authorization header requires 'AWS4-HMAC-SHA256' as its algorithm. Authorization=${header}`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !fields.get(name));
  if (missing.length) {
    throw incomplete(
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ') + ` Authorization=${header}`,
    );
  }
  const credential = fields.get('Credential')!.split('/');
  if (credential.length !== 5 || credential.some((part) => !part)) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${fields.get('Credential')}'`,
    );
  }
  const signature = fields.get('Signature')!;
  if (!HEX_SIGNATURE.test(signature)) {
    throw invalid(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = credential as [string, string, string, string, string];
  const signedHeadersText = fields.get('SignedHeaders')!;
  const signedHeaders = signedHeadersText.split(';');
  return {
    fields: {
      accessKeyId,
      scopeDate,
      region,
      service,
      terminator,
      signedHeaders,
      signedHeadersText,
      scope: `${scopeDate}/${region}/${service}/${terminator}`,
      regionIsValid: /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region),
      signsHost: signedHeaders.includes('host'),
    },
    signature,
  };
}

function buildCanonicalRequest(request: RawWireRequest, auth: AuthorizationFields): string {
  const queryStart = request.path.indexOf('?');
  const rawPath = queryStart < 0 ? request.path : request.path.slice(0, queryStart);
  const query = queryStart < 0 ? '' : request.path.slice(queryStart + 1);
  let canonical = `${request.method.toUpperCase()}\n${canonicalPath(rawPath)}\n${canonicalQuery(query)}\n`;
  for (const name of auth.signedHeaders) canonical += `${name}:${canonicalHeaderValue(request.headers[name] ?? '')}\n`;
  // Always the hash of the body received: a signed `x-amz-content-sha256` header must not vouch
  // for a body that was swapped in transit (the signature then fails to match).
  return `${canonical}\n${auth.signedHeadersText}\n${sha256Hex(request.body)}`;
}

/** Trimmed, with runs of whitespace as one space; most values need neither, so skip the regex then. */
function canonicalHeaderValue(value: string): string {
  // One pattern finds what needs work (space at either end, a run, a tab or line break); most
  // values need none, and are then used as they are, without a trimmed copy.
  return NEEDS_NORMALISING.test(value) ? value.trim().replace(/\s+/g, ' ') : value;
}

const NEEDS_NORMALISING = /^\s|\s$|\s\s|[\t\n\r\f\v]/;

/** Each path segment URI-encoded twice, as every service but S3 signs it. */
function canonicalPath(rawPath: string): string {
  if (!rawPath || rawPath === '/') return '/';
  const segments = rawPath.split('/').map((segment) => uriEncode(uriEncode(safeDecode(segment, false))));
  return segments.join('/');
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter((pair) => pair && !pair.startsWith('X-Amz-Signature='))
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [uriEncode(safeDecode(name, true)), uriEncode(safeDecode(value, true))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Undoes the wire's percent-encoding; in a query string `+` also stands for a space. */
function safeDecode(text: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, '%20') : text);
  } catch {
    return text;
  }
}

/** RFC 3986 encoding as SigV4 specifies: everything but unreserved characters. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// Clients send the same X-Amz-Date for a whole second of requests.
let lastAmzDate = '';
let lastSignedAt = 0;

function checkSkew(amzDate: string, now: Date): void {
  const signedAt = amzDate === lastAmzDate ? lastSignedAt : signedAtOf(amzDate);
  lastAmzDate = amzDate;
  lastSignedAt = signedAt;
  const nowMs = now.getTime();
  if (signedAt < nowMs - ALLOWED_SKEW_MS) {
    throw invalid(
      `Signature expired: ${amzDate} is now earlier than ${toAmzDate(nowMs - ALLOWED_SKEW_MS)} (${toAmzDate(nowMs)} - 5 min.)`,
    );
  }
  if (signedAt > nowMs + ALLOWED_SKEW_MS) {
    throw invalid(
      `Signature not yet current: ${amzDate} is still later than ${toAmzDate(nowMs + ALLOWED_SKEW_MS)} (${toAmzDate(nowMs)} + 5 min.)`,
    );
  }
}

/** Epoch milliseconds of a `YYYYMMDDTHHMMSSZ` time. */
function signedAtOf(amzDate: string): number {
  return Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
}

export function toAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// crypto.hash (Node 20.12+) hashes in one call, without a Hash object per request.
const oneShotHash = (cryptoModule as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

function sha256Hex(data: string | Buffer): string {
  return oneShotHash ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

// Deriving the signing key takes four HMACs; the same key signs every request of a day. It is
// kept as a KeyObject: an HMAC under a KeyObject skips importing raw key bytes (about 1 µs a call).
const signingKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 256;

let lastSigning: { secret: string; scope: string; key: KeyObject } | undefined;

function signingKey(secret: string, auth: AuthorizationFields): KeyObject {
  if (lastSigning && lastSigning.secret === secret && lastSigning.scope === auth.scope) return lastSigning.key;
  const cacheKey = `${secret}\u0000${auth.scope}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(auth.scopeDate).digest();
    const kRegion = createHmac('sha256', kDate).update(auth.region).digest();
    const kService = createHmac('sha256', kRegion).update(auth.service).digest();
    key = createSecretKey(createHmac('sha256', kService).update('aws4_request').digest());
    if (signingKeys.size >= MAX_CACHED_KEYS) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  lastSigning = { secret, scope: auth.scope, key };
  return key;
}
