// The key explorer's data: backends > Regions > keys > aliases, grants, rotation, key material,
// primary and replicas; custom key stores with their clusters. getChildren never opens a dialog:
// a failed call becomes an error node, and its AWS message is shown once per refresh.
import * as vscode from 'vscode';
import { escapeMarkdown, markdownCode } from '../../../server/src/core/markdown/markdownText';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import {
  DescribeCustomKeyStoresCommand,
  GetKeyRotationStatusCommand,
  ListGrantsCommand,
  ListKeyRotationsCommand,
  type GrantListEntry,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { StudioContext } from '../studioContext';
import type { KmsBackend } from '../kms/kmsBackend';
import { listKeys, type ListedKey } from '../kms/keyListing';
import { automaticRotationApplies } from './keyContextValue';
import { formatKmsError, isAccessDenied } from '../kms/kmsErrorMessage';
import { activitySince } from '../kms/keyActivity';
import { activitySummaryLine, activityUnreadableReason } from '../kms/keyActivityText';
import {
  ActivityEventNode,
  ActivityNode,
  AliasNode,
  BackendNode,
  DetailNode,
  GrantNode,
  GrantsNode,
  KeyNode,
  KeyStoreNode,
  KeyStoresNode,
  MessageNode,
  RegionNode,
  type KeyTreeNode,
} from './keyTreeNodes';

/** Events listed under Recent activity; the summary line counts all that were read. */
const ACTIVITY_ROWS_SHOWN = 200;

export class KeyExplorer implements vscode.TreeDataProvider<KeyTreeNode> {
  private readonly changed = new vscode.EventEmitter<KeyTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly shownErrors = new Set<string>();

  constructor(private readonly ctx: StudioContext) {}

  /** Re-reads one node's children, or everything. */
  refresh(node?: KeyTreeNode): void {
    if (!node) this.shownErrors.clear();
    this.changed.fire(node);
  }

  getTreeItem(node: KeyTreeNode): vscode.TreeItem {
    return node;
  }

  getParent(node: KeyTreeNode): KeyTreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: KeyTreeNode): Promise<KeyTreeNode[]> {
    try {
      if (!node) return await this.roots();
      if (node instanceof BackendNode) {
        const regions = await node.backend.regions();
        return regions.map((region, i) => new RegionNode(node, region, i === 0));
      }
      if (node instanceof RegionNode) return await this.regionChildren(node);
      if (node instanceof KeyNode) return await this.keyChildren(node);
      if (node instanceof GrantsNode) return node.grants.map((g) => new GrantNode(node, g));
      if (node instanceof ActivityNode) return await this.activityChildren(node);
      if (node instanceof KeyStoresNode) return node.stores.map((s) => new KeyStoreNode(node, s));
      if (node instanceof KeyStoreNode) return await keyStoreDetails(node);
      if (node instanceof DetailNode) return node.details;
      return [];
    } catch (error) {
      return [this.errorNode(node, error)];
    }
  }

  /**
   * The tree as indented text lines (`label — description`), expanded to `depth` levels: what a
   * screen reader would announce, and what the integration tier checks.
   */
  async snapshot(depth = 4): Promise<string[]> {
    const lines: string[] = [];
    const walk = async (node: KeyTreeNode | undefined, level: number): Promise<void> => {
      if (level >= depth) return;
      for (const child of await this.getChildren(node)) {
        const label = typeof child.label === 'string' ? child.label : (child.label?.label ?? '');
        lines.push(`${'  '.repeat(level)}${label}${child.description ? ` — ${child.description}` : ''}`);
        if (child.collapsibleState !== vscode.TreeItemCollapsibleState.None) await walk(child, level + 1);
      }
    };
    await walk(undefined, 0);
    return lines;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: KeyTreeNode): Promise<vscode.TreeItem> {
    if (node instanceof KeyNode && !item.tooltip) item.tooltip = keyTooltip(node.key);
    return item;
  }

  private async roots(): Promise<KeyTreeNode[]> {
    const backends = this.ctx.backends();
    // With only the embedded engine and no keys in it, the view is empty so its welcome shows.
    if (backends.length === 1) {
      const regions = await this.ctx.embedded.regions();
      const client = await this.ctx.embedded.client(regions[0]);
      const keys = await listKeys(client);
      if (keys.length === 0 && regions.length === 1) return [];
    }
    return backends.map((b) => new BackendNode(b));
  }

  private async regionChildren(node: RegionNode): Promise<KeyTreeNode[]> {
    const client = await node.backend.client(node.region);
    const [keys, stores] = await Promise.all([listKeys(client), customKeyStores(client)]);
    // The menu offers Enable or Disable Automatic Rotation by the key's state, so ask it up front.
    const rotations = await Promise.all(
      keys.map((k) =>
        !k.describeError && k.metadata.KeyState === 'Enabled' && automaticRotationApplies(k.metadata)
          ? client.send(new GetKeyRotationStatusCommand({ KeyId: k.metadata.KeyId })).then(
              (r) => r.KeyRotationEnabled,
              () => undefined,
            )
          : undefined,
      ),
    );
    const children: KeyTreeNode[] = keys.map((k, i) => new KeyNode(node, k, rotations[i]));
    if (stores.length) children.push(new KeyStoresNode(node, stores));
    if (children.length === 0) children.push(new MessageNode(node, 'No keys in this Region', undefined, 'info'));
    return children;
  }

  private async keyChildren(node: KeyNode): Promise<KeyTreeNode[]> {
    const m = node.key.metadata;
    const client = await node.backend.client(node.region);
    const children: KeyTreeNode[] = node.key.aliases.map((name) => new AliasNode(node, { AliasName: name, TargetKeyId: m.KeyId }));
    children.push(new GrantsNode(node, await listGrants(client, node.keyId)));
    if (m.KeySpec === 'SYMMETRIC_DEFAULT' && m.KeyState !== 'PendingImport') {
      children.push(...(await rotationDetails(node, client)));
    } else if (m.Origin === 'EXTERNAL') {
      children.push(new DetailNode(node, 'material', 'Key material', m.ExpirationModel === 'KEY_MATERIAL_EXPIRES' ? `expires ${m.ValidTo?.toISOString() ?? ''}` : m.KeyState === 'PendingImport' ? 'not imported' : 'imported, does not expire', 'cloud-upload'));
    }
    if (m.MultiRegion && m.MultiRegionConfiguration) children.push(multiRegionDetail(node, m));
    if (m.CustomKeyStoreId) children.push(new DetailNode(node, 'store', 'Custom key store', m.CustomKeyStoreId, 'database'));
    children.push(new ActivityNode(node));
    return children;
  }

  /**
   * Read when the node is expanded, and again on each refresh while it is. A caller that may not
   * read CloudTrail gets one line saying so, never a notification: it is not a failure of the view.
   */
  private async activityChildren(node: ActivityNode): Promise<KeyTreeNode[]> {
    let now = new Date();
    let activity;
    try {
      now = await node.backend.now();
      activity = await node.backend.keyActivity(node.keyArn, activitySince(now));
    } catch (error) {
      const reason = activityUnreadableReason(error);
      this.ctx.output.info(`Key explorer: the activity of ${node.keyArn} cannot be read: ${reason}`);
      return [new MessageNode(node, 'Activity cannot be read', reason, isAccessDenied(error) ? 'info' : 'error')];
    }
    const summary = activitySummaryLine(activity, now);
    const children: KeyTreeNode[] = [new DetailNode(node, 'summary', summary.label, summary.description, 'graph')];
    const shown = activity.events.slice(0, ACTIVITY_ROWS_SHOWN);
    shown.forEach((event, i) => children.push(new ActivityEventNode(node, event, now, i)));
    const more = activity.events.length - shown.length;
    if (more > 0) children.push(new MessageNode(node, `${more.toLocaleString('en-US')} older calls not listed`, 'the summary counts them', 'info'));
    return children;
  }

  private errorNode(parent: KeyTreeNode | undefined, error: unknown): MessageNode {
    const message = formatKmsError(error);
    this.ctx.output.warn(`Key explorer: ${message}`);
    if (!this.shownErrors.has(message)) {
      this.shownErrors.add(message);
      void vscode.window.showErrorMessage(message);
    }
    return new MessageNode(parent, 'Could not read keys', message, 'error');
  }
}

