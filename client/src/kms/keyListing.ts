// Reads what the explorer and the key pickers show: every key of a Region with its metadata and
// aliases, paging through ListKeys and ListAliases as AWS requires.
import {
  DescribeKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  type AliasListEntry,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { formatKmsError } from './kmsErrorMessage';

export interface ListedKey {
  /** Full metadata; only KeyId and Arn when DescribeKey was refused. */
  readonly metadata: KeyMetadata;
  readonly aliases: readonly string[];
  /**
   * Why DescribeKey failed for this key, e.g. AccessDenied: ListKeys is an IAM permission of
   * the account, DescribeKey a permission of the key policy, so a caller can list a key it
   * cannot read. The key is still listed, with the reason.
   */
  readonly describeError?: string;
}

export async function listAliases(client: KMSClient, keyId?: string): Promise<AliasListEntry[]> {
  const aliases: AliasListEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListAliasesCommand({ Marker: marker, KeyId: keyId }));
    aliases.push(...(page.Aliases ?? []));
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return aliases;
}

export async function listKeys(client: KMSClient): Promise<ListedKey[]> {
  const listed: { KeyId: string; KeyArn?: string }[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListKeysCommand({ Marker: marker }));
    for (const entry of page.Keys ?? []) if (entry.KeyId) listed.push({ KeyId: entry.KeyId, KeyArn: entry.KeyArn });
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  const aliases = await listAliases(client);
  const byKey = new Map<string, string[]>();
  for (const alias of aliases) {
    if (!alias.TargetKeyId || !alias.AliasName) continue;
    byKey.set(alias.TargetKeyId, [...(byKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
  }
  const keys = await Promise.all(
    listed.map(async (entry): Promise<ListedKey> => {
      const keyAliases = (byKey.get(entry.KeyId) ?? []).sort();
      try {
        const metadata = (await client.send(new DescribeKeyCommand({ KeyId: entry.KeyId }))).KeyMetadata;
        return { metadata: metadata ?? { KeyId: entry.KeyId, Arn: entry.KeyArn }, aliases: keyAliases };
      } catch (error) {
        // One key the caller may not read must not hide the others.
        return { metadata: { KeyId: entry.KeyId, Arn: entry.KeyArn }, aliases: keyAliases, describeError: formatKmsError(error) };
      }
    }),
  );
  // AWS managed keys cannot be used for encrypt selection or managed here, but they are shown.
  return keys.sort((a, b) => keyLabel(a).localeCompare(keyLabel(b)));
}

/** The name a person recognises: the first alias without `alias/`, else the key id. */
export function keyLabel(key: ListedKey): string {
  const alias = key.aliases[0];
  return alias ? alias.replace(/^alias\//, '') : (key.metadata.KeyId ?? '?');
}
