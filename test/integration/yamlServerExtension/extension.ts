// A test-only extension that runs Red Hat's YAML language server (yaml-language-server, the
// server inside the Red Hat YAML extension, redhat.vscode-yaml) for the `yaml` language, the way
// that extension does: a vscode-languageclient client, document selector `yaml`, and the
// server's settings answered when it asks for the `yaml` section (workspace/configuration).
// It is not the Red Hat extension (that is not in the npm registry); it lets the integration
// suite prove our extension and that server share a CloudFormation template.
//
// The settings are those a CloudFormation user of the Red Hat extension keeps in settings.json:
// validation on, CloudFormation's short-form tags declared as customTags, and a JSON schema for
// templates (a small slice of CloudFormation's, shipped beside this file). The schema store is
// off: the test machine has no network.
//
// The integration runner bundles this file (vscode-languageclient inside it) and bakes in the
// path of the server's `bin/yaml-language-server` in the repository's node_modules.
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

declare const YAML_LANGUAGE_SERVER_BIN: string;

/** CloudFormation's short-form intrinsics, as the AWS documentation tells Red Hat YAML users to declare them. */
export const CLOUDFORMATION_CUSTOM_TAGS = [
  '!And sequence', '!If sequence', '!Not sequence', '!Equals sequence', '!Or sequence',
  '!FindInMap sequence', '!Base64 scalar', '!Base64 mapping', '!Cidr sequence', '!Condition scalar',
  '!GetAtt scalar', '!GetAtt sequence', '!GetAZs scalar', '!ImportValue scalar', '!ImportValue mapping',
  '!Join sequence', '!Select sequence', '!Split sequence', '!Ref scalar', '!Sub scalar', '!Sub sequence',
  '!Transform mapping', '!Length sequence', '!ToJsonString mapping', '!ToJsonString sequence',
];

/** The templates the schema applies to (yaml-language-server matches the glob anywhere in a path). */
export const SCHEMA_FILE_MATCH = 'cloudformation/*.yaml';

/** What the integration suite reads through `extension.exports`. */
export interface YamlServerApi {
  /** Resolves once the server runs and has been answered its `yaml` settings. */
  readonly ready: Promise<void>;
  /** The client's state now: 'running', 'starting' or 'stopped'. */
  state(): string;
  /** How many times the client stopped (a server crash stops it before a restart). */
  stops(): number;
  /** The diagnostics the server last published for a document, or undefined before any. */
  published(uri: vscode.Uri): readonly vscode.Diagnostic[] | undefined;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): YamlServerApi {
  const schemaUri = vscode.Uri.joinPath(context.extensionUri, 'cloudformation-kms.schema.json').toString();
  const yamlSettings = {
    validate: true,
    hover: true,
    completion: true,
    customTags: CLOUDFORMATION_CUSTOM_TAGS,
    schemas: { [schemaUri]: [SCHEMA_FILE_MATCH] },
    schemaStore: { enable: false },
  };
  const published = new Map<string, readonly vscode.Diagnostic[]>();
  let stops = 0;
  let settingsServed!: () => void;
  const settingsAnswered = new Promise<void>((resolve) => { settingsServed = resolve; });

  // `yaml-language-server --stdio`: the client forks the bin with `--stdio` and talks over its pipes.
  const serverOptions: ServerOptions = { module: YAML_LANGUAGE_SERVER_BIN, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'yaml' }],
    outputChannel: vscode.window.createOutputChannel("Red Hat's YAML language server (test)", { log: true }),
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, i) => {
            if (item.section !== 'yaml') return answers[i];
            settingsServed();
            return yamlSettings;
          });
        },
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        published.set(uri.toString(), diagnostics);
        next(uri, diagnostics);
      },
    },
  };
  client = new LanguageClient('yamlLanguageServerUnderTest', "Red Hat's YAML language server (test)", serverOptions, clientOptions);
  context.subscriptions.push(client.onDidChangeState(({ newState }) => { if (newState === State.Stopped) stops++; }));
  const started = client.start();
  return {
    ready: Promise.all([started, settingsAnswered]).then(() => undefined),
    state: () => (client?.state === State.Running ? 'running' : client?.state === State.Starting ? 'starting' : 'stopped'),
    stops: () => stops,
    published: (uri) => published.get(uri.toString()),
  };
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
