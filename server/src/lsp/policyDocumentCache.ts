// Parsed policies cached by document uri and version: every feature of one keystroke
// (diagnostics, hover, completion, code actions) shares one parse.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { PolicyModel } from '../core/policy/policyModel';

interface Entry {
  readonly version: number;
  readonly model: PolicyModel;
}

export class PolicyDocumentCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly parse: (text: string) => PolicyModel,
    private readonly maxEntries = 50,
  ) {}

  get(document: TextDocument): PolicyModel {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached.model;
    const model = this.parse(document.getText());
    this.entries.delete(document.uri);
    this.entries.set(document.uri, { version: document.version, model });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return model;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
