// Simulate access and Who Can Use on a CloudFormation template or a Terraform module (a .tf file
// with the rest of its folder, or a plan), against the environment it makes itself (its roles and
// their policies, its keys and grants, its account): a "Simulate access" lens on each statement
// of each key policy, and a "Who can use" lens on each key policy. The lenses run the same client
// commands as a key-policy file's; the simulate request names the template or .tf file as its
// policy document, and Who Can Use names a key as `<URI>#<LogicalId or Terraform address>`.
import { readFileSync } from 'node:fs';
import type { CodeLens } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { keyNotFoundResult, simulateAccess } from '../core/access/simulateAccess';
import type { SimulationResult } from '../core/access/simulationResult';
import { buildScenarioFromEnvironment, type ScenarioRequestInput } from '../core/environment/scenarioBuilder';
import { whoCanUseKey, type WhoCanUseKeyTable } from '../core/environment/whoCanUseKey';
import { templateEnvironment, templateEnvironmentKeyArn, type TemplateEnvironment } from '../core/templates/templateEnvironment';
import { analyzeTemplate } from '../core/templates/templateLanguageService';
import { terraformEnvironment } from '../core/templates/terraform/terraformEnvironment';
import type { PolicyModel } from '../core/policy/policyModel';
import { URI } from './fileUri';
import type { ServerContext } from './serverContext';
import { templateDocuments } from './templateDocuments';
import { isTerraformDocument, terraformDocuments } from './terraformDocuments';

/**
 * The open document, or the file on disk read once as a document (a lens's command may outlive
 * the editor), with the language its name suggests.
 */
function documentAt(ctx: ServerContext, uri: string): TextDocument | undefined {
  const open = ctx.documents.get(uri);
  if (open) return open;
  if (!uri.startsWith('file:')) return undefined;
  let text: string;
  try {
    text = readFileSync(URI.path(uri), 'utf8');
  } catch {
    return undefined;
  }
  return TextDocument.create(uri, /\.tf$/i.test(uri) ? 'terraform' : /\.ya?ml$/i.test(uri) ? 'yaml' : 'json', 0, text);
}

/** The environment a template or a Terraform module (a .tf file or a plan) makes; undefined when the document is neither. */
async function environmentAt(ctx: ServerContext, uri: string): Promise<TemplateEnvironment | undefined> {
  const document = documentAt(ctx, uri);
  if (!document) return undefined;
  if (isTerraformDocument(document)) {
    const analysis = await terraformDocuments(ctx).analysisOf(document);
    return analysis && terraformEnvironment(analysis, { source: uri });
  }
  // An open template's analysis is kept per version; a file on disk is read for this request.
  const analysis = ctx.documents.get(uri) ? templateDocuments(ctx).analysisOf(document) : analyzeTemplate(document.getText(), document.languageId === 'yaml' ? 'yaml' : undefined);
  return analysis && templateEnvironment(analysis.template, analysis.policies, { source: uri });
}

/**
 * The decision for a simulate request whose policy document is a template or a Terraform file,
 * against the environment it makes; undefined when the document is neither. The request names
 * the key by its ARN; a template or module with one key needs no name.
 */
export async function simulateInTemplate(ctx: ServerContext, policyUri: string, input: ScenarioRequestInput): Promise<SimulationResult | undefined> {
  const template = await environmentAt(ctx, policyUri);
  if (!template) return undefined;
  const only = template.keys.size === 1 ? templateEnvironmentKeyArn(template, [...template.keys.keys()][0]!) : undefined;
  const keyRef = input.keyRef || only;
  const built = buildScenarioFromEnvironment(template.environment, { ...input, keyRef: keyRef ?? '' });
  if (built.ok) return simulateAccess(built.scenario);
  const keys = [...template.keys.keys()].join(', ') || 'none';
  const what = /\.tf$/i.test(policyUri) ? 'module' : 'template';
  return keyNotFoundResult(input.principalArn, input.action, keyRef ?? '(no key named)', `${built.message} The ${what}'s keys: ${keys}.`, `the ${what} ${policyUri}`);
}

