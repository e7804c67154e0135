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

/** `arn:aws:kms:us-east-1:111122223333:key/<id>`: the one way a key ARN is written. */
export function kmsKeyArn(partition: string, region: string, account: string, keyId: string): string {
  return `arn:${partition}:kms:${region}:${account}:key/${keyId}`;
}

/** `arn:aws:kms:us-east-1:111122223333:alias/<name>` for an alias name (`alias/...`). */
export function kmsAliasArn(partition: string, region: string, account: string, aliasName: string): string {
  return `arn:${partition}:kms:${region}:${account}:${aliasName}`;
}