async function listGrants(client: KMSClient, keyId: string): Promise<GrantListEntry[]> {
  const grants: GrantListEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListGrantsCommand({ KeyId: keyId, Marker: marker }));
    grants.push(...(page.Grants ?? []));
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return grants;
}

async function customKeyStores(client: KMSClient) {
  try {
    return (await client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores ?? [];
  } catch {
    // A principal may list keys without kms:DescribeCustomKeyStores; the keys still show.
    return [];
  }
}

async function rotationDetails(node: KeyNode, client: KMSClient): Promise<DetailNode[]> {
  const status = await client.send(new GetKeyRotationStatusCommand({ KeyId: node.keyId }));
  const rotation = new DetailNode(
    node,
    'rotation',
    'Automatic rotation',
    status.KeyRotationEnabled ? `every ${status.RotationPeriodInDays ?? 365} days, next ${status.NextRotationDate?.toISOString().slice(0, 10) ?? '—'}` : 'off',
    'history',
  );
  const material = new DetailNode(node, 'material', 'Key material versions', undefined, 'versions', true);
  const rotations = await client.send(new ListKeyRotationsCommand({ KeyId: node.keyId })).then(
    (r) => r.Rotations ?? [],
    () => [],
  );
  material.details.push(new DetailNode(material, 'material:0', 'Original', node.key.metadata.CreationDate?.toISOString(), 'circle-filled'));
  rotations.forEach((r, i) =>
    material.details.push(new DetailNode(material, `material:${i + 1}`, `Rotation ${i + 1} (${r.RotationType ?? 'AUTOMATIC'})`, r.RotationDate?.toISOString(), 'circle-outline')),
  );
  material.description = String(material.details.length);
  return [rotation, material];
}

function multiRegionDetail(node: KeyNode, m: KeyMetadata): DetailNode {
  const config = m.MultiRegionConfiguration ?? {};
  const detail = new DetailNode(node, 'multiRegion', 'Multi-Region', config.MultiRegionKeyType === 'REPLICA' ? 'replica' : 'primary', 'globe', true);
  if (config.PrimaryKey) detail.details.push(new DetailNode(detail, 'primary', `Primary: ${config.PrimaryKey.Region}`, config.PrimaryKey.Arn, 'star-full'));
  for (const replica of config.ReplicaKeys ?? []) detail.details.push(new DetailNode(detail, `replica:${replica.Region}`, `Replica: ${replica.Region}`, replica.Arn, 'mirror'));
  return detail;
}

async function keyStoreDetails(node: KeyStoreNode): Promise<DetailNode[]> {
  const s = node.store;
  const details: DetailNode[] = [];
  if (s.CloudHsmClusterId) details.push(await clusterDetail(node, s.CloudHsmClusterId));
  if (s.XksProxyConfiguration?.UriEndpoint) details.push(new DetailNode(node, 'xks', 'External key store proxy', `${s.XksProxyConfiguration.UriEndpoint} (${s.XksProxyConfiguration.Connectivity ?? ''})`, 'link-external'));
  if (s.ConnectionErrorCode) details.push(new DetailNode(node, 'error', 'Connection error', s.ConnectionErrorCode, 'error'));
  details.push(new DetailNode(node, 'id', 'Id', s.CustomKeyStoreId, 'symbol-key'));
  return details;
}

/** The CloudHSM cluster behind a key store, with its HSMs (read through the CloudHSM v2 API). */
async function clusterDetail(node: KeyStoreNode, clusterId: string): Promise<DetailNode> {
  try {
    const client = await node.backend.cloudHsmClient(node.region);
    const answer = await client.send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } }));
    const cluster = answer.Clusters?.[0];
    const hsms = cluster?.Hsms ?? [];
    const detail = new DetailNode(node, 'cluster', `CloudHSM cluster ${clusterId}`, `${cluster?.State ?? 'unknown'} · ${hsms.length} HSM(s)`, 'server', hsms.length > 0);
    for (const hsm of hsms) {
      detail.details.push(new DetailNode(detail, `hsm:${hsm.HsmId}`, hsm.HsmId ?? 'HSM', `${hsm.AvailabilityZone ?? ''} · ${hsm.State ?? ''}${hsm.EniIp ? ` · ${hsm.EniIp}` : ''}`, 'circuit-board'));
    }
    return detail;
  } catch (error) {
    // The store still shows; the cluster line carries the reason it could not be read.
    return new DetailNode(node, 'cluster', `CloudHSM cluster ${clusterId}`, formatKmsError(error), 'warning');
  }
}

