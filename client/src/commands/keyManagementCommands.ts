// The explorer's context-menu operations on keys, aliases, grants and key stores. Each asks only
// what the operation needs, confirms what cannot be undone, calls KMS, and refreshes the view.
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
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { StudioContext, CommandHandler } from '../studioContext';
import { AliasNode, GrantNode, KeyNode, KeyStoreNode } from '../explorer/keyTreeNodes';
import type { KmsBackend } from '../kms/kmsBackend';
import type { SimulationDocuments } from '../simulation/simulationDocuments';
import { showKmsFailure } from '../simulation/deniedCallNotice';
import { aliasProblem, normalizeAlias } from './createKeyCommand';

type Target = { backend: KmsBackend; region: string };

/** Wraps an operation on a tree node: resolves its client, reports AWS errors once, refreshes. */
function onNode<N>(
  ctx: StudioContext,
  docs: SimulationDocuments,
  guard: (node: unknown) => node is N,
  target: (node: N) => Target & { resource?: string },
  action: string,
  run: (client: KMSClient, node: N) => Promise<string | undefined>,
): CommandHandler {
  return async (node?: unknown) => {
    if (!guard(node)) {
      void vscode.window.showWarningMessage('Run this command from the Keys view.');
      return;
    }
    const t = target(node);
    try {
      const done = await run(await t.backend.client(t.region), node);
      if (done) {
        ctx.fireEngineChanged();
        void vscode.window.showInformationMessage(done);
      }
    } catch (error) {
      await showKmsFailure(ctx, docs, error, { backend: t.backend, region: t.region, action, resource: t.resource });
    }
  };
}

const isKey = (n: unknown): n is KeyNode => n instanceof KeyNode;
const keyTarget = (n: KeyNode) => ({ backend: n.backend, region: n.region, resource: n.keyArn });

const GRANT_OPERATIONS: GrantOperation[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey',
  'CreateGrant', 'RetireGrant', 'Sign', 'Verify', 'GetPublicKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
];

