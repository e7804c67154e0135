// The request of a scenario, read defensively: whatever arrives (a hand-written file, the wire,
// a partially filled form), the evaluator works on strings, string maps and string arrays, so a
// wrong type becomes an absent value instead of an exception.
import type { RequestedGrant, ScenarioRequest } from './scenario';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  let clean = true;
  for (const k in value) if (typeof value[k] !== 'string') clean = false;
  if (clean) return value as Record<string, string>;
  const out: Record<string, string> = {};
  for (const k in value) if (value[k] !== undefined && value[k] !== null) out[k] = String(value[k]);
  return out;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function readGrant(value: unknown): RequestedGrant | undefined {
  if (!isObject(value) || typeof value.granteePrincipal !== 'string') return undefined;
  const constraints = isObject(value.constraints)
    ? { encryptionContextEquals: stringMap(value.constraints.encryptionContextEquals), encryptionContextSubset: stringMap(value.constraints.encryptionContextSubset) }
    : null;
  return { granteePrincipal: value.granteePrincipal, retiringPrincipal: optionalString(value.retiringPrincipal), operations: stringArray(value.operations) ?? [], constraints };
}

/** The request with every field of the expected type (or absent). Well-formed requests pass through unchanged. */
export function readRequest(raw: unknown): ScenarioRequest {
  const r = isObject(raw) ? raw : {};
  const wellFormed =
    typeof r.principal === 'string' &&
    typeof r.action === 'string' &&
    typeof r.resource === 'string' &&
    (r.keyIdAsGiven === undefined || typeof r.keyIdAsGiven === 'string') &&
    (r.region === undefined || typeof r.region === 'string') &&
    (r.viaService === undefined || typeof r.viaService === 'string') &&
    (r.encryptionAlgorithm === undefined || typeof r.encryptionAlgorithm === 'string') &&
    (r.grantId === undefined || typeof r.grantId === 'string') &&
    (r.encryptionContext === undefined || stringMap(r.encryptionContext) === r.encryptionContext) &&
    (r.grantTokens === undefined || (Array.isArray(r.grantTokens) && r.grantTokens.every((t) => typeof t === 'string'))) &&
    (r.context === undefined || isObject(r.context)) &&
    (r.grant === undefined || (isObject(r.grant) && typeof r.grant.granteePrincipal === 'string' && Array.isArray(r.grant.operations)));
  if (wellFormed) return r as unknown as ScenarioRequest;
  return {
    principal: typeof r.principal === 'string' ? r.principal : '',
    action: typeof r.action === 'string' ? r.action : '',
    resource: typeof r.resource === 'string' ? r.resource : '',
    region: optionalString(r.region),
    encryptionContext: stringMap(r.encryptionContext),
    grantTokens: stringArray(r.grantTokens),
    context: isObject(r.context) ? (r.context as ScenarioRequest['context']) : undefined,
    keyIdAsGiven: optionalString(r.keyIdAsGiven),
    viaService: optionalString(r.viaService),
    encryptionAlgorithm: optionalString(r.encryptionAlgorithm),
    grant: readGrant(r.grant),
    grantId: optionalString(r.grantId),
    keyFromCiphertext: r.keyFromCiphertext === true,
  };
}
