// Simulate access and Who Can Use on a CloudFormation template, against the environment the
// template itself makes (its roles and their policies, its keys, its account): a "Simulate
// access" lens on each statement of each key policy, and a "Who can use" lens on each key
// policy. The lenses run the same client commands as a key-policy file's; the simulate request
// names the template as its policy document, and Who Can Use names a key of the template as
// `<template URI>#<LogicalId>`.
import { readFileSync } from 'node:fs';
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { keyNotFoundResult, simulateAccess } from '../core/access/simulateAccess';
import type { SimulationResult } from '../core/access/simulationResult';
import { buildScenarioFromEnvironment, type ScenarioRequestInput } from '../core/environment/scenarioBuilder';
import { whoCanUseKey, type WhoCanUseKeyTable } from '../core/environment/whoCanUseKey';
import { templateEnvironment, templateEnvironmentKeyArn, type TemplateEnvironment } from '../core/templates/templateEnvironment';
import { analyzeTemplate, type TemplateAnalysis } from '../core/templates/templateLanguageService';
import { URI } from './fileUri';
import type { ServerContext } from './serverContext';
import { templateDocuments } from './templateDocuments';

/** The template's analysis: the open document's (cached per version), else the file's on disk. */
function analysisAt(ctx: ServerContext, uri: string): TemplateAnalysis | undefined {
  const open = ctx.documents.get(uri);
  if (open) return templateDocuments(ctx).analysisOf(open);
  if (!uri.startsWith('file:')) return undefined;
  let text: string;
  try {
    text = readFileSync(URI.path(uri), 'utf8');
  } catch {
    return undefined;
  }
  return analyzeTemplate(text, /\.ya?ml$/i.test(uri) ? 'yaml' : undefined);
}

function environmentAt(ctx: ServerContext, uri: string): TemplateEnvironment | undefined {
  const analysis = analysisAt(ctx, uri);
  return analysis && templateEnvironment(analysis.template, analysis.policies, { source: uri });
}

/**
 * The decision for a simulate request whose policy document is a template, against the
 * template's environment; undefined when the document is not a template. The request names the
 * key by its ARN; a template with one key needs no name.
 */
export function simulateInTemplate(ctx: ServerContext, policyUri: string, input: ScenarioRequestInput): SimulationResult | undefined {
  const template = environmentAt(ctx, policyUri);
  if (!template) return undefined;
  const only = template.keys.size === 1 ? templateEnvironmentKeyArn(template, [...template.keys.keys()][0]!) : undefined;
  const keyRef = input.keyRef || only;
  const built = buildScenarioFromEnvironment(template.environment, { ...input, keyRef: keyRef ?? '' });
  if (built.ok) return simulateAccess(built.scenario);
  const keys = [...template.keys.keys()].join(', ') || 'none';
  return keyNotFoundResult(input.principalArn, input.action, keyRef ?? '(no key named)', `${built.message} The template's keys: ${keys}.`, `the template ${policyUri}`);
}

/** A key of a template named as `<template URI>#<LogicalId>`. */
export function templateKeyReference(uri: string, logicalId: string): string {
  return `${uri}#${logicalId}`;
}

/** Who can use a key named by templateKeyReference, among the template's principals; undefined for any other key. */
export function whoCanUseTemplateKey(ctx: ServerContext, key: string, actions?: readonly string[]): WhoCanUseKeyTable | undefined {
  const hash = key.lastIndexOf('#');
  if (hash < 0 || !/^[a-z][\w+.-]*:/i.test(key)) return undefined;
  const template = environmentAt(ctx, key.slice(0, hash));
  const keyArn = template && templateEnvironmentKeyArn(template, key.slice(hash + 1));
  return keyArn ? whoCanUseKey(template.environment, keyArn, { actions }) : undefined;
}

/** "Simulate access" on each key-policy statement of a template, "Who can use" on each key policy. */
export function templateStatementLenses(ctx: ServerContext, document: TextDocument): CodeLens[] {
  const analysis = templateDocuments(ctx).analysisOf(document);
  if (!analysis || analysis.policies.length === 0) return [];
  const environment = templateEnvironment(analysis.template, analysis.policies);
  const principalArns = new Set(environment.environment.principals.map((p) => p.arn));
  const lenses: CodeLens[] = [];
  for (const policy of analysis.policies) {
    const keyArn = templateEnvironmentKeyArn(environment, policy.key.logicalId);
    if (!keyArn) continue;
    const first = policy.model.statements[0];
    const at = document.positionAt(first?.range.start ?? policy.policyNode.offset);
    lenses.push({
      range: { start: at, end: at },
      command: { title: `$(organization) Who can use ${policy.key.logicalId}?`, command: 'kmsPolicyStudio.whoCanUseKey', arguments: [templateKeyReference(document.uri, policy.key.logicalId)] },
    });
    for (const statement of policy.model.statements) {
      // The statement's own principal and action, when it names a principal of the template and a plain action.
      const principal = statement.principal?.entries.map((e) => e.value.value).find((arn) => principalArns.has(arn));
      const action = statement.action?.map((a) => a.value).find((a) => /^kms:[A-Za-z]+$/.test(a));
      const start = document.positionAt(statement.range.start);
      lenses.push({
        range: { start, end: start },
        command: {
          title: `$(play) Simulate access${statement.sid ? ` (${statement.sid.value})` : ''}`,
          command: 'kmsPolicyStudio.simulateAccess',
          arguments: [document.uri, statement.index, { resource: keyArn, ...(principal ? { principal } : {}), ...(principal && action ? { action } : {}) }],
        },
      });
    }
  }
  return lenses;
}
