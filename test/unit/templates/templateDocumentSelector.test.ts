// The client syncs YAML and JSON templates (and Terraform files and plans) to the server for
// diagnostics, hovers, quick fixes and code lenses: formatting, outline, folding and completion
// keep the key-policy selector, so the YAML and JSON extensions' formatters and outlines are
// never contested.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DocumentSelector, LanguageClient } from 'vscode-languageclient/node';
import { keepTemplatesToDiagnostics, TEMPLATE_DOCUMENTS } from '../../../client/src/languageClient/templateDocuments';

describe('template documents in the language client', () => {
  it('key-policy-only features are registered without the template selectors; hover and diagnostics keep them', () => {
    const selector: DocumentSelector = [{ language: 'kms-key-policy' }, ...TEMPLATE_DOCUMENTS];
    const seen = new Map<string, DocumentSelector | undefined>();
    const feature = (method: string) => ({ initialize: (_: unknown, s: DocumentSelector | undefined) => void seen.set(method, s) });
    const features = new Map(['textDocument/formatting', 'textDocument/completion', 'textDocument/hover', 'textDocument/diagnostic', 'textDocument/codeLens'].map((m) => [m, feature(m)]));
    const client = { getFeature: (method: string) => features.get(method) } as unknown as LanguageClient;
    keepTemplatesToDiagnostics(client);
    for (const f of features.values()) f.initialize({}, selector);
    assert.deepEqual(seen.get('textDocument/formatting'), [{ language: 'kms-key-policy' }]);
    assert.deepEqual(seen.get('textDocument/completion'), [{ language: 'kms-key-policy' }]);
    assert.deepEqual(seen.get('textDocument/hover'), selector);
    assert.deepEqual(seen.get('textDocument/diagnostic'), selector);
    // The Simulate / Who can use lenses on a template's key statements add to the editor.
    assert.deepEqual(seen.get('textDocument/codeLens'), selector);
  });

  it('a Terraform plan written by terraform show -json is sent under its usual names', () => {
    const patterns = TEMPLATE_DOCUMENTS.flatMap((entry) => (typeof entry === 'object' && 'pattern' in entry && typeof entry.pattern === 'string' ? [entry.pattern] : []));
    assert.ok(patterns.includes('**/*plan*.json'), patterns.join(', '));
  });
});
