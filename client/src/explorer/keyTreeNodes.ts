// One TreeItem class per kind of node in the key explorer. Each carries a contextValue that the
// manifest's menus match on (e.g. `key.Enabled.symmetric.single.aws.customer.rotationOff`, see
// keyContextValue.ts), and its parent for reveal.
import * as vscode from 'vscode';
import { escapeMarkdown, markdownCode } from '../../../server/src/core/markdown/markdownText';
import type { AliasListEntry, CustomKeyStoresListEntry, GrantListEntry } from '@aws-sdk/client-kms';
import type { KmsBackend } from '../kms/kmsBackend';
import { keyLabel, type ListedKey } from '../kms/keyListing';
import { ACTIVITY_DAYS, type KeyActivityEvent } from '../kms/keyActivity';
import { activityEventDetails, activityEventLine } from '../kms/keyActivityText';
import { keyContextValue } from './keyContextValue';

export type KeyTreeNode =
  | BackendNode
  | RegionNode
  | KeyNode
  | GrantsNode
  | GrantNode
  | AliasNode
  | ActivityNode
  | ActivityEventNode
  | KeyStoresNode
  | KeyStoreNode
  | DetailNode
  | MessageNode;

export class BackendNode extends vscode.TreeItem {
  readonly parent = undefined;
  constructor(readonly backend: KmsBackend) {
    super(backend.label, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `backend:${backend.id}`;
    this.contextValue = `backend.${backend.kind}`;
    this.iconPath = new vscode.ThemeIcon(backend.kind === 'embedded' ? 'server-process' : 'cloud');
    this.description = backend.describeCaller();
  }
}

export class RegionNode extends vscode.TreeItem {
  constructor(
    readonly parent: BackendNode,
    readonly region: string,
    expanded: boolean,
  ) {
    super(region, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parent.id}/region:${region}`;
    this.contextValue = 'region';
    this.iconPath = new vscode.ThemeIcon('globe');
  }

  get backend(): KmsBackend {
    return this.parent.backend;
  }
}

const STATE_ICONS: Record<string, [string, string | undefined]> = {
  Enabled: ['key', 'charts.green'],
  Disabled: ['circle-slash', 'disabledForeground'],
  PendingDeletion: ['trash', 'errorForeground'],
  PendingReplicaDeletion: ['trash', 'errorForeground'],
  PendingImport: ['cloud-upload', 'editorWarning.foreground'],
  Unavailable: ['debug-disconnect', 'editorWarning.foreground'],
  Creating: ['loading~spin', undefined],
  Updating: ['loading~spin', undefined],
};

export class KeyNode extends vscode.TreeItem {
  constructor(
    readonly parent: RegionNode,
    readonly key: ListedKey,
    /** GetKeyRotationStatus's answer when the explorer asked (it decides the rotation menu entries). */
    readonly rotationEnabled?: boolean,
  ) {
    super(keyLabel(key), vscode.TreeItemCollapsibleState.Collapsed);
    const m = key.metadata;
    this.id = `${parent.id}/key:${m.KeyId}`;
    const state = m.KeyState ?? 'Unknown';
    const spec = m.KeySpec ?? 'SYMMETRIC_DEFAULT';
    this.description = [key.aliases.length ? m.KeyId : undefined, state === 'Enabled' ? undefined : state, spec === 'SYMMETRIC_DEFAULT' ? undefined : spec]
      .filter(Boolean)
      .join(' · ');
    const [icon, color] = STATE_ICONS[state] ?? ['key', undefined];
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    this.contextValue = keyContextValue(m, rotationEnabled, key.describeError);
    this.accessibilityInformation = { label: `Key ${this.label}, ${state}` };
    if (key.describeError) {
      // Listed through IAM, but the key policy does not let this caller read it.
      this.collapsibleState = vscode.TreeItemCollapsibleState.None;
      this.description = [key.aliases.length ? m.KeyId : undefined, 'cannot be described'].filter(Boolean).join(' · ');
      this.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('disabledForeground'));
      this.tooltip = `${m.Arn ?? m.KeyId}\n\nDescribeKey was refused: ${key.describeError}`;
      this.accessibilityInformation = { label: `Key ${this.label}, cannot be described` };
    }
  }

  get backend(): KmsBackend {
    return this.parent.backend;
  }

  get region(): string {
    return this.parent.region;
  }

  get keyId(): string {
    return this.key.metadata.KeyId ?? '';
  }

  get keyArn(): string {
    return this.key.metadata.Arn ?? this.keyId;
  }
}

export class AliasNode extends vscode.TreeItem {
  constructor(
    readonly parent: KeyNode,
    readonly alias: AliasListEntry,
  ) {
    super(alias.AliasName ?? '?', vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/alias:${alias.AliasName}`;
    this.contextValue = alias.AliasName?.startsWith('alias/aws/') ? 'alias.awsManaged' : 'alias';
    this.iconPath = new vscode.ThemeIcon('tag');
    this.tooltip = alias.AliasArn;
  }
}

export class GrantsNode extends vscode.TreeItem {
  constructor(
    readonly parent: KeyNode,
    readonly grants: readonly GrantListEntry[],
  ) {
    super('Grants', grants.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/grants`;
    this.description = grants.length ? String(grants.length) : 'none';
    this.contextValue = 'grants';
    this.iconPath = new vscode.ThemeIcon('person');
  }
}

export class GrantNode extends vscode.TreeItem {
  constructor(
    readonly parent: GrantsNode,
    readonly grant: GrantListEntry,
  ) {
    super(grant.Name || grant.GranteePrincipal || grant.GrantId || '?', vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/grant:${grant.GrantId}`;
    this.description = (grant.Operations ?? []).join(', ');
    this.contextValue = 'grant';
    this.iconPath = new vscode.ThemeIcon('person-add');
    // Principals and encryption-context values come from whoever created the grant: code spans, never markdown.
    const constraints = grant.Constraints ? `\n\nConstraints: ${markdownCode(JSON.stringify(grant.Constraints))}` : '';
    this.tooltip = new vscode.MarkdownString(
      `**Grant** ${markdownCode(grant.GrantId ?? '')}\n\nGrantee: ${markdownCode(grant.GranteePrincipal ?? '')}\n\nRetiring: ${markdownCode(grant.RetiringPrincipal ?? '—')}\n\nOperations: ${escapeMarkdown((grant.Operations ?? []).join(', '))}${constraints}`,
    );
  }
}

/** The key's CloudTrail events of the last 90 days, read only when it is expanded. */
export class ActivityNode extends vscode.TreeItem {
  constructor(readonly parent: KeyNode) {
    super('Recent activity', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parent.id}/activity`;
    this.description = `last ${ACTIVITY_DAYS} days`;
    this.contextValue = 'activity';
    this.iconPath = new vscode.ThemeIcon('pulse');
    this.tooltip = `Who called this key, which operation, when, and whether it was allowed: CloudTrail's LookupEvents in ${parent.region}, read when expanded.`;
  }

