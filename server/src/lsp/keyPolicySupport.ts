// The key-policy state every feature shares on one connection: the language service, the
// parse cache, the settings cache, and which open documents are key policies.
import { pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './fileUri';
import { createKeyPolicyLanguageService, type KeyPolicyLanguageService } from '../core/analysis/keyPolicyLanguageService';
import type { Finding } from '../core/analysis/analysisTypes';
import type { CompletionOptions } from '../core/analysis/policyCompletion';
import { LANGUAGE_ID } from '../protocol';
import { matchesAnyGlob } from './globMatcher';
import { PolicyDocumentCache } from './policyDocumentCache';
import { workspaceTrusted, type ServerContext } from './serverContext';
import { SettingsCache } from './settingsCache';
import { templateDocuments } from './templateDocuments';
import { validateTemplate } from '../core/templates/templateLanguageService';
import { WorkspaceEnvironment } from './workspaceEnvironment';

export interface KeyPolicySupport {
  readonly service: KeyPolicyLanguageService;
  readonly models: PolicyDocumentCache;
  readonly settings: SettingsCache;
  /** Key-policy documents: language `kms-key-policy`, or JSON files matching the extra globs. */
  isKeyPolicy(document: TextDocument): Promise<boolean>;
  /** Findings for a document with the user's disabled rules removed. */
  validate(document: TextDocument): Promise<Finding[]>;
  /** What completion may use beyond the text: the document's environment and its key there. */
  completionOptions(document: TextDocument): Promise<CompletionOptions>;
}

const JSON_LANGUAGES = new Set(['json', 'jsonc']);
const supports = new WeakMap<ServerContext, KeyPolicySupport>();

export function keyPolicySupport(ctx: ServerContext): KeyPolicySupport {
  let support = supports.get(ctx);
  if (support) return support;
  const service = createKeyPolicyLanguageService();
  const models = new PolicyDocumentCache((text) => service.parse(text));
  const settings = new SettingsCache(ctx);
  const environments = new WorkspaceEnvironment(
    () => ctx.initializationOptions.environmentFile,
    () => ctx.workspaceFolders ?? [],
    (path) => {
      const open = ctx.documents.get(pathToFileURL(path).href);
      return open ? { text: open.getText(), version: open.version } : undefined;
    },
  );
  // In an untrusted workspace no environment applies: its file and the files it names stay unread.
  const environmentOf = async (document: TextDocument) =>
    workspaceTrusted(ctx) ? environments.forDocument(document.uri, (await settings.get(document.uri)).environmentFile) : undefined;
  const isKeyPolicy = async (document: TextDocument): Promise<boolean> => {
    if (document.languageId === LANGUAGE_ID) return true;
    if (!JSON_LANGUAGES.has(document.languageId)) return false;
    const globs = (await settings.get(document.uri)).additionalKeyPolicyGlobs;
    if (globs.length > 0 && matchesAnyGlob(URI.path(document.uri), globs)) return true;
    return (await environmentOf(document))?.role?.kind === 'keyPolicy';
  };
  support = {
    service,
    models,
    settings,
    isKeyPolicy,
    async completionOptions(document) {
      const context = await environmentOf(document);
      return { environment: context?.environment, environmentKey: context?.role?.kind === 'keyPolicy' ? context.role.key : undefined };
    },
    async validate(document) {
      const { disabledRules } = await settings.get(document.uri);
      const context = await environmentOf(document);
      const role = context?.role;
      if (await isKeyPolicy(document)) {
        const key = role?.kind === 'keyPolicy' ? role.key : undefined;
        return service.doValidation(models.get(document), { disabledRules, keyAccount: key?.account, environment: context?.environment, environmentKey: key });
      }
      // Identity policies named by the environment (JSON documents the client sends us).
      if (context && role?.kind === 'identityPolicy' && JSON_LANGUAGES.has(document.languageId)) {
        return service.doIdentityPolicyValidation(models.get(document), context.environment, role.principalAccounts, disabledRules);
      }
      // CloudFormation templates (YAML, JSON, CDK output): their keys' policies.
      const template = templateDocuments(ctx).analysisOf(document);
      return template ? validateTemplate(template, { disabledRules }) : [];
    },
  };
  ctx.documents.onDidClose((e) => {
    models.forget(e.document.uri);
    settings.forget(e.document.uri);
  });
  supports.set(ctx, support);
  return support;
}
