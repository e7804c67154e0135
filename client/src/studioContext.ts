// The one object that owns lifetimes. Extension-lifetime things (commands, views, status bar)
// live in the ExtensionContext's subscriptions; the language client and what depends on it
// (engine backend, notification handlers) are created once it starts and torn down with it.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  EngineChangedNotification,
  EngineClockRequest,
  EngineInfoRequest,
  KmsWireRequest,
  type EngineInfoResult,
  type WireRequest,
  type WireResponse,
} from '../../server/src/protocol';
import { createLanguageClient } from './languageClient/createLanguageClient';
import { AwsProfileBackend, type AwsProfileSetting } from './kms/awsProfileBackend';
import { EmbeddedBackend } from './kms/embeddedBackend';
import type { KmsBackend } from './kms/kmsBackend';
import { onNotification, sendRequest } from './languageClient/typedMessages';

export type CommandHandler = (...args: unknown[]) => unknown;

export class StudioContext implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly embedded: EmbeddedBackend;
  private clientPromise: Promise<LanguageClient> | undefined;
  private engineInfoPromise: Promise<EngineInfoResult> | undefined;
  private awsBackends = new Map<string, AwsProfileBackend>();
  private readonly engineChanged = new vscode.EventEmitter<void>();
  private readonly backendsChanged = new vscode.EventEmitter<void>();
  private readonly principalChanged = new vscode.EventEmitter<string>();
  /** The embedded engine's state changed (server notification) or a command changed it. */
  readonly onDidChangeEngine = this.engineChanged.event;
  /** AWS profiles were added or removed. */
  readonly onDidChangeBackends = this.backendsChanged.event;
  /** Act As chose another principal. */
  readonly onDidChangePrincipal = this.principalChanged.event;

  /**
   * Writes the live policy of a key of the embedded engine to its `<key id>.key-policy.json`
   * file and answers its URI (set by the live-policy editor), so a simulation can read it.
   */
  livePolicyFile?: (keyArn: string) => Promise<vscode.Uri | undefined>;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('KMS Key Policy Studio', { log: true });
    this.embedded = new EmbeddedBackend(
      () => this.engineInfo(),
      (request) => this.sendWire(request),
      () => vscode.workspace.getConfiguration('kmsPolicyStudio').get<string[]>('embeddedRegions', []),
      async () => new Date((await sendRequest(await this.client(), EngineClockRequest)).now),
    );
    this.push(this.output, this.engineChanged, this.backendsChanged, this.principalChanged);
    this.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('kmsPolicyStudio.awsProfiles') || e.affectsConfiguration('kmsPolicyStudio.embeddedRegions')) {
          this.loadAwsBackends();
          this.backendsChanged.fire();
        }
      }),
    );
    this.loadAwsBackends();
  }

  push(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  /** Registers `kmsPolicyStudio.<name>` with a handler the factory builds from this context. */
  registerCommand(id: string, factory: (ctx: StudioContext) => CommandHandler): void {
    const handler = factory(this);
    this.push(vscode.commands.registerCommand(id, (...args: unknown[]) => handler(...args)));
  }

  /** Starts the language client in the background; callers that need it await `client()`. */
  startLanguageClient(): void {
    this.clientPromise ??= (async () => {
      const client = await createLanguageClient(this.extension, this.output);
      this.push({ dispose: () => void client.stop().catch(() => undefined) });
      await client.start();
      this.push(
        onNotification(client, EngineChangedNotification, () => this.engineChanged.fire()),
        client.onDidChangeState(() => {
          this.engineInfoPromise = undefined;
          this.embedded.resetClients();
        }),
      );
      return client;
    })();
    this.clientPromise.catch((error: unknown) => {
      this.output.error(`The KMS language server did not start: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  client(): Promise<LanguageClient> {
    this.startLanguageClient();
    return this.clientPromise as Promise<LanguageClient>;
  }

  /**
   * Restarts the language server, and with it the embedded engine, which then reads the
   * environment file afresh. Keys, grants and aliases are in the engine's store and stay.
   */
  async restartLanguageServer(): Promise<void> {
    const client = await this.client();
    // The state-change handler above forgets the engine's info and the SDK clients.
    await client.restart();
    this.engineChanged.fire();
  }

  engineInfo(): Promise<EngineInfoResult> {
    this.engineInfoPromise ??= this.client().then((c) => sendRequest(c, EngineInfoRequest));
    this.engineInfoPromise.catch(() => (this.engineInfoPromise = undefined));
    return this.engineInfoPromise;
  }

  private async sendWire(request: WireRequest): Promise<WireResponse> {
    const client = await this.client();
    return sendRequest(client, KmsWireRequest, request);
  }

  /** Tells views that the engine changed because of something this extension did. */
  fireEngineChanged(): void {
    this.engineChanged.fire();
  }

  actAs(principalArn: string): void {
    this.embedded.actAs(principalArn);
    this.principalChanged.fire(principalArn);
  }

  backends(): KmsBackend[] {
    return [this.embedded, ...this.awsBackends.values()];
  }

  backend(id: string): KmsBackend | undefined {
    return this.backends().find((b) => b.id === id);
  }

  private loadAwsBackends(): void {
    const settings = vscode.workspace.getConfiguration('kmsPolicyStudio').get<AwsProfileSetting[]>('awsProfiles', []);
    const next = new Map<string, AwsProfileBackend>();
    for (const setting of settings) {
      if (!setting || typeof setting.profile !== 'string' || !setting.profile) continue;
      const backend = new AwsProfileBackend(setting, undefined);
      const previous = this.awsBackends.get(backend.id);
      if (previous) previous.dispose();
      next.set(backend.id, backend);
    }
    for (const [id, old] of this.awsBackends) if (!next.has(id)) old.dispose();
    this.awsBackends = next;
  }

  dispose(): void {
    this.embedded.resetClients();
    for (const backend of this.awsBackends.values()) backend.dispose();
  }
}
