// CloudFormation templates are YAML and JSON documents that the YAML and JSON extensions own;
// Terraform files are the Terraform extension's.
// The server gives them diagnostics, hovers, quick fixes and the Simulate / Who can use lenses
// on each key-policy statement, and only when the document is a template; formatting, outline,
// folding and completion stay on key policies, so no other extension's formatter or outline is
// ever contested (a code lens adds to the editor and replaces nothing).
import type { DocumentSelector, LanguageClient } from 'vscode-languageclient/node';

/** YAML anywhere (templates have any name); JSON under the names CloudFormation, SAM and CDK write. */
export const TEMPLATE_DOCUMENTS: DocumentSelector = [
  { language: 'yaml', scheme: 'file' },
  { language: 'json', scheme: 'file', pattern: '**/*.template.json' },
  { language: 'json', scheme: 'file', pattern: '**/template.json' },
  // Terraform plans (`terraform show -json`), under the names they are usually given; the server
  // answers only a document shaped like a plan.
  { language: 'json', scheme: 'file', pattern: '**/*plan*.json' },
  // Terraform: the HashiCorp extension's language id, and *.tf under any other id (or none).
  { language: 'terraform', scheme: 'file' },
  { scheme: 'file', pattern: '**/*.tf' },
];

const KEY_POLICY_ONLY_FEATURES = [
  'textDocument/formatting',
  'textDocument/rangeFormatting',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/completion',
];

interface SelectorFeature {
  initialize(capabilities: unknown, documentSelector: DocumentSelector | undefined): void;
}

/** Registers the key-policy-only features for the selector without the template documents. */
export function keepTemplatesToDiagnostics(client: LanguageClient): void {
  for (const method of KEY_POLICY_ONLY_FEATURES) {
    const feature = (client.getFeature as (method: string) => SelectorFeature | undefined)(method);
    if (!feature) continue;
    const initialize = feature.initialize.bind(feature);
    feature.initialize = (capabilities, selector) => initialize(capabilities, selector?.filter((entry) => !TEMPLATE_DOCUMENTS.includes(entry)));
  }
}
