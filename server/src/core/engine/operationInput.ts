// Reads one operation's JSON input the way the KMS model declares it: required members,
// types, enums, lengths and base64 blobs, with AWS's validation messages.
import { constraintViolation, enumViolation } from './engineErrors';
import { KmsServiceError, type JsonObject } from './kmsEngineApi';

function serialization(member: string): KmsServiceError {
  return new KmsServiceError('SerializationException', `Unexpected type for member '${member}'.`);
}

/** `keyId` for `KeyId`: the model's member names as AWS prints them in validation errors. */
function memberName(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}

export class OperationInput {
  constructor(private readonly input: JsonObject) {}

  has(field: string): boolean {
    return this.input[field] !== undefined && this.input[field] !== null;
  }

  optionalString(field: string, limits?: { min?: number; max?: number }): string | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw serialization(field);
    checkLength(field, value.length, limits, value);
    return value;
  }

  requiredString(field: string, limits?: { min?: number; max?: number }): string {
    const value = this.optionalString(field, limits);
    if (value === undefined) throw constraintViolation(null, memberName(field), 'Member must not be null');
    return value;
  }

  optionalEnum<T extends string>(field: string, allowed: readonly T[], shownAllowed: readonly string[] = allowed): T | undefined {
    const value = this.optionalString(field);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw enumViolation(value, memberName(field), shownAllowed);
    return value as T;
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw serialization(field);
    return value;
  }

  optionalInteger(field: string, limits?: { min?: number; max?: number }): number | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(field);
    if (limits?.min !== undefined && value < limits.min) {
      throw constraintViolation(String(value), memberName(field), `Member must have value greater than or equal to ${limits.min}`);
    }
    if (limits?.max !== undefined && value > limits.max) {
      throw constraintViolation(String(value), memberName(field), `Member must have value less than or equal to ${limits.max}`);
    }
    return value;
  }

  /** Epoch seconds on the wire (JSON 1.1 timestamps); answers epoch milliseconds. */
  optionalTimestamp(field: string): number | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return Math.round(value * 1000);
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
    throw serialization(field);
  }

  /** A base64 blob; sensitive, so length errors never echo the value. */
  optionalBlob(field: string, limits?: { min?: number; max?: number }): Buffer | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    const bytes = typeof value === 'string' ? decodeBase64(value) : undefined;
    if (!bytes) throw serialization(field);
    // Blobs may be plaintext or key material: their value is never echoed in the error.
    checkLength(field, bytes.length, limits, undefined);
    return bytes;
  }

  requiredBlob(field: string, limits?: { min?: number; max?: number }): Buffer {
    const value = this.optionalBlob(field, limits);
    if (value === undefined) throw constraintViolation(null, memberName(field), 'Member must not be null');
    return value;
  }

  optionalStringMap(field: string): Record<string, string> | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw serialization(field);
    // No prototype: a context key such as `__proto__` is kept as the plain key it is.
    const out = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v !== 'string') throw serialization(field);
      out[k] = v;
    }
    return out;
  }

  optionalStringList(field: string): string[] | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(field);
    return value as string[];
  }

  optionalObjectList(field: string): JsonObject[] | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) throw serialization(field);
    return value as JsonObject[];
  }

  optionalObject(field: string): JsonObject | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw serialization(field);
    return value as JsonObject;
  }
}

/**
 * Standard or URL-safe base64, padded or not; undefined for anything else. Node's decoder skips
 * a character outside the alphabet without a word, so the check is on what it produced: n
 * characters of base64 always give floor(3n/4) bytes, and every skipped one makes that fewer
 * (n = 4k+1 is never base64, and is refused first). That costs less than a pattern over the text.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const expected = decodedLength(text);
  if (expected < 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === expected ? bytes : undefined;
}

/** Whether decodeBase64 would accept the text, without keeping the bytes (decoded into scratch space). */
export function isBase64Text(text: string): boolean {
  const expected = decodedLength(text);
  if (expected < 0) return false;
  if (scratch.length < expected) scratch = Buffer.allocUnsafe(Math.max(expected, scratch.length * 2));
  return scratch.write(text, 0, expected, 'base64') === expected;
}

let scratch = Buffer.allocUnsafe(8192);

/** The bytes base64 text of this length gives, or -1 when no base64 has this shape. */
function decodedLength(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  if (text.length - end > 2 || end % 4 === 1) return -1;
  return Math.floor((end * 3) / 4);
}

/** AWS's length constraint texts, echoing `shown` (undefined for sensitive values). */
function checkLength(field: string, length: number, limits: { min?: number; max?: number } | undefined, shown: string | undefined): void {
  if (limits?.min !== undefined && length < limits.min) {
    throw constraintViolation(shown, memberName(field), `Member must have length greater than or equal to ${limits.min}`);
  }
  if (limits?.max !== undefined && length > limits.max) {
    throw constraintViolation(shown, memberName(field), `Member must have length less than or equal to ${limits.max}`);
  }
}
