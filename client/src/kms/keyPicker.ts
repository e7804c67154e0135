// Picks a key for a data operation: keys of every backend the explorer shows, recently used
// first, or a key id, ARN or alias typed in (a caller may use keys it cannot list). Recent
// choices persist in global state (key ARNs or what was typed, nothing secret).
import * as vscode from 'vscode';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import type { StudioContext } from '../studioContext';
import type { KmsBackend } from './kmsBackend';
import { keyLabel, listKeys, type ListedKey } from './keyListing';
import { formatKmsError, kmsErrorInfo } from './kmsErrorMessage';
import {
  chooseTypedKeyLocation,
  TYPED_KEY_PROMPT,
  typedKeyKind,
  typedKeyLocations,
  typedKeyProblem,
  typedKeyReference,
  typedListedKey,
  unusableForSelection,
  type DescribeOutcome,
} from './typedKeyReference';
import type { KeyReference } from '../../../server/src/core/arn/kmsKeyReference';

const RECENT_KEYS = 'kmsPolicyStudio.recentKeys';
const RECENT_LIMIT = 10;

export interface PickedKey {
  readonly backend: KmsBackend;
  readonly region: string;
  readonly key: ListedKey;
  /** What the user typed, when the key was not picked from a listing. */
  readonly typed?: string;
}

interface RecentKey {
  readonly backendId: string;
  readonly region: string;
  /** The key's ARN, or what the user typed for a key that could not be described. */
  readonly keyArn: string;
}

interface KeyItem extends vscode.QuickPickItem {
  readonly target?: PickedKey;
  /** Accepting it resolves a typed reference (`''`: ask for one). */
  readonly typed?: string;
}

export function recordRecentKey(ctx: StudioContext, picked: PickedKey): void {
  const entry: RecentKey = { backendId: picked.backend.id, region: picked.region, keyArn: picked.key.metadata.Arn ?? picked.typed ?? '' };
  if (!entry.keyArn) return;
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
          if (!key.describeError && !unusableForSelection(key.metadata)) keys.push({ backend, region, key });
        }
      } catch (error) {
        errors.push(`${backend.label} ${region}: ${formatKmsError(error)}`);
      }
    }
  }
  return { keys, errors };
}

/**
 * Finds a key by id, ARN or alias name without asking (for commands called with arguments).
 * A key the caller cannot list is still found when DescribeKey answers for it, or, when that is
 * refused too, used as named in the one place the arguments point to.
 */
export async function findKey(ctx: StudioContext, keyIdOrAlias: string, backendId?: string, region?: string): Promise<PickedKey | undefined> {
  const { keys } = await usableKeys(ctx);
  const listed = keys.find(
    (k) =>
      (!backendId || k.backend.id === backendId) &&
      (!region || k.region === region) &&
      (k.key.metadata.KeyId === keyIdOrAlias || k.key.metadata.Arn === keyIdOrAlias || k.key.aliases.includes(keyIdOrAlias) || k.key.aliases.includes(`alias/${keyIdOrAlias}`)),
  );
  if (listed) return listed;
  const reference = typedKeyReference(keyIdOrAlias);
  if (!reference) return undefined;
  const outcomes = await describeEverywhere(ctx, reference, backendId, region);
  const choice = chooseTypedKeyLocation(outcomes);
  if (!('use' in choice)) return undefined;
  const picked = pickedFromOutcome(ctx, reference, choice.use);
  return picked && !unusableForSelection(picked.key.metadata) ? picked : undefined;
}

