// A key the user types instead of picking: a key id, key ARN, alias name or alias ARN. A caller
// may use a key it cannot list (ListKeys is an IAM permission of the account, Encrypt one of the
// key policy), so the pickers take any of these, find where the key lives, and fall back to the
// typed text when DescribeKey is refused too. No vscode here: the picker's decisions are tested alone.
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { parseKeyReference, type KeyReference } from '../../../server/src/core/arn/kmsKeyReference';
import type { ListedKey } from './keyListing';

export const TYPED_KEY_PROMPT = 'A key id, key ARN, alias name (alias/…) or alias ARN';

/**
 * The reference a user means by `text`: as KMS reads it, or a bare alias name without its
 * `alias/` prefix (as Create Key and the command arguments accept). Undefined when it is neither.
 */
export function typedKeyReference(text: string): KeyReference | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return parseKeyReference(trimmed) ?? (trimmed.includes(':') || trimmed.startsWith('alias/') ? undefined : parseKeyReference(`alias/${trimmed}`));
}

/** What is wrong with a typed key, for an input box; undefined when it is usable. */
export function typedKeyProblem(text: string): string | undefined {
  if (!text.trim()) return `${TYPED_KEY_PROMPT}.`;
  if (typedKeyReference(text)) return undefined;
  const trimmed = text.trim();
  if (trimmed.startsWith('arn:')) return 'Not a KMS key or alias ARN: arn:aws:kms:REGION:ACCOUNT:key/KEY-ID or …:alias/NAME.';
  return `Not a key id (a UUID or mrk-…) nor an alias name (letters, digits, /, _ and -): ${TYPED_KEY_PROMPT}.`;
}

/** How the picker describes a reference: "key ARN", "alias", … */
export function typedKeyKind(reference: KeyReference): string {
  switch (reference.kind) {
    case 'keyId':
      return 'key id';
    case 'keyArn':
      return 'key ARN';
    case 'aliasName':
      return 'alias';
    case 'aliasArn':
      return 'alias ARN';
  }
}

export interface KeyLocation {
  readonly backendId: string;
  readonly region: string;
}

/**
 * Where a typed key may live: the Region its ARN names (in every backend, the ARN's account
 * decides which one answers), else every browsed Region of every backend.
 */
export function typedKeyLocations(reference: KeyReference, backends: readonly { readonly id: string; readonly regions: readonly string[] }[]): KeyLocation[] {
  const arnRegion = 'arn' in reference ? reference.arn.region : undefined;
  return backends.flatMap((b) => (arnRegion ? [arnRegion] : b.regions).map((region) => ({ backendId: b.id, region })));
}

export interface DescribeOutcome {
  readonly location: KeyLocation;
  readonly metadata?: KeyMetadata;
  /** Why DescribeKey failed: the error's name (NotFoundException, AccessDeniedException…) and text. */
  readonly errorName?: string;
  readonly error?: string;
}

/**
 * Which location to use after trying DescribeKey in each: the one place that knows the key; a
 * choice among several that do; else a choice among those that did not say the key does not
 * exist (DescribeKey may be denied where Encrypt is allowed). `none` when every one said so.
 */
export function chooseTypedKeyLocation(outcomes: readonly DescribeOutcome[]): { use: DescribeOutcome } | { ask: DescribeOutcome[] } | { none: DescribeOutcome[] } {
  const found = outcomes.filter((o) => o.metadata);
  if (found.length === 1) return { use: found[0]! };
  if (found.length > 1) return { ask: found };
  const possible = outcomes.filter((o) => o.errorName !== 'NotFoundException');
  if (possible.length === 1) return { use: possible[0]! };
  if (possible.length > 1) return { ask: possible };
  return { none: [...outcomes] };
}

/**
 * The key as the picker hands it on. Without metadata (DescribeKey refused) it carries only
 * what the text says: the key id and ARN of a key reference, the alias of an alias reference.
 */
export function typedListedKey(reference: KeyReference, metadata?: KeyMetadata, describeError?: string): ListedKey {
  const aliases = reference.kind === 'aliasName' ? [reference.text] : reference.kind === 'aliasArn' ? [`alias/${reference.arn.resource}`] : [];
  if (metadata) return { metadata, aliases };
  const fromText: KeyMetadata =
    reference.kind === 'keyId'
      ? { KeyId: reference.text }
      : reference.kind === 'keyArn'
        ? { KeyId: reference.arn.resource, Arn: reference.text }
        : { KeyId: undefined };
  return { metadata: fromText, aliases, ...(describeError ? { describeError } : {}) };
}

/**
 * Why a described key cannot encrypt a selection, or undefined when it can. Selection encryption
 * uses Encrypt and GenerateDataKey, which take an enabled symmetric encryption key; AWS managed
 * keys are for their service only.
 */
export function unusableForSelection(metadata: KeyMetadata): string | undefined {
  if (metadata.KeyManager === 'AWS') return 'it is an AWS managed key, usable only through its AWS service';
  if (metadata.KeyUsage && metadata.KeyUsage !== 'ENCRYPT_DECRYPT') return `its key usage is ${metadata.KeyUsage}`;
  if (metadata.KeySpec && metadata.KeySpec !== 'SYMMETRIC_DEFAULT') return `its key spec is ${metadata.KeySpec}, not SYMMETRIC_DEFAULT`;
  if (metadata.KeyState && metadata.KeyState !== 'Enabled') return `its state is ${metadata.KeyState}`;
  return undefined;
}

/** A chosen key: listed, or typed (then `typed` holds the text). */
export interface ChosenKey {
  readonly key: ListedKey;
  readonly typed?: string;
}

/** The KeyId to send for a chosen key: its ARN, else what was typed, else its id. */
export function keyIdForRequests(chosen: ChosenKey): string {
  return chosen.key.metadata.Arn ?? chosen.typed ?? chosen.key.metadata.KeyId ?? '';
}