/** A key of a template named as `<template URI>#<LogicalId>` (a Terraform key: `<file URI>#<address>`). */
export function templateKeyReference(uri: string, logicalId: string): string {
  return `${uri}#${logicalId}`;
}

/** Who can use a key named by templateKeyReference, among the template's principals; undefined for any other key. */
export async function whoCanUseTemplateKey(ctx: ServerContext, key: string, actions?: readonly string[]): Promise<WhoCanUseKeyTable | undefined> {
  const hash = key.lastIndexOf('#');
  if (hash < 0 || !/^[a-z][\w+.-]*:/i.test(key)) return undefined;
  const template = await environmentAt(ctx, key.slice(0, hash));
  const keyArn = template && templateEnvironmentKeyArn(template, key.slice(hash + 1));
  return keyArn ? whoCanUseKey(template.environment, keyArn, { actions }) : undefined;
}

/** A key policy written in the document, by the name its key has in the template or module. */
interface WrittenPolicy {
  readonly keyName: string;
  readonly model: PolicyModel;
  /** Where the policy starts, for its Who Can Use lens when it has no statement. */
  readonly offset: number;
}

/** "Simulate access" on each statement of each policy, "Who can use" on each policy. */
function policyLenses(document: TextDocument, environment: TemplateEnvironment, policies: readonly WrittenPolicy[]): CodeLens[] {
  const principalArns = new Set(environment.environment.principals.map((p) => p.arn));
  // The client offers these when the statement names no principal of the template.
  const principalChoices = [...environment.principals].map(([name, p]) => ({ arn: p.arn, name }));
  const lenses: CodeLens[] = [];
  for (const policy of policies) {
    const keyArn = templateEnvironmentKeyArn(environment, policy.keyName);
    if (!keyArn) continue;
    const first = policy.model.statements[0];
    const at = document.positionAt(first?.range.start ?? policy.offset);
    lenses.push({
      range: { start: at, end: at },
      command: { title: `$(organization) Who can use ${policy.keyName}?`, command: 'kmsPolicyStudio.whoCanUseKey', arguments: [templateKeyReference(document.uri, policy.keyName)] },
    });
    for (const statement of policy.model.statements) {
      // The statement's own principal and action, when it names a principal of the template and a plain action.
      const principal = statement.principal?.entries.map((e) => e.value.value).find((arn) => principalArns.has(arn));
      const actions = (statement.action ?? []).map((a) => a.value).filter((a) => /^kms:[A-Za-z]+$/.test(a));
      const action = actions[0];
      const start = document.positionAt(statement.range.start);
      lenses.push({
        range: { start, end: start },
        command: {
          title: `$(play) Simulate access${statement.sid ? ` (${statement.sid.value})` : ''}`,
          command: 'kmsPolicyStudio.simulateAccess',
          arguments: [
            document.uri,
            statement.index,
            { resource: keyArn, ...(principal ? { principal } : { principalChoices }), ...(principal && action ? { action } : { statementActions: actions }) },
          ],
        },
      });
    }
  }
  return lenses;
}

/** The lenses of a CloudFormation template, a Terraform file or a plan; none for any other document. */
export async function templateStatementLenses(ctx: ServerContext, document: TextDocument): Promise<CodeLens[]> {
  if (isTerraformDocument(document)) {
    const analysis = await terraformDocuments(ctx).analysisOf(document);
    if (!analysis) return [];
    // The policies written in this document (a data source's policy lands in its own file).
    const written = analysis.policies.filter((p) => p.key && p.policy.path === document.uri);
    if (written.length === 0) return [];
    const environment = terraformEnvironment(analysis);
    return policyLenses(document, environment, written.map((p) => ({ keyName: p.key!.address, model: p.policy.model, offset: p.policy.range.start })));
  }
  const analysis = templateDocuments(ctx).analysisOf(document);
  if (!analysis || analysis.policies.length === 0) return [];
  const environment = templateEnvironment(analysis.template, analysis.policies);
  return policyLenses(document, environment, analysis.policies.map((p) => ({ keyName: p.key.logicalId, model: p.model, offset: p.policyNode.offset })));
}
