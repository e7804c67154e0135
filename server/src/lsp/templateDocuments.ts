// CloudFormation templates among the open YAML and JSON documents: each analysed once per
// version. A document that is not a template gets nothing from this server, so the YAML and
// JSON extensions keep those languages.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, type TemplateAnalysis } from '../core/templates/templateLanguageService';
import type { ServerContext } from './serverContext';

const TEMPLATE_LANGUAGES: Readonly<Record<string, 'yaml' | 'json'>> = { yaml: 'yaml', json: 'json', jsonc: 'json' };

interface Entry {
  readonly version: number;
  readonly analysis: TemplateAnalysis | undefined;
}

export class TemplateDocuments {
  private readonly entries = new Map<string, Entry>();

  constructor(ctx: ServerContext) {
    ctx.documents.onDidClose((e) => this.entries.delete(e.document.uri));
  }

  /** The template's analysis, or undefined when the document is not a CloudFormation template. */
  analysisOf(document: TextDocument): TemplateAnalysis | undefined {
    const format = TEMPLATE_LANGUAGES[document.languageId];
    if (!format) return undefined;
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached.analysis;
    const analysis = analyzeTemplate(document.getText(), format);
    this.entries.set(document.uri, { version: document.version, analysis });
    return analysis;
  }
}

const perContext = new WeakMap<ServerContext, TemplateDocuments>();

export function templateDocuments(ctx: ServerContext): TemplateDocuments {
  let documents = perContext.get(ctx);
  if (!documents) perContext.set(ctx, (documents = new TemplateDocuments(ctx)));
  return documents;
}
