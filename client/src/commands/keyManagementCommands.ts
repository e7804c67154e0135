// The explorer's context-menu operations on keys, aliases, grants and key stores. Each asks only
// what the operation needs, confirms what cannot be undone, calls KMS, and refreshes the view.
// Called with an arguments object instead of a tree node (scripts, tests), every answer comes
// from the arguments and nothing is asked: the caller stated its intent.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import {
  CancelKeyDeletionCommand,
  ConnectCustomKeyStoreCommand,
  CreateAliasCommand,
  CreateGrantCommand,
  DeleteAliasCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  DisconnectCustomKeyStoreCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ReplicateKeyCommand,
  RevokeGrantCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdatePrimaryRegionCommand,
  type GrantOperation,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { StudioContext, CommandHandler } from '../studioContext';
import { AliasNode, GrantNode, KeyNode, KeyStoreNode } from '../explorer/keyTreeNodes';
import type { KmsBackend } from '../kms/kmsBackend';
import { listKeys } from '../kms/keyListing';
import type { SimulationDocuments } from '../simulation/simulationDocuments';
import { showKmsFailure } from '../simulation/deniedCallNotice';
import { aliasProblem, normalizeAlias } from './createKeyCommand';
import { ACTIVITY_DAYS } from '../kms/keyActivity';
import { keyChangeDialogs, type KeyChangeDialog, type KeyStateChange } from '../kms/keyActivityText';
import { readKeyUse } from '../kms/keyActivityLookup';
import { grantOperationsFor } from '../../../server/src/core/catalog/kmsCuratedFacts';

/** Arguments that name a key without the tree: its id, ARN or alias, and optionally where it lives. */
export interface KeyCommandArgs {
  readonly keyId: string;
  readonly backendId?: string;
  readonly region?: string;
  readonly pendingWindowInDays?: number;
  readonly rotationPeriodInDays?: number;
  readonly aliasName?: string;
  readonly granteePrincipal?: string;
  readonly operations?: readonly string[];
  readonly grantId?: string;
  readonly replicaRegion?: string;
  readonly primaryRegion?: string;
  /** Base64 of raw key material to import; absent: new random material. */
  readonly keyMaterialBase64?: string;
  readonly customKeyStoreId?: string;
}

/** What an operation works on, however the command was invoked. */
interface KeyTarget {
  readonly backend: KmsBackend;
  readonly region: string;
  readonly keyId: string;
  readonly keyArn: string;
  readonly label: string;
  readonly metadata: KeyMetadata;
  readonly node?: unknown;
  /** Present when called with arguments: no prompts, no confirmations. */
  readonly args?: KeyCommandArgs;
}

type Operation = (client: KMSClient, target: KeyTarget) => Promise<string | undefined>;

function isArgs(value: unknown): value is KeyCommandArgs {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.TreeItem) && typeof (value as KeyCommandArgs).keyId === 'string';
}

async function resolveArgs(ctx: StudioContext, args: KeyCommandArgs): Promise<KeyTarget | undefined> {
  const backends = args.backendId ? ctx.backends().filter((b) => b.id === args.backendId) : ctx.backends();
  for (const backend of backends) {
    const regions = args.region ? [args.region] : await backend.regions();
    for (const region of regions) {
      const keys = await listKeys(await backend.client(region));
      const key = keys.find((k) => k.metadata.KeyId === args.keyId || k.metadata.Arn === args.keyId || k.aliases.includes(normalizeAlias(args.keyId)));
      if (key?.metadata.KeyId) {
        return { backend, region, keyId: key.metadata.KeyId, keyArn: key.metadata.Arn ?? key.metadata.KeyId, label: key.aliases[0] ?? key.metadata.KeyId, metadata: key.metadata, args };
      }
    }
  }
  return undefined;
}

function fromKeyNode(node: KeyNode): KeyTarget {
  return { backend: node.backend, region: node.region, keyId: node.keyId, keyArn: node.keyArn, label: String(node.label), metadata: node.key.metadata, node };
}

