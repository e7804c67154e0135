// CloudFormation templates among the open YAML and JSON documents: each analysed once per
// version. A document that is not a template gets nothing from this server, so the YAML and
// JSON extensions keep those languages. A YAML template keeps the slices its last analysis read,
// so that an edit parses again only the resources it changed.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeTemplate, type TemplateAnalysis } from '../core/templates/templateLanguageService';
import { YamlSliceCache } from '../core/templates/yamlSliceCache';
import type { ServerContext } from './serverContext';

const TEMPLATE_LANGUAGES: Readonly<Record<string, 'yaml' | 'json'>> = { yaml: 'yaml', json: 'json', jsonc: 'json' };

/** How many documents keep their read slices: the ones being edited; the others read theirs again when next edited. */
const MAX_DOCUMENTS_WITH_SLICES = 16;

interface Entry {
  readonly version: number;
  readonly analysis: TemplateAnalysis | undefined;
}

export class TemplateDocuments {
  private readonly entries = new Map<string, Entry>();
  /** By uri, the most recently analysed last. */
  private readonly slices = new Map<string, YamlSliceCache>();

  constructor(ctx: ServerContext) {
    ctx.documents.onDidClose((e) => {
      this.entries.delete(e.document.uri);
      this.slices.delete(e.document.uri);
    });
  }

  private slicesOf(uri: string): YamlSliceCache {
    const slices = this.slices.get(uri) ?? new YamlSliceCache();
    this.slices.delete(uri);
    this.slices.set(uri, slices);
    if (this.slices.size > MAX_DOCUMENTS_WITH_SLICES) this.slices.delete(this.slices.keys().next().value!);
    return slices;
  }

  /** The template's analysis, or undefined when the document is not a CloudFormation template. */
  analysisOf(document: TextDocument): TemplateAnalysis | undefined {
    const format = TEMPLATE_LANGUAGES[document.languageId];
    if (!format) return undefined;
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached.analysis;
    const analysis = analyzeTemplate(document.getText(), format, format === 'yaml' ? { slices: this.slicesOf(document.uri) } : {});
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