function keyTooltip(key: ListedKey): vscode.MarkdownString {
  const m = key.metadata;
  const rows: [string, unknown][] = [
    ['ARN', m.Arn],
    ['State', m.KeyState],
    ['Description', m.Description || '—'],
    ['Key spec', m.KeySpec],
    ['Key usage', m.KeyUsage],
    ['Origin', m.Origin],
    ['Key manager', m.KeyManager],
    ['Created', m.CreationDate?.toISOString()],
    ['Deletion date', m.DeletionDate?.toISOString()],
    ['Multi-Region', m.MultiRegion ? (m.MultiRegionConfiguration?.MultiRegionKeyType ?? 'yes') : 'no'],
    ['Aliases', key.aliases.join(', ') || '—'],
    ['Encryption algorithms', m.EncryptionAlgorithms?.join(', ')],
    ['Signing algorithms', m.SigningAlgorithms?.join(', ')],
    ['Custom key store', m.CustomKeyStoreId],
  ];
  // Descriptions and aliases come from whoever created the key: shown as text, never as markdown.
  const md = new vscode.MarkdownString(`**${escapeMarkdown(key.aliases[0] ?? m.KeyId ?? '')}**\n\n| | |\n|---|---|\n`);
  for (const [name, value] of rows) if (value !== undefined && value !== null && value !== '') md.appendMarkdown(`| ${name} | ${markdownCode(String(value), { inTable: true })} |\n`);
  return md;
}

export function backendOf(node: unknown): KmsBackend | undefined {
  if (node instanceof BackendNode || node instanceof RegionNode || node instanceof KeyNode || node instanceof KeyStoreNode) return node.backend;
  return undefined;
}