/** The key a node stands for: the key itself, or the key of an alias or grant under it. */
function keyOfNode(node: unknown): KeyTarget | undefined {
  if (node instanceof KeyNode) return fromKeyNode(node);
  if (node instanceof AliasNode) return { ...fromKeyNode(node.parent), node };
  if (node instanceof GrantNode) return { ...fromKeyNode(node.parent.parent), node };
  return undefined;
}

/** Resolves the target, runs the operation, reports AWS errors (with Why? on denials), refreshes. */
function keyOperation(ctx: StudioContext, docs: SimulationDocuments, action: string, run: Operation): CommandHandler {
  return async (nodeOrArgs?: unknown) => {
    const target = isArgs(nodeOrArgs) ? await resolveArgs(ctx, nodeOrArgs) : keyOfNode(nodeOrArgs);
    if (!target) {
      void vscode.window.showWarningMessage(isArgs(nodeOrArgs) ? `No key ${nodeOrArgs.keyId} was found.` : 'Run this command on a key in the Keys view.');
      return undefined;
    }
    try {
      const done = await run(await target.backend.client(target.region), target);
      if (done) {
        ctx.fireEngineChanged();
        if (!target.args) void vscode.window.showInformationMessage(done);
      }
      return done;
    } catch (error) {
      await showKmsFailure(ctx, docs, error, { backend: target.backend, region: target.region, action, resource: target.keyArn });
      return undefined;
    }
  };
}

async function confirm(target: KeyTarget, message: string, button: string): Promise<boolean> {
  if (target.args) return true;
  return (await vscode.window.showWarningMessage(message, { modal: true }, button)) === button;
}

/**
 * Before a change that takes the key away from its users: the usual confirmation says who used
 * it in the last 90 days (or that this could not be read), and when anyone did, a second one
 * names them and asks again. Called with arguments, the caller stated its intent: no dialog.
 */
