// A minimal LSP client for protocol tests: spawns the bundled server over stdio and talks
// to it as any editor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const SERVER_MAIN = join(import.meta.dirname, '../../dist/server/serverMain.js');

export interface TestClient {
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  /** publishDiagnostics notifications received, by uri (last one wins). */
  readonly published: Map<string, { version?: number; diagnostics: { code: string }[] }>;
  /** Settings answered to workspace/configuration (mutable by tests). */
  settings: Record<string, unknown>;
  /** The server's answer to initialize. */
  initializeResult?: { capabilities: Record<string, unknown> };
  stderr(): string;
  close(): Promise<void>;
}

export async function startClient(
  capabilities: object,
  settings: Record<string, unknown> = {},
  workspaceFolders: { uri: string; name: string }[] | null = null,
  initializationOptions: Record<string, unknown> = {},
): Promise<TestClient> {
  const child = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (d) => (errors += String(d)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client: TestClient = {
    connection,
    child,
    published: new Map(),
    settings,
    stderr: () => errors,
    async close() {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // The server may already be gone; the kill below settles it.
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill();
      connection.dispose();
    },
  };
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map(() => client.settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: { code: string }[] }) => {
    client.published.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  client.initializeResult = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, workspaceFolders, initializationOptions })) as TestClient['initializeResult'];
  connection.sendNotification('initialized', {});
  return client;
}

export function open(client: TestClient, uri: string, text: string, languageId = 'kms-key-policy', version = 1): void {
  client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The cursor position of the `|` marker, and the text without it. */
export function cursorAt(fixture: string): { text: string; position: { line: number; character: number } } {
  const offset = fixture.indexOf('|');
  const before = fixture.slice(0, offset);
  const lines = before.split('\n');
  return { text: before + fixture.slice(offset + 1), position: { line: lines.length - 1, character: lines.at(-1)!.length } };
}
