// The language client: the bundled server over IPC, key-policy and scenario documents (plus the
// user's extra globs), and initialization options naming the engine's encrypted store.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type DocumentSelector, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ENGINE_ROOT_KEY_ENV, LANGUAGE_ID, SCENARIO_LANGUAGE_ID, type ServerInitializationOptions } from '../../../server/src/protocol';
import { environmentFile } from './environmentFileLocation';
import { keepTemplatesToDiagnostics, TEMPLATE_DOCUMENTS } from './templateDocuments';

const ROOT_KEY_SECRET = 'kmsPolicyStudio.engineRootKey';

export async function createLanguageClient(
  extension: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): Promise<LanguageClient> {
  const module = extension.asAbsolutePath(path.join('dist', 'server', 'serverMain.js'));
  // The store's root key goes to the server process in its environment: initialize parameters
  // appear whole in a message trace.
  const env = { ...process.env, [ENGINE_ROOT_KEY_ENV]: await engineRootKey(extension.secrets) };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    outputChannel: output,
    synchronize: {
      configurationSection: 'kmsPolicyStudio',
      fileEvents: [
        // A commit or checkout changes what the "Access diff vs HEAD" lens compares with.
        vscode.workspace.createFileSystemWatcher('**/.git/{HEAD,index,packed-refs,refs/heads/**}'),
        // A Terraform file changed on disk changes what the open files of its module say.
        vscode.workspace.createFileSystemWatcher('**/*.tf'),
      ],
    },
    // A function: a restart (Restart Embedded Engine) reads the environment setting afresh.
    initializationOptions: initializationOptions(extension),
  };
  const client = new LanguageClient('kmsPolicyStudio', 'KMS Key Policy Studio', serverOptions, clientOptions);
  keepTemplatesToDiagnostics(client);
  return client;
}

function documentSelector(): DocumentSelector {
  const selector: DocumentSelector = [
    { language: LANGUAGE_ID },
    { language: SCENARIO_LANGUAGE_ID },
    // CloudFormation templates: the server answers only those that are templates.
    ...TEMPLATE_DOCUMENTS,
  ];
  // IAM policy files: the server checks those the environment file names as a principal's
  // identity policies (an allow on a key whose policy does not delegate has no effect).
  const identityGlobs = vscode.workspace.isTrusted
    ? vscode.workspace.getConfiguration('kmsPolicyStudio').get<string[]>('identityPolicyGlobs', [])
    : [];
  for (const pattern of identityGlobs) {
    if (typeof pattern === 'string' && pattern.trim()) selector.push({ language: 'json', scheme: 'file', pattern });
  }
  // Extra globs come from the workspace, so they apply only once it is trusted.
  if (vscode.workspace.isTrusted) {
    const globs = vscode.workspace.getConfiguration('kmsPolicyStudio').get<string[]>('additionalKeyPolicyGlobs', []);
    for (const pattern of globs) if (typeof pattern === 'string' && pattern.trim()) selector.push({ pattern });
  }
  return selector;
}

function initializationOptions(extension: vscode.ExtensionContext): () => ServerInitializationOptions {
  return () => ({
    engineStorePath: path.join(extension.globalStorageUri.fsPath, 'engine'),
    environmentFile: environmentFile(),
    // The server reads nothing from an untrusted workspace; a grant of trust restarts it (environmentWatcher).
    workspaceTrusted: vscode.workspace.isTrusted,
  });
}

/** The key encrypting the engine's store at rest: created once, kept in the OS keychain via SecretStorage. */
async function engineRootKey(secrets: vscode.SecretStorage): Promise<string> {
  const existing = await secrets.get(ROOT_KEY_SECRET);
  if (existing && /^[0-9a-f]{64}$/i.test(existing)) return existing;
  const created = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
  await secrets.store(ROOT_KEY_SECRET, created);
  return created;
}
