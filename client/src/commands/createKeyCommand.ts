// Create Key: spec, usage, origin, multi-Region and key store chosen in a short sequence of
// pickers (or all given as arguments, which skips every prompt).
import * as vscode from 'vscode';
import { CreateAliasCommand, CreateKeyCommand, DescribeCustomKeyStoresCommand, type CreateKeyCommandInput, type KeyMetadata } from '@aws-sdk/client-kms';
import type { StudioContext } from '../studioContext';
import { backendOf } from '../explorer/keyExplorer';
import { RegionNode } from '../explorer/keyTreeNodes';
import type { KmsBackend } from '../kms/kmsBackend';
import { formatKmsError } from '../kms/kmsErrorMessage';

export interface CreateKeyArgs {
  readonly backendId?: string;
  readonly region?: string;
  readonly description?: string;
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly origin?: string;
  readonly multiRegion?: boolean;
  readonly customKeyStoreId?: string;
  readonly alias?: string;
  readonly policy?: string;
}

const KEY_TYPES: { label: string; detail: string; spec: string; usage: string }[] = [
  { label: 'Symmetric encryption', detail: 'SYMMETRIC_DEFAULT · ENCRYPT_DECRYPT: the usual choice, works with every AWS service', spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT' },
  { label: 'RSA 2048 encryption', detail: 'RSA_2048 · ENCRYPT_DECRYPT', spec: 'RSA_2048', usage: 'ENCRYPT_DECRYPT' },
  { label: 'RSA 3072 signing', detail: 'RSA_3072 · SIGN_VERIFY', spec: 'RSA_3072', usage: 'SIGN_VERIFY' },
  { label: 'ECC P-256 signing', detail: 'ECC_NIST_P256 · SIGN_VERIFY', spec: 'ECC_NIST_P256', usage: 'SIGN_VERIFY' },
  { label: 'ECC P-384 signing', detail: 'ECC_NIST_P384 · SIGN_VERIFY', spec: 'ECC_NIST_P384', usage: 'SIGN_VERIFY' },
  { label: 'HMAC SHA-256', detail: 'HMAC_256 · GENERATE_VERIFY_MAC', spec: 'HMAC_256', usage: 'GENERATE_VERIFY_MAC' },
];

export function createKeyCommand(ctx: StudioContext) {
  return async (nodeOrArgs?: unknown): Promise<KeyMetadata | undefined> => {
    const fromTree = backendOf(nodeOrArgs);
    const args = (fromTree || typeof nodeOrArgs !== 'object' || nodeOrArgs === null ? {} : nodeOrArgs) as CreateKeyArgs;
    const prompted = !args.keySpec && !args.keyUsage && !args.description && !args.origin;
    const backend = fromTree ?? (args.backendId ? ctx.backend(args.backendId) : ctx.embedded);
    if (!backend) {
      void vscode.window.showErrorMessage(`Unknown backend ${args.backendId}.`);
      return undefined;
    }
    const region = nodeOrArgs instanceof RegionNode ? nodeOrArgs.region : (args.region ?? (await backend.regions())[0]);
    const input = prompted ? await promptForKey(backend, region) : inputFromArgs(args);
    if (!input) return undefined;
    try {
      const client = await backend.client(region);
      const created = await client.send(new CreateKeyCommand(input.create));
      const metadata = created.KeyMetadata;
      if (metadata?.KeyId && input.alias) await client.send(new CreateAliasCommand({ AliasName: input.alias, TargetKeyId: metadata.KeyId }));
      ctx.fireEngineChanged();
      if (prompted) void vscode.window.showInformationMessage(`Created key ${input.alias ?? metadata?.KeyId} in ${backend.label} (${region}).`);
      return metadata;
    } catch (error) {
      void vscode.window.showErrorMessage(formatKmsError(error));
      return undefined;
    }
  };
}

function inputFromArgs(args: CreateKeyArgs): { create: CreateKeyCommandInput; alias?: string } {
  return {
    create: {
      Description: args.description,
      KeySpec: (args.keySpec ?? 'SYMMETRIC_DEFAULT') as CreateKeyCommandInput['KeySpec'],
      KeyUsage: (args.keyUsage ?? 'ENCRYPT_DECRYPT') as CreateKeyCommandInput['KeyUsage'],
      Origin: args.origin as CreateKeyCommandInput['Origin'],
      MultiRegion: args.multiRegion,
      CustomKeyStoreId: args.customKeyStoreId,
      Policy: args.policy,
    },
    alias: args.alias ? normalizeAlias(args.alias) : undefined,
  };
}

export function normalizeAlias(alias: string): string {
  const trimmed = alias.trim();
  return trimmed.startsWith('alias/') ? trimmed : `alias/${trimmed}`;
}

export function aliasProblem(value: string): string | undefined {
  const alias = normalizeAlias(value);
  if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(alias)) return 'Letters, digits, /, _ and - only (at most 256 characters with alias/).';
  if (alias.startsWith('alias/aws/')) return 'The alias/aws/ prefix is reserved for AWS managed keys.';
  return undefined;
}