export async function pickKey(ctx: StudioContext, title: string): Promise<PickedKey | undefined> {
  const quickPick = vscode.window.createQuickPick<KeyItem>();
  quickPick.title = title;
  quickPick.placeholder = 'Choose a KMS key (recently used first), or type a key id, key ARN or alias';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.busy = true;
  quickPick.show();
  const typeItem: KeyItem = { label: '$(edit) Type a key id, key ARN or alias…', detail: 'For a key you may use but cannot list', alwaysShow: true, typed: '' };
  let listedItems: KeyItem[] = [typeItem];
  // What the user types into the filter becomes a choice as soon as it reads as a key reference.
  const showItems = () => {
    const reference = typedKeyReference(quickPick.value);
    const typedNow: KeyItem[] = reference
      ? [{ label: `$(key) Use ${reference.text}`, description: typedKeyKind(reference), alwaysShow: true, typed: reference.text }]
      : [];
    // After the listed keys the filter matches, so Enter on a listed key's name picks the listed key.
    const at = listedItems.indexOf(typeItem);
    quickPick.items = at < 0 ? [...typedNow, ...listedItems] : [...listedItems.slice(0, at), ...typedNow, ...listedItems.slice(at)];
  };
  quickPick.onDidChangeValue(showItems);
  showItems();
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
    // Keys used before that the listing does not show (ListKeys denied, or another account's key).
    const unlisted = recent.filter((r) => !keys.some((k) => k.key.metadata.Arn === r.keyArn) && ctx.backend(r.backendId) && typedKeyReference(r.keyArn));
    if (unlisted.length) items.push({ label: 'used before, not listed', kind: vscode.QuickPickItemKind.Separator });
    for (const r of unlisted) items.push({ label: r.keyArn, description: typedKeyKind(typedKeyReference(r.keyArn)!), detail: `${ctx.backend(r.backendId)!.label} · ${r.region}`, typed: r.keyArn });
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, typeItem);
    for (const error of errors) items.push({ label: '$(error) Could not list keys', detail: `${error} — type the key id, ARN or alias instead` });
    if (!keys.length && !errors.length) items.push({ label: '$(add) Create a key first', detail: 'No enabled symmetric encryption key was found; a key you may use but not list can be typed in.' });
    listedItems = items;
    showItems();
    quickPick.busy = false;
  });
  load.catch((error: unknown) => {
    quickPick.busy = false;
    listedItems = [typeItem, { label: '$(error) Could not list keys', detail: formatKmsError(error) }];
    showItems();
  });
  const accepted = await new Promise<KeyItem | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0];
      if (!item || (!item.target && item.typed === undefined)) return;
      resolve(item);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
  });
  if (!accepted) return undefined;
  if (accepted.target) return accepted.target;
  const text =
    accepted.typed ||
    (await vscode.window.showInputBox({ title, prompt: TYPED_KEY_PROMPT, placeHolder: 'alias/app-secrets', ignoreFocusOut: true, validateInput: typedKeyProblem }));
  const reference = text === undefined ? undefined : typedKeyReference(text);
  return reference && resolveTypedKey(ctx, title, reference);
}

/** Finds where a typed key lives, asking only when more than one place may hold it. */
async function resolveTypedKey(ctx: StudioContext, title: string, reference: KeyReference): Promise<PickedKey | undefined> {
  const outcomes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Looking up ${reference.text}` }, () => describeEverywhere(ctx, reference));
  const choice = chooseTypedKeyLocation(outcomes);
  let outcome: DescribeOutcome | undefined;
  if ('use' in choice) {
    outcome = choice.use;
  } else if ('ask' in choice) {
    const picked = await vscode.window.showQuickPick(
      choice.ask.map((o) => ({ label: `${ctx.backend(o.location.backendId)?.label ?? o.location.backendId} · ${o.location.region}`, detail: o.metadata ? o.metadata.Arn : o.error, outcome: o })),
      { title: `${title}: where is ${reference.text}?` },
    );
    outcome = picked?.outcome;
  } else {
    void vscode.window.showErrorMessage(`No key ${reference.text} was found: ${choice.none[0]?.error ?? 'no backend is configured'}`);
    return undefined;
  }
  if (!outcome) return undefined;
  const picked = pickedFromOutcome(ctx, reference, outcome);
  const unusable = picked && unusableForSelection(picked.key.metadata);
  if (unusable) {
    void vscode.window.showErrorMessage(`${reference.text} cannot encrypt a selection: ${unusable}.`);
    return undefined;
  }
  return picked;
}

async function describeEverywhere(ctx: StudioContext, reference: KeyReference, backendId?: string, region?: string): Promise<DescribeOutcome[]> {
  const backends = await Promise.all(
    ctx
      .backends()
      .filter((b) => !backendId || b.id === backendId)
      .map(async (b) => ({ id: b.id, regions: region ? [region] : await b.regions().catch(() => [] as readonly string[]) })),
  );
  return Promise.all(
    typedKeyLocations(reference, backends).map(async (location): Promise<DescribeOutcome> => {
      try {
        const client = await ctx.backend(location.backendId)!.client(location.region);
        const answer = await client.send(new DescribeKeyCommand({ KeyId: reference.text }));
        return { location, metadata: answer.KeyMetadata };
      } catch (error) {
        return { location, errorName: kmsErrorInfo(error).name, error: formatKmsError(error) };
      }
    }),
  );
}

function pickedFromOutcome(ctx: StudioContext, reference: KeyReference, outcome: DescribeOutcome): PickedKey | undefined {
  const backend = ctx.backend(outcome.location.backendId);
  if (!backend) return undefined;
  return { backend, region: outcome.location.region, key: typedListedKey(reference, outcome.metadata, outcome.error), typed: reference.text };
}