export function registerKeyManagementCommands(ctx: StudioContext, docs: SimulationDocuments): void {
  const P = 'kmsPolicyStudio.';
  const reg = (id: string, handler: CommandHandler) => ctx.registerCommand(P + id, () => handler);

  reg('enableKey', onNode(ctx, docs, isKey, keyTarget, 'kms:EnableKey', async (c, n) => {
    await c.send(new EnableKeyCommand({ KeyId: n.keyId }));
    return `Enabled ${n.label}.`;
  }));
  reg('disableKey', onNode(ctx, docs, isKey, keyTarget, 'kms:DisableKey', async (c, n) => {
    await c.send(new DisableKeyCommand({ KeyId: n.keyId }));
    return `Disabled ${n.label}. Data encrypted under it cannot be decrypted until it is enabled again.`;
  }));
  reg('scheduleKeyDeletion', onNode(ctx, docs, isKey, keyTarget, 'kms:ScheduleKeyDeletion', async (c, n) => {
    const days = await vscode.window.showInputBox({
      title: `Schedule deletion of ${n.label}`,
      prompt: 'Waiting period in days (7 to 30). The key cannot be used meanwhile; deletion then destroys it for good.',
      value: '30',
      validateInput: (v) => (/^\d+$/.test(v) && +v >= 7 && +v <= 30 ? undefined : 'A whole number from 7 to 30.'),
    });
    if (!days) return undefined;
    const confirm = await vscode.window.showWarningMessage(
      `Delete ${n.label} after ${days} days? Everything encrypted under it becomes unrecoverable once it is deleted.`,
      { modal: true },
      'Schedule Deletion',
    );
    if (confirm !== 'Schedule Deletion') return undefined;
    const answer = await c.send(new ScheduleKeyDeletionCommand({ KeyId: n.keyId, PendingWindowInDays: Number(days) }));
    return `${n.label} will be deleted on ${answer.DeletionDate?.toISOString().slice(0, 10) ?? `in ${days} days`}. Cancel Key Deletion stops it.`;
  }));
  reg('cancelKeyDeletion', onNode(ctx, docs, isKey, keyTarget, 'kms:CancelKeyDeletion', async (c, n) => {
    await c.send(new CancelKeyDeletionCommand({ KeyId: n.keyId }));
    return `Deletion of ${n.label} cancelled; the key is disabled until you enable it.`;
  }));
  reg('rotateKeyNow', onNode(ctx, docs, isKey, keyTarget, 'kms:RotateKeyOnDemand', async (c, n) => {
    await c.send(new RotateKeyOnDemandCommand({ KeyId: n.keyId }));
    return `Started on-demand rotation of ${n.label}; old ciphertexts still decrypt.`;
  }));
  reg('enableKeyRotation', onNode(ctx, docs, isKey, keyTarget, 'kms:EnableKeyRotation', async (c, n) => {
    const days = await vscode.window.showInputBox({
      title: `Automatic rotation of ${n.label}`,
      prompt: 'Rotation period in days (90 to 2560).',
      value: '365',
      validateInput: (v) => (/^\d+$/.test(v) && +v >= 90 && +v <= 2560 ? undefined : 'A whole number from 90 to 2560.'),
    });
    if (!days) return undefined;
    await c.send(new EnableKeyRotationCommand({ KeyId: n.keyId, RotationPeriodInDays: Number(days) }));
    return `${n.label} now rotates every ${days} days.`;
  }));
  reg('disableKeyRotation', onNode(ctx, docs, isKey, keyTarget, 'kms:DisableKeyRotation', async (c, n) => {
    await c.send(new DisableKeyRotationCommand({ KeyId: n.keyId }));
    return `Automatic rotation of ${n.label} is off.`;
  }));
  reg('createAlias', onNode(ctx, docs, isKey, keyTarget, 'kms:CreateAlias', async (c, n) => {
    const alias = await vscode.window.showInputBox({ title: `Alias for ${n.label}`, prompt: 'e.g. app-secrets (alias/ is added)', validateInput: (v) => aliasProblem(v) });
    if (!alias) return undefined;
    await c.send(new CreateAliasCommand({ AliasName: normalizeAlias(alias), TargetKeyId: n.keyId }));
    return `Created ${normalizeAlias(alias)}.`;
  }));
  reg('deleteAlias', onNode(ctx, docs, (n): n is AliasNode => n instanceof AliasNode, (n) => keyTarget(n.parent), 'kms:DeleteAlias', async (c, n) => {
    const name = n.alias.AliasName ?? '';
    const confirm = await vscode.window.showWarningMessage(`Delete ${name}? Code that refers to the key by this alias stops working.`, { modal: true }, 'Delete Alias');
    if (confirm !== 'Delete Alias') return undefined;
    await c.send(new DeleteAliasCommand({ AliasName: name }));
    return `Deleted ${name}.`;
  }));
  reg('createGrant', onNode(ctx, docs, isKey, keyTarget, 'kms:CreateGrant', async (c, n) => {
    const grantee = await vscode.window.showInputBox({
      title: `Grant on ${n.label}: grantee`,
      prompt: 'The principal that may use the key through this grant',
      placeHolder: 'arn:aws:iam::111122223333:role/AppRole',
      validateInput: (v) => (/^arn:aws[\w-]*:(iam|sts)::\d{12}:.+|^[\w.-]+\.amazonaws\.com$/.test(v.trim()) ? undefined : 'An IAM or STS ARN, or a service principal.'),
    });
    if (!grantee) return undefined;
    const ops = await vscode.window.showQuickPick(
      GRANT_OPERATIONS.map((op) => ({ label: op, picked: op === 'Decrypt' || op === 'Encrypt' })),
      { title: `Grant on ${n.label}: operations`, canPickMany: true },
    );
    if (!ops?.length) return undefined;
    const answer = await c.send(new CreateGrantCommand({ KeyId: n.keyId, GranteePrincipal: grantee.trim(), Operations: ops.map((o) => o.label as GrantOperation) }));
    return `Created grant ${answer.GrantId}.`;
  }));
  reg('revokeGrant', onNode(ctx, docs, (n): n is GrantNode => n instanceof GrantNode, (n) => keyTarget(n.parent.parent), 'kms:RevokeGrant', async (c, n) => {
    const confirm = await vscode.window.showWarningMessage(`Revoke grant ${n.grant.GrantId}? ${n.grant.GranteePrincipal} loses the access it gives.`, { modal: true }, 'Revoke Grant');
    if (confirm !== 'Revoke Grant') return undefined;
    await c.send(new RevokeGrantCommand({ KeyId: n.parent.parent.keyId, GrantId: n.grant.GrantId }));
    return `Revoked grant ${n.grant.GrantId}.`;
  }));
  reg('replicateKey', onNode(ctx, docs, isKey, keyTarget, 'kms:ReplicateKey', async (c, n) => {
    const region = await askRegion(`Replicate ${n.label} to`, n.region);
    if (!region) return undefined;
    await c.send(new ReplicateKeyCommand({ KeyId: n.keyId, ReplicaRegion: region }));
    await showRegion(n.backend, region);
    return `Replicating ${n.label} to ${region}.`;
  }));
  reg('updatePrimaryRegion', onNode(ctx, docs, isKey, keyTarget, 'kms:UpdatePrimaryRegion', async (c, n) => {
    const regions = (n.key.metadata.MultiRegionConfiguration?.ReplicaKeys ?? []).map((r) => r.Region).filter((r): r is string => Boolean(r));
    const region = await vscode.window.showQuickPick(regions, { title: `New primary Region for ${n.label}`, placeHolder: regions.length ? 'A Region holding a replica' : 'Replicate the key first' });
    if (!region) return undefined;
    await c.send(new UpdatePrimaryRegionCommand({ KeyId: n.keyId, PrimaryRegion: region }));
    return `The primary of ${n.label} moves to ${region}.`;
  }));
  reg('importKeyMaterial', onNode(ctx, docs, isKey, keyTarget, 'kms:ImportKeyMaterial', async (c, n) => {
    const source = await vscode.window.showQuickPick(
      [
        { label: 'Generate new 256-bit key material here', value: 'generate' },
        { label: 'Read key material from a file…', detail: 'Raw bytes: 32 for symmetric keys', value: 'file' },
      ],
      { title: `Import key material into ${n.label}` },
    );
    if (!source) return undefined;
    let material: Uint8Array;
    if (source.value === 'file') {
      const file = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Key material (raw bytes)' });
      if (!file?.[0]) return undefined;
      material = await vscode.workspace.fs.readFile(file[0]);
    } else {
      material = crypto.randomBytes(32);
    }
    try {
      const params = await c.send(new GetParametersForImportCommand({ KeyId: n.keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
      if (!params.PublicKey || !params.ImportToken) throw new Error('KMS answered GetParametersForImport without a wrapping key.');
      const publicKey = crypto.createPublicKey({ key: Buffer.from(params.PublicKey), format: 'der', type: 'spki' });
      const wrapped = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
      await c.send(new ImportKeyMaterialCommand({ KeyId: n.keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    } finally {
      material.fill(0);
    }
    return `Imported key material into ${n.label}.${source.value === 'generate' ? ' Only KMS holds this material: keep your own copy if you need one, by importing from a file.' : ''}`;
  }));
  const isStore = (n: unknown): n is KeyStoreNode => n instanceof KeyStoreNode;
  const storeTarget = (n: KeyStoreNode) => ({ backend: n.backend, region: n.region });
  reg('connectKeyStore', onNode(ctx, docs, isStore, storeTarget, 'kms:ConnectCustomKeyStore', async (c, n) => {
    await c.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: n.store.CustomKeyStoreId }));
    return `Connecting ${n.label}…`;
  }));
  reg('disconnectKeyStore', onNode(ctx, docs, isStore, storeTarget, 'kms:DisconnectCustomKeyStore', async (c, n) => {
    const confirm = await vscode.window.showWarningMessage(`Disconnect ${n.label}? Its keys cannot be used until it is connected again.`, { modal: true }, 'Disconnect');
    if (confirm !== 'Disconnect') return undefined;
    await c.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: n.store.CustomKeyStoreId }));
    return `Disconnected ${n.label}.`;
  }));
  reg('copyKeyArn', async (n?: unknown) => {
    if (n instanceof KeyNode) await vscode.env.clipboard.writeText(n.keyArn);
  });
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
