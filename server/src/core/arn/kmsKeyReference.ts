// What a caller may write wherever KMS takes a KeyId: a key id, a key ARN, an alias name or an
// alias ARN (AWS KMS API Reference, "KeyId" of Encrypt). The one home of that syntax: the engine
// resolves these forms, the client's key picker checks what a user types against them.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK = /^mrk-[0-9a-f]{32}$/;

/** CreateAlias's pattern for AliasName (AWS KMS API Reference, "CreateAlias"). */
export const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;

/** A key id: a UUID, or `mrk-` and 32 hex digits for a multi-Region key. */
export function isKeyId(text: string): boolean {
  return UUID.test(text) || MRK.test(text);
}

export function isAliasName(text: string): boolean {
  return ALIAS_NAME.test(text) && text.length <= 256;
}

export interface KmsArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly resourceType: 'key' | 'alias';
  /** The key id, or the alias name without `alias/`. */
  readonly resource: string;
}

/** A KMS key or alias ARN taken apart; undefined for any other text. */
export function parseKmsArn(arn: string): KmsArn | undefined {
  const m = /^arn:([a-z-]+):kms:([a-z0-9-]*):(\d{12}):(key|alias)\/(.+)$/.exec(arn);
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, account: m[3]!, resourceType: m[4] as 'key' | 'alias', resource: m[5]! };
}

export type KeyReference =
  | { readonly kind: 'keyId'; readonly text: string }
  | { readonly kind: 'aliasName'; readonly text: string }
  | { readonly kind: 'keyArn' | 'aliasArn'; readonly text: string; readonly arn: KmsArn };

/**
 * How KMS would read `text` as a KeyId, or undefined when it is none of the four forms. The text
 * is taken as written (no trimming): it is what goes on the wire.
 */
export function parseKeyReference(text: string): KeyReference | undefined {
  if (text.startsWith('arn:')) {
    const arn = parseKmsArn(text);
    if (!arn || !arn.region) return undefined;
    if (arn.resourceType === 'key') return isKeyId(arn.resource) ? { kind: 'keyArn', text, arn } : undefined;
    return isAliasName(`alias/${arn.resource}`) ? { kind: 'aliasArn', text, arn } : undefined;
  }
  if (text.startsWith('alias/')) return isAliasName(text) ? { kind: 'aliasName', text } : undefined;
  return isKeyId(text) ? { kind: 'keyId', text } : undefined;
}

export interface LocatedKeyReference {
  readonly form: KeyReference['kind'];
  /** Where it points: an ARN names its own account and Region, an id or alias name the caller's. */
  readonly account: string;
  readonly region: string;
  /** The key id, or the alias name with its `alias/` prefix. */
  readonly name: string;
  /** The key ARN or alias ARN the reference denotes. */
  readonly arn: string;
  /** KMS's NotFoundException message when nothing is there. */
  readonly notFoundMessage: string;
}

export type KeyReferenceReading =
  | { readonly ok: true; readonly reference: LocatedKeyReference }
  | { readonly ok: false; readonly message: string };

/**
 * Reads what a caller wrote as a KeyId the way KMS does, for the engine and the simulator alike:
 * "To specify a KMS key in a different AWS account, you must use its key ARN or alias ARN" (AWS
 * KMS API Reference, KeyId), so a key id or alias name points into the caller's account and the
 * Region the request was sent to; an ARN names its own account and must name that Region. The
 * failures carry the NotFoundException texts KMS answers (`Invalid arn`, `Invalid keyId`) and a
 * reading carries the text for when nothing is found where it points.
 */
export function locateKeyReference(
  given: string,
  scope: { readonly partition: string; readonly region: string; readonly account: string },
  options: { readonly allowAlias: boolean } = { allowAlias: true },
): KeyReferenceReading {
  const invalidKeyId = (text: string): KeyReferenceReading => ({ ok: false, message: `Invalid keyId '${text}'` });
  if (given.startsWith('arn:')) {
    const arn = parseKmsArn(given);
    if (!arn) return { ok: false, message: `Invalid arn ${given}` };
    if (arn.region !== scope.region) return { ok: false, message: `Invalid arn ${arn.region}` };
    if (arn.resourceType === 'alias') {
      if (!options.allowAlias) return invalidKeyId(given);
      const name = `alias/${arn.resource}`;
      return { ok: true, reference: { form: 'aliasArn', account: arn.account, region: arn.region, name, arn: given, notFoundMessage: `Alias ${given} is not found.` } };
    }
    if (!isKeyId(arn.resource)) return invalidKeyId(arn.resource);
    return { ok: true, reference: { form: 'keyArn', account: arn.account, region: arn.region, name: arn.resource, arn: given, notFoundMessage: `Key '${given}' does not exist` } };
  }
  if (given.startsWith('alias/')) {
    if (!options.allowAlias) return invalidKeyId(given);
    const arn = kmsAliasArn(scope.partition, scope.region, scope.account, given);
    return { ok: true, reference: { form: 'aliasName', account: scope.account, region: scope.region, name: given, arn, notFoundMessage: `Alias ${arn} is not found.` } };
  }
  if (!isKeyId(given)) return invalidKeyId(given);
  const arn = kmsKeyArn(scope.partition, scope.region, scope.account, given);
  return { ok: true, reference: { form: 'keyId', account: scope.account, region: scope.region, name: given, arn, notFoundMessage: `Key '${arn}' does not exist` } };
}

/** `arn:aws:kms:us-east-1:111122223333:key/<id>`: the one way a key ARN is written. */
export function kmsKeyArn(partition: string, region: string, account: string, keyId: string): string {
  return `arn:${partition}:kms:${region}:${account}:key/${keyId}`;
}

/** `arn:aws:kms:us-east-1:111122223333:alias/<name>` for an alias name (`alias/...`). */
export function kmsAliasArn(partition: string, region: string, account: string, aliasName: string): string {
  return `arn:${partition}:kms:${region}:${account}:${aliasName}`;
}
