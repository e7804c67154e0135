// Picks a key for a data operation: keys of every backend the explorer shows, recently used
// first. Recent choices persist in global state (key ARNs only, nothing secret).
import * as vscode from 'vscode';
import type { StudioContext } from '../studioContext';
import type { KmsBackend } from './kmsBackend';
import { keyLabel, listKeys, type ListedKey } from './keyListing';
import { formatKmsError } from './kmsErrorMessage';

const RECENT_KEYS = 'kmsPolicyStudio.recentKeys';
const RECENT_LIMIT = 10;

export interface PickedKey {
  readonly backend: KmsBackend;
  readonly region: string;
  readonly key: ListedKey;
}

interface RecentKey {
  readonly backendId: string;
  readonly region: string;
  readonly keyArn: string;
}

interface KeyItem extends vscode.QuickPickItem {
  readonly picked?: boolean;
  readonly target?: PickedKey;
}

export function recordRecentKey(ctx: StudioContext, picked: PickedKey): void {
  const entry: RecentKey = { backendId: picked.backend.id, region: picked.region, keyArn: picked.key.metadata.Arn ?? '' };
  const recent = ctx.extension.globalState.get<RecentKey[]>(RECENT_KEYS, []).filter((r) => r.keyArn !== entry.keyArn);
  void ctx.extension.globalState.update(RECENT_KEYS, [entry, ...recent].slice(0, RECENT_LIMIT));
}

/** Every usable key (enabled symmetric encryption keys) of every backend and Region. */
export async function usableKeys(ctx: StudioContext): Promise<{ keys: PickedKey[]; errors: string[] }> {
  const keys: PickedKey[] = [];
  const errors: string[] = [];
  for (const backend of ctx.backends()) {
    for (const region of await backend.regions().catch(() => [] as string[])) {
      try {
        const client = await backend.client(region);
        for (const key of await listKeys(client)) {
          const m = key.metadata;
          if (m.KeyState === 'Enabled' && m.KeyUsage === 'ENCRYPT_DECRYPT' && m.KeySpec === 'SYMMETRIC_DEFAULT' && m.KeyManager !== 'AWS') {
            keys.push({ backend, region, key });
          }
        }
      } catch (error) {
        errors.push(`${backend.label} ${region}: ${formatKmsError(error)}`);
      }
    }
  }
  return { keys, errors };
}

/** Finds a key by id, ARN or alias name without asking (for commands called with arguments). */
export async function findKey(ctx: StudioContext, keyIdOrAlias: string, backendId?: string, region?: string): Promise<PickedKey | undefined> {
  const { keys } = await usableKeys(ctx);
  return keys.find(
    (k) =>
      (!backendId || k.backend.id === backendId) &&
      (!region || k.region === region) &&
      (k.key.metadata.KeyId === keyIdOrAlias || k.key.metadata.Arn === keyIdOrAlias || k.key.aliases.includes(keyIdOrAlias) || k.key.aliases.includes(`alias/${keyIdOrAlias}`)),
  );
}

export async function pickKey(ctx: StudioContext, title: string): Promise<PickedKey | undefined> {
  const quickPick = vscode.window.createQuickPick<KeyItem>();
  quickPick.title = title;
  quickPick.placeholder = 'Choose a KMS key (recently used first)';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.busy = true;
  quickPick.show();
  const load = usableKeys(ctx).then(({ keys, errors }) => {
    const recent = ctx.extension.globalState.get<RecentKey[]>(RECENT_KEYS, []);
    const rank = (k: PickedKey) => {
      const i = recent.findIndex((r) => r.keyArn === k.key.metadata.Arn && r.backendId === k.backend.id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const sorted = [...keys].sort((a, b) => rank(a) - rank(b));
    const items: KeyItem[] = [];
    const recentCount = sorted.filter((k) => rank(k) !== Number.MAX_SAFE_INTEGER).length;
    sorted.forEach((k, i) => {
      if (i === 0 && recentCount) items.push({ label: 'recently used', kind: vscode.QuickPickItemKind.Separator });
      if (i === recentCount && recentCount) items.push({ label: 'all keys', kind: vscode.QuickPickItemKind.Separator });
      items.push({ label: keyLabel(k.key), description: k.key.metadata.KeyId, detail: `${k.backend.label} · ${k.region}`, target: k });
    });
    for (const error of errors) items.push({ label: '$(error) Could not list keys', detail: error });
    if (!keys.length) items.push({ label: '$(add) Create a key first', detail: 'No enabled symmetric encryption key was found.' });
    quickPick.items = items;
    quickPick.busy = false;
  });
  load.catch((error: unknown) => {
    quickPick.busy = false;
    quickPick.items = [{ label: '$(error) Could not list keys', detail: formatKmsError(error) }];
  });
  return new Promise<PickedKey | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      const target = quickPick.selectedItems[0]?.target;
      if (!target) return;
      resolve(target);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
  });
}