  get backend(): KmsBackend {
    return this.parent.backend;
  }

  get keyArn(): string {
    return this.parent.keyArn;
  }
}

/** One CloudTrail event of the key: `Encrypt · alice`, `2 h ago`, a pass or error icon. */
export class ActivityEventNode extends vscode.TreeItem {
  constructor(
    readonly parent: ActivityNode,
    readonly event: KeyActivityEvent,
    now: Date,
    index: number,
  ) {
    const line = activityEventLine(event, now);
    super(line.label, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/event:${event.eventId || index}`;
    this.description = line.description;
    this.contextValue = event.errorCode ? 'activityEvent.failed' : 'activityEvent';
    this.iconPath = event.errorCode
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    this.accessibilityInformation = { label: `${event.operation} by ${event.principalLabel}, ${line.description}${event.errorCode ? '' : ', succeeded'}` };
    // Principals, user agents and error messages come from the callers: code spans, never markdown.
    const md = new vscode.MarkdownString(`**${escapeMarkdown(event.operation)}**\n\n| | |\n|---|---|\n`);
    for (const [name, value] of activityEventDetails(event)) md.appendMarkdown(`| ${name} | ${markdownCode(value, { inTable: true })} |\n`);
    this.tooltip = md;
  }
}

export class KeyStoresNode extends vscode.TreeItem {
  constructor(
    readonly parent: RegionNode,
    readonly stores: readonly CustomKeyStoresListEntry[],
  ) {
    super('Custom key stores', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parent.id}/keyStores`;
    this.description = String(stores.length);
    this.contextValue = 'keyStores';
    this.iconPath = new vscode.ThemeIcon('database');
  }
}

export class KeyStoreNode extends vscode.TreeItem {
  constructor(
    readonly parent: KeyStoresNode,
    readonly store: CustomKeyStoresListEntry,
  ) {
    super(store.CustomKeyStoreName ?? store.CustomKeyStoreId ?? '?', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${parent.id}/store:${store.CustomKeyStoreId}`;
    const state = store.ConnectionState ?? 'DISCONNECTED';
    this.description = `${store.CustomKeyStoreType === 'EXTERNAL_KEY_STORE' ? 'external' : 'CloudHSM'} · ${state}`;
    this.contextValue = `keyStore.${state}`;
    this.iconPath = new vscode.ThemeIcon(state === 'CONNECTED' ? 'plug' : 'debug-disconnect');
  }

  get region(): string {
    return this.parent.parent.region;
  }

  get backend(): KmsBackend {
    return this.parent.parent.backend;
  }
}

/** A read-only fact under a node: rotation status, a key material version, a replica... */
export class DetailNode extends vscode.TreeItem {
  /** Filled after construction, so children can name this node as their parent. */
  readonly details: DetailNode[] = [];

  constructor(
    readonly parent: KeyTreeNode,
    id: string,
    label: string,
    description: string | undefined,
    icon: string,
    expandable = false,
  ) {
    super(label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `${parent.id}/${id}`;
    this.description = description;
    this.contextValue = 'detail';
    this.iconPath = new vscode.ThemeIcon(icon);
  }
}

/** An error or an empty state, shown in place of children. */
export class MessageNode extends vscode.TreeItem {
  constructor(
    readonly parent: KeyTreeNode | undefined,
    label: string,
    detail: string | undefined,
    icon: 'error' | 'info',
  ) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.id = `${parent?.id ?? ''}/message:${label}`;
    this.description = detail;
    this.tooltip = detail;
    this.contextValue = 'message';
    this.iconPath = new vscode.ThemeIcon(icon, icon === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
  }
}