async function confirmKeyChange(target: KeyTarget, change: KeyStateChange): Promise<boolean> {
  if (target.args) return true;
  const reading = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading who used ${target.label} in the last ${ACTIVITY_DAYS} days…` },
    () => readKeyUse(target),
  );
  for (const dialog of keyChangeDialogs(change, target.label, reading, reading.now)) {
    if ((await vscode.window.showWarningMessage(dialog.message, { modal: true, detail: dialog.detail }, dialog.button)) !== dialog.button) return false;
  }
  return true;
}

/**
 * The confirmations Schedule Key Deletion or Disable Key would show for the key `args` names,
 * without showing them (the extension's API: scripts and the integration tier read them).
 */
export async function keyChangeConfirmation(ctx: StudioContext, command: 'scheduleKeyDeletion' | 'disableKey', args: KeyCommandArgs): Promise<KeyChangeDialog[] | undefined> {
  const target = await resolveArgs(ctx, args);
  if (!target) return undefined;
  const change: KeyStateChange = command === 'disableKey' ? { kind: 'disableKey' } : { kind: 'scheduleKeyDeletion', pendingWindowInDays: args.pendingWindowInDays ?? 30 };
  const reading = await readKeyUse(target);
  return keyChangeDialogs(change, target.label, reading, reading.now);
}

function wholeNumber(min: number, max: number) {
  return (v: string) => (/^\d+$/.test(v) && +v >= min && +v <= max ? undefined : `A whole number from ${min} to ${max}.`);
}


export function registerKeyManagementCommands(ctx: StudioContext, docs: SimulationDocuments): void {
  const P = 'kmsPolicyStudio.';
  const reg = (id: string, action: string, run: Operation) => ctx.registerCommand(P + id, () => keyOperation(ctx, docs, action, run));

  reg('enableKey', 'kms:EnableKey', async (c, t) => {
    await c.send(new EnableKeyCommand({ KeyId: t.keyId }));
    return `Enabled ${t.label}.`;
  });
  reg('disableKey', 'kms:DisableKey', async (c, t) => {
    if (!(await confirmKeyChange(t, { kind: 'disableKey' }))) return undefined;
    await c.send(new DisableKeyCommand({ KeyId: t.keyId }));
    return `Disabled ${t.label}. Data encrypted under it cannot be decrypted until it is enabled again.`;
  });
  reg('scheduleKeyDeletion', 'kms:ScheduleKeyDeletion', async (c, t) => {
    const days =
      t.args?.pendingWindowInDays ??
      Number(
        (await vscode.window.showInputBox({
          title: `Schedule deletion of ${t.label}`,
          prompt: 'Waiting period in days (7 to 30). The key cannot be used meanwhile; deletion then destroys it for good.',
          value: '30',
          validateInput: wholeNumber(7, 30),
        })) ?? NaN,
      );
    if (!Number.isFinite(days)) return undefined;
    if (!(await confirmKeyChange(t, { kind: 'scheduleKeyDeletion', pendingWindowInDays: days }))) return undefined;
    const answer = await c.send(new ScheduleKeyDeletionCommand({ KeyId: t.keyId, PendingWindowInDays: days }));
    return `${t.label} will be deleted on ${answer.DeletionDate?.toISOString().slice(0, 10) ?? `in ${days} days`}. Cancel Key Deletion stops it.`;
  });
  reg('cancelKeyDeletion', 'kms:CancelKeyDeletion', async (c, t) => {
    await c.send(new CancelKeyDeletionCommand({ KeyId: t.keyId }));
    return `Deletion of ${t.label} cancelled; the key is disabled until you enable it.`;
  });
  reg('rotateKeyNow', 'kms:RotateKeyOnDemand', async (c, t) => {
    await c.send(new RotateKeyOnDemandCommand({ KeyId: t.keyId }));
    return `Started on-demand rotation of ${t.label}; old ciphertexts still decrypt.`;
  });
  reg('enableKeyRotation', 'kms:EnableKeyRotation', async (c, t) => {
    const days =
      t.args?.rotationPeriodInDays ??
      Number((await vscode.window.showInputBox({ title: `Automatic rotation of ${t.label}`, prompt: 'Rotation period in days (90 to 2560).', value: '365', validateInput: wholeNumber(90, 2560) })) ?? NaN);
    if (!Number.isFinite(days)) return undefined;
    await c.send(new EnableKeyRotationCommand({ KeyId: t.keyId, RotationPeriodInDays: days }));
    return `${t.label} now rotates every ${days} days.`;
  });
  reg('disableKeyRotation', 'kms:DisableKeyRotation', async (c, t) => {
    await c.send(new DisableKeyRotationCommand({ KeyId: t.keyId }));
    return `Automatic rotation of ${t.label} is off.`;
  });
  reg('createAlias', 'kms:CreateAlias', async (c, t) => {
    const alias = t.args?.aliasName ?? (await vscode.window.showInputBox({ title: `Alias for ${t.label}`, prompt: 'e.g. app-secrets (alias/ is added)', validateInput: (v) => aliasProblem(v) }));
    if (!alias) return undefined;
    await c.send(new CreateAliasCommand({ AliasName: normalizeAlias(alias), TargetKeyId: t.keyId }));
    return `Created ${normalizeAlias(alias)}.`;
  });
  reg('deleteAlias', 'kms:DeleteAlias', async (c, t) => {
    const name = t.node instanceof AliasNode ? (t.node.alias.AliasName ?? '') : t.args?.aliasName ? normalizeAlias(t.args.aliasName) : '';
    if (!name) return undefined;
    if (!(await confirm(t, `Delete ${name}? Code that refers to the key by this alias stops working.`, 'Delete Alias'))) return undefined;
    await c.send(new DeleteAliasCommand({ AliasName: name }));
    return `Deleted ${name}.`;
  });
  reg('createGrant', 'kms:CreateGrant', async (c, t) => {
    const grantee =
      t.args?.granteePrincipal ??
      (await vscode.window.showInputBox({
        title: `Grant on ${t.label}: grantee`,
        prompt: 'The principal that may use the key through this grant',
        placeHolder: 'arn:aws:iam::111122223333:role/AppRole',
        validateInput: (v) => (/^arn:aws[\w-]*:(iam|sts)::\d{12}:.+|^[\w.-]+\.amazonaws\.com$/.test(v.trim()) ? undefined : 'An IAM or STS ARN, or a service principal.'),
      }));
    if (!grantee) return undefined;
    const operations =
      t.args?.operations ??
      (await vscode.window.showQuickPick(grantOperationsFor(t.metadata.KeyUsage, t.metadata.KeySpec).map((op) => ({ label: op, picked: op === 'Decrypt' || op === 'Encrypt' })), { title: `Grant on ${t.label}: operations`, canPickMany: true }))?.map((o) => o.label);
    if (!operations?.length) return undefined;
    const answer = await c.send(new CreateGrantCommand({ KeyId: t.keyId, GranteePrincipal: grantee.trim(), Operations: operations as GrantOperation[] }));
    return `Created grant ${answer.GrantId}.`;
  });
  reg('revokeGrant', 'kms:RevokeGrant', async (c, t) => {
    const grant = t.node instanceof GrantNode ? t.node.grant : { GrantId: t.args?.grantId, GranteePrincipal: undefined };
    if (!grant.GrantId) return undefined;
    if (!(await confirm(t, `Revoke grant ${grant.GrantId}? ${grant.GranteePrincipal ?? 'Its grantee'} loses the access it gives.`, 'Revoke Grant'))) return undefined;
    await c.send(new RevokeGrantCommand({ KeyId: t.keyId, GrantId: grant.GrantId }));
    return `Revoked grant ${grant.GrantId}.`;
  });
  reg('replicateKey', 'kms:ReplicateKey', async (c, t) => {
    const region = t.args?.replicaRegion ?? (await askRegion(`Replicate ${t.label} to`, t.region));
    if (!region) return undefined;
    await c.send(new ReplicateKeyCommand({ KeyId: t.keyId, ReplicaRegion: region }));
    await showRegion(t.backend, region);
    return `Replicating ${t.label} to ${region}.`;
  });
  reg('updatePrimaryRegion', 'kms:UpdatePrimaryRegion', async (c, t) => {
    const regions = (t.metadata.MultiRegionConfiguration?.ReplicaKeys ?? []).map((r) => r.Region).filter((r): r is string => Boolean(r));
    const region = t.args?.primaryRegion ?? (await vscode.window.showQuickPick(regions, { title: `New primary Region for ${t.label}`, placeHolder: regions.length ? 'A Region holding a replica' : 'Replicate the key first' }));
    if (!region) return undefined;
    await c.send(new UpdatePrimaryRegionCommand({ KeyId: t.keyId, PrimaryRegion: region }));
    return `The primary of ${t.label} moves to ${region}.`;
  });
  reg('importKeyMaterial', 'kms:ImportKeyMaterial', async (c, t) => {
    const material = await keyMaterial(t);
    if (!material) return undefined;
    try {
      const params = await c.send(new GetParametersForImportCommand({ KeyId: t.keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
      if (!params.PublicKey || !params.ImportToken) throw new Error('KMS answered GetParametersForImport without a wrapping key.');
      const publicKey = crypto.createPublicKey({ key: Buffer.from(params.PublicKey), format: 'der', type: 'spki' });
      const wrapped = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material.bytes);
      await c.send(new ImportKeyMaterialCommand({ KeyId: t.keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    } finally {
      material.bytes.fill(0);
    }
    return `Imported key material into ${t.label}.${material.generated ? ' Only KMS holds this material: import from a file if you need your own copy.' : ''}`;
  });

  // Key stores are not keys: their own small wrapper, by node or by { customKeyStoreId }.
  const storeOperation = (id: string, action: string, run: (c: KMSClient, storeId: string, label: string, fromArgs: boolean) => Promise<string | undefined>) =>
    ctx.registerCommand(P + id, () => async (nodeOrArgs?: unknown) => {
      const args = typeof nodeOrArgs === 'object' && nodeOrArgs !== null && !(nodeOrArgs instanceof vscode.TreeItem) ? (nodeOrArgs as Partial<KeyCommandArgs>) : undefined;
      const node = nodeOrArgs instanceof KeyStoreNode ? nodeOrArgs : undefined;
      const storeId = node?.store.CustomKeyStoreId ?? args?.customKeyStoreId;
      if (!storeId) {
        void vscode.window.showWarningMessage('Run this command on a custom key store in the Keys view.');
        return undefined;
      }
      const backend = node?.backend ?? (args?.backendId ? ctx.backend(args.backendId) : ctx.embedded) ?? ctx.embedded;
      const region = node?.region ?? args?.region ?? (await backend.regions())[0];
      try {
        const done = await run(await backend.client(region), storeId, String(node?.label ?? storeId), Boolean(args));
        if (done) {
          ctx.fireEngineChanged();
          if (!args) void vscode.window.showInformationMessage(done);
        }
        return done;
      } catch (error) {
        await showKmsFailure(ctx, docs, error, { backend, region, action });
        return undefined;
      }
    });
  storeOperation('connectKeyStore', 'kms:ConnectCustomKeyStore', async (c, storeId, label) => {
    await c.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    return `Connecting ${label}…`;
  });
  storeOperation('disconnectKeyStore', 'kms:DisconnectCustomKeyStore', async (c, storeId, label, fromArgs) => {
    if (!fromArgs && (await vscode.window.showWarningMessage(`Disconnect ${label}? Its keys cannot be used until it is connected again.`, { modal: true }, 'Disconnect')) !== 'Disconnect') return undefined;
    await c.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    return `Disconnected ${label}.`;
  });
  ctx.registerCommand(P + 'copyKeyArn', () => async (n?: unknown) => {
    if (n instanceof KeyNode) await vscode.env.clipboard.writeText(n.keyArn);
  });
}

async function keyMaterial(t: KeyTarget): Promise<{ bytes: Uint8Array; generated: boolean } | undefined> {
  if (t.args) return t.args.keyMaterialBase64 ? { bytes: new Uint8Array(Buffer.from(t.args.keyMaterialBase64, 'base64')), generated: false } : { bytes: crypto.randomBytes(32), generated: true };
  const source = await vscode.window.showQuickPick(
    [
      { label: 'Generate new 256-bit key material here', value: 'generate' },
      { label: 'Read key material from a file…', detail: 'Raw bytes: 32 for symmetric keys', value: 'file' },
    ],
    { title: `Import key material into ${t.label}` },
  );
  if (!source) return undefined;
  if (source.value === 'generate') return { bytes: crypto.randomBytes(32), generated: true };
  const file = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Key material (raw bytes)' });
  if (!file?.[0]) return undefined;
  return { bytes: await vscode.workspace.fs.readFile(file[0]), generated: false };
}

const COMMON_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'eu-north-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-south-1', 'ca-central-1', 'sa-east-1'];

export async function askRegion(title: string, exclude?: string): Promise<string | undefined> {
  const typed = '$(edit) Another Region…';
  const choice = await vscode.window.showQuickPick([...COMMON_REGIONS.filter((r) => r !== exclude), typed], { title });
  if (choice !== typed) return choice;
  return vscode.window.showInputBox({ title, placeHolder: 'e.g. ap-northeast-3', validateInput: (v) => (/^[a-z]{2}(-[a-z]+)+-\d$/.test(v.trim()) ? undefined : 'A Region code such as eu-west-3.') }).then((v) => v?.trim());
}

/** Makes a replica's Region visible in the embedded engine's explorer. */
async function showRegion(backend: KmsBackend, region: string): Promise<void> {
  if (backend.kind !== 'embedded') return;
  const config = vscode.workspace.getConfiguration('kmsPolicyStudio');
  const regions = config.get<string[]>('embeddedRegions', []);
  if (!regions.includes(region)) await config.update('embeddedRegions', [...regions, region], vscode.ConfigurationTarget.Global);
}
