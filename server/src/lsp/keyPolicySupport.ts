// The key-policy state every feature shares on one connection: the language service, the
// parse cache, the settings cache, and which open documents are key policies.
import { pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './fileUri';
import { createKeyPolicyLanguageService, type KeyPolicyLanguageService } from '../core/analysis/keyPolicyLanguageService';
import type { Finding } from '../core/analysis/analysisTypes';
import type { CompletionOptions } from '../core/analysis/policyCompletion';
import { saveAccessCheckFindings, type SaveAccessChecks } from '../core/accessChecks/saveAccessChecks';
import type { Environment, EnvironmentKey } from '../core/environment/environmentModel';
import type { PolicyModel } from '../core/policy/policyModel';
import { LANGUAGE_ID } from '../protocol';
import { matchesAnyGlob } from './globMatcher';
import { PolicyDocumentCache } from './policyDocumentCache';
import { workspaceTrusted, type ServerContext } from './serverContext';
import { SettingsCache } from './settingsCache';
import { templateDocuments } from './templateDocuments';
import { isTerraformDocument, terraformDocuments } from './terraformDocuments';
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

/** The save checks' findings per parse, reused while the settings and the environment stay (they evaluate many requests). */
const accessCheckRuns = new WeakMap<PolicyModel, { checks: string; environment?: Environment; key?: EnvironmentKey; findings: Finding[] }>();
function accessCheckFindings(model: PolicyModel, checks: SaveAccessChecks, options: { environment?: Environment; key?: EnvironmentKey }): Finding[] {
  const checksKey = JSON.stringify(checks);
  const cached = accessCheckRuns.get(model);
  if (cached && cached.checks === checksKey && cached.environment === options.environment && cached.key === options.key) return cached.findings;
  const findings = saveAccessCheckFindings(model, checks, options);
  accessCheckRuns.set(model, { checks: checksKey, ...options, findings });
  return findings;
}

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
      const { disabledRules, accessChecks } = await settings.get(document.uri);
      const context = await environmentOf(document);
      const role = context?.role;
      if (await isKeyPolicy(document)) {
        const key = role?.kind === 'keyPolicy' ? role.key : undefined;
        const model = models.get(document);
        const findings = service.doValidation(model, { disabledRules, keyAccount: key?.account, environment: context?.environment, environmentKey: key });
        const checked = accessCheckFindings(model, accessChecks, { environment: context?.environment, key }).filter((f) => !disabledRules.includes(f.code));
        return [...findings, ...checked];
      }
      // Identity policies named by the environment (JSON documents the client sends us).
      if (context && role?.kind === 'identityPolicy' && JSON_LANGUAGES.has(document.languageId)) {
        return service.doIdentityPolicyValidation(models.get(document), context.environment, role.principalAccounts, disabledRules);
      }
      // Terraform (.tf): the module's key policies, keys, grants and IAM policies located in this file.
      if (isTerraformDocument(document)) return terraformDocuments(ctx).findings(document, disabledRules);
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
