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

export interface ListedKey {
  readonly metadata: KeyMetadata;
  readonly aliases: readonly string[];
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
  const keyIds: string[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListKeysCommand({ Marker: marker }));
    for (const entry of page.Keys ?? []) if (entry.KeyId) keyIds.push(entry.KeyId);
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  const aliases = await listAliases(client);
  const byKey = new Map<string, string[]>();
  for (const alias of aliases) {
    if (!alias.TargetKeyId || !alias.AliasName) continue;
    byKey.set(alias.TargetKeyId, [...(byKey.get(alias.TargetKeyId) ?? []), alias.AliasName]);
  }
  const described = await Promise.all(
    keyIds.map(async (keyId) => (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata),
  );
  return described
    .filter((m): m is KeyMetadata => m !== undefined)
    // AWS managed keys cannot be used for encrypt selection or managed here, but they are shown.
    .map((metadata) => ({ metadata, aliases: (byKey.get(metadata.KeyId ?? '') ?? []).sort() }))
    .sort((a, b) => keyLabel(a).localeCompare(keyLabel(b)));
}

/** The name a person recognises: the first alias without `alias/`, else the key id. */
export function keyLabel(key: ListedKey): string {
  const alias = key.aliases[0];
  return alias ? alias.replace(/^alias\//, '') : (key.metadata.KeyId ?? '?');
}
