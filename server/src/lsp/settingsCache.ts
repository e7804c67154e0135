// Settings pulled from the client per resource (`workspace/configuration`), cached until
// the client says they changed.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type KmsPolicyStudioSettings } from '../protocol';
import type { ServerContext } from './serverContext';

export class SettingsCache {
  private readonly byUri = new Map<string, Promise<KmsPolicyStudioSettings>>();
  private readonly listeners: (() => void)[] = [];
  /** Settings pushed with didChangeConfiguration, for clients that cannot be asked. */
  private pushed: Partial<KmsPolicyStudioSettings> = {};

  constructor(private readonly ctx: ServerContext) {
    ctx.connection.onDidChangeConfiguration((change) => {
      const section = (change.settings as { kmsPolicyStudio?: Partial<KmsPolicyStudioSettings> } | null)?.kmsPolicyStudio;
      if (section && typeof section === 'object') this.pushed = section;
      this.byUri.clear();
      for (const listener of this.listeners) listener();
    });
  }

  onDidChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  get(uri: string): Promise<KmsPolicyStudioSettings> {
    let settings = this.byUri.get(uri);
    if (!settings) {
      settings = this.fetch(this.ctx.connection, uri);
      this.byUri.set(uri, settings);
    }
    return settings;
  }

  private async fetch(connection: Connection, uri: string): Promise<KmsPolicyStudioSettings> {
    if (!this.ctx.clientCapabilities?.workspace?.configuration) return normalize(this.pushed);
    try {
      const value = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'kmsPolicyStudio' })) as Partial<KmsPolicyStudioSettings> | null;
      return normalize(value ?? {});
    } catch {
      return normalize(this.pushed);
    }
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function normalize(value: Partial<KmsPolicyStudioSettings>): KmsPolicyStudioSettings {
  return {
    additionalKeyPolicyGlobs: strings(value.additionalKeyPolicyGlobs),
    environmentFile: typeof value.environmentFile === 'string' ? value.environmentFile : DEFAULT_SETTINGS.environmentFile,
    disabledRules: strings(value.disabledRules),
    accessChecks: {
      noPublicAccess: value.accessChecks?.noPublicAccess === true,
      actionsNeverGranted: strings(value.accessChecks?.actionsNeverGranted),
    },
  };
}