async function promptForKey(backend: KmsBackend, region: string): Promise<{ create: CreateKeyCommandInput; alias?: string } | undefined> {
  const title = `Create Key in ${backend.label} (${region})`;
  const type = await vscode.window.showQuickPick(KEY_TYPES, { title: `${title} — key type`, placeHolder: 'Key spec and usage' });
  if (!type) return undefined;
  const origins = [
    { label: 'KMS generates the key material', origin: 'AWS_KMS' },
    ...(type.spec === 'SYMMETRIC_DEFAULT' || type.spec.startsWith('HMAC') || type.spec.startsWith('RSA') || type.spec.startsWith('ECC')
      ? [{ label: 'Import my own key material (BYOK)', origin: 'EXTERNAL' }]
      : []),
    ...(type.spec === 'SYMMETRIC_DEFAULT' ? [{ label: 'In a CloudHSM custom key store', origin: 'AWS_CLOUDHSM' }, { label: 'In an external key store (XKS)', origin: 'EXTERNAL_KEY_STORE' }] : []),
  ];
  const origin = await vscode.window.showQuickPick(origins, { title: `${title} — key material` });
  if (!origin) return undefined;
  let customKeyStoreId: string | undefined;
  if (origin.origin === 'AWS_CLOUDHSM' || origin.origin === 'EXTERNAL_KEY_STORE') {
    const client = await backend.client(region);
    const stores = ((await client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores ?? []).filter(
      (s) => s.CustomKeyStoreType === (origin.origin === 'AWS_CLOUDHSM' ? 'AWS_CLOUDHSM' : 'EXTERNAL_KEY_STORE'),
    );
    if (!stores.length) {
      void vscode.window.showWarningMessage('There is no custom key store of that type in this Region. The decision advisor can create a simulated CloudHSM setup.');
      return undefined;
    }
    const store = await vscode.window.showQuickPick(
      stores.map((s) => ({ label: s.CustomKeyStoreName ?? s.CustomKeyStoreId ?? '?', description: `${s.CustomKeyStoreId} · ${s.ConnectionState}`, id: s.CustomKeyStoreId })),
      { title: `${title} — key store` },
    );
    if (!store) return undefined;
    customKeyStoreId = store.id;
  }
  let multiRegion = false;
  if (!customKeyStoreId) {
    const choice = await vscode.window.showQuickPick(
      [{ label: 'Single-Region key', value: false }, { label: 'Multi-Region primary key', detail: 'Can be replicated to other Regions with the same key material', value: true }],
      { title: `${title} — Regions` },
    );
    if (!choice) return undefined;
    multiRegion = choice.value;
  }
  let xksKeyId: string | undefined;
  if (origin.origin === 'EXTERNAL_KEY_STORE') {
    xksKeyId = await vscode.window.showInputBox({ title: `${title} — external key`, prompt: 'The id of the key in your external key manager (XksKeyId).', validateInput: (v) => (v.trim() ? undefined : 'Required for a key in an external key store.') });
    if (!xksKeyId) return undefined;
  }
  const alias = await vscode.window.showInputBox({ title: `${title} — alias`, prompt: 'Optional alias, e.g. app-secrets. Press Enter for none.', validateInput: (v) => (v.trim() ? aliasProblem(v) : undefined) });
  if (alias === undefined) return undefined;
  const description = await vscode.window.showInputBox({ title: `${title} — description`, prompt: 'Optional description. Press Enter for none.' });
  if (description === undefined) return undefined;
  return {
    create: {
      KeySpec: type.spec as CreateKeyCommandInput['KeySpec'],
      KeyUsage: type.usage as CreateKeyCommandInput['KeyUsage'],
      Origin: origin.origin as CreateKeyCommandInput['Origin'],
      MultiRegion: multiRegion || undefined,
      CustomKeyStoreId: customKeyStoreId,
      Description: description || undefined,
      XksKeyId: xksKeyId?.trim(),
    },
    alias: alias.trim() ? normalizeAlias(alias) : undefined,
  };
}
