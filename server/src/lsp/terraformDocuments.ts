// Terraform documents (language `terraform`, or any *.tf file): each analysed with the rest of its
// module, once per version of the open document. The other .tf files of its folder come from the
// editor when open, else from disk, and only in a trusted workspace (an untrusted one is checked
// file by file). A JSON document shaped as a Terraform plan (terraform show -json) is one too:
// its planned resources are its module. The server gives them diagnostics, hovers and quick fixes; the Terraform
// extension keeps everything else. The HCL parser's WebAssembly loads once, on the first one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeLensRefreshRequest } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../core/analysis/analysisTypes';
import { analyzeTerraformModule, validateTerraform, type TerraformAnalysis } from '../core/templates/terraform/terraformLanguageService';
import { HclFileCache, readTerraformModule, type TerraformModule } from '../core/templates/terraform/terraformModule';
import { readTerraformPlan } from '../core/templates/terraform/terraformPlan';
import { loadHclParser } from '../node/hclGrammarFiles';
import { workspaceTrusted, type ServerContext } from './serverContext';
import { onWatchedFilesChanged } from './watchedFiles';

const JSON_LANGUAGES: ReadonlySet<string> = new Set(['json', 'jsonc']);

/** Each open JSON document's plan, read once per version (a document that is not one: undefined). */
const plans = new WeakMap<TextDocument, { readonly version: number; readonly module: TerraformModule | undefined }>();

/** A JSON document that is a Terraform plan (terraform show -json), recognised by its shape, as a module. */
function plannedModule(document: TextDocument): TerraformModule | undefined {
  if (!JSON_LANGUAGES.has(document.languageId)) return undefined;
  const cached = plans.get(document);
  if (cached && cached.version === document.version) return cached.module;
  const module = readTerraformPlan(document.uri, document.getText());
  plans.set(document, { version: document.version, module });
  return module;
}

export function isTerraformDocument(document: TextDocument): boolean {
  return document.languageId === 'terraform' || /\.tf$/i.test(document.uri) || plannedModule(document) !== undefined;
}

interface Entry {
  readonly version: number;
  readonly analysis: TerraformAnalysis;
  findings?: Map<string, Finding[]>;
  disabled?: string;
}

export class TerraformDocuments {
  private readonly entries = new Map<string, Entry>();
  /** Shared by every module analysed: an edit re-parses the edited file only. */
  private readonly parsed = new HclFileCache();

  constructor(private readonly ctx: ServerContext) {
    ctx.documents.onDidClose((e) => this.entries.delete(e.document.uri));
    // A module is read as a whole: an edit to one of its files changes what the others say. The
    // client pulls the other open documents' diagnostics again on its own (interFileDependencies).
    ctx.documents.onDidChangeContent((e) => {
      if (/\.tf$/i.test(e.document.uri)) this.forgetModuleOf(e.document.uri);
    });
    // A .tf file changed on disk (a checkout, another editor): forget its module, and ask for the
    // open documents' diagnostics and lenses again.
    onWatchedFilesChanged(ctx, (changes) => {
      const changed = changes.filter((c) => /\.tf$/i.test(c.uri));
      if (changed.length === 0) return;
      for (const change of changed) this.forgetModuleOf(change.uri);
      const workspace = ctx.clientCapabilities?.workspace;
      if (workspace?.diagnostics?.refreshSupport) void ctx.connection.languages.diagnostics.refresh();
      if (workspace?.codeLens?.refreshSupport) void ctx.connection.sendRequest(CodeLensRefreshRequest.type);
    });
  }

  /** Forgets the analyses of the documents in the folder of `uri` (the module it belongs to). */
  private forgetModuleOf(uri: string): void {
    const folder = uri.slice(0, uri.lastIndexOf('/') + 1);
    for (const open of [...this.entries.keys()]) {
      if (open.startsWith(folder) && !open.slice(folder.length).includes('/')) this.entries.delete(open);
    }
  }

  /** The module analysis the document belongs to; undefined when it is not a Terraform file. */
  async analysisOf(document: TextDocument): Promise<TerraformAnalysis | undefined> {
    if (!isTerraformDocument(document)) return undefined;
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached.analysis;
    // A plan's values are JSON: no HCL to parse, and no other file to read.
    const planned = plannedModule(document);
    if (!planned) await loadHclParser();
    const analysis = analyzeTerraformModule(planned ?? readTerraformModule(this.moduleSources(document), this.moduleFileReader(document), this.parsed));
    this.entries.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  /** The document's findings (those located in it), with the user's disabled rules removed. */
  async findings(document: TextDocument, disabledRules: readonly string[]): Promise<Finding[]> {
    const analysis = await this.analysisOf(document);
    const entry = this.entries.get(document.uri);
    if (!analysis || !entry) return [];
    const key = disabledRules.join(',');
    if (!entry.findings || entry.disabled !== key) {
      entry.findings = validateTerraform(analysis, { disabledRules });
      entry.disabled = key;
    }
    return entry.findings.get(document.uri) ?? [];
  }

  private folderOf(document: TextDocument): string | undefined {
    if (!document.uri.startsWith('file:') || !workspaceTrusted(this.ctx)) return undefined;
    try {
      return dirname(fileURLToPath(document.uri));
    } catch {
      return undefined;
    }
  }

  private moduleSources(document: TextDocument): { path: string; text: string }[] {
    const sources = [{ path: document.uri, text: document.getText() }];
    const folder = this.folderOf(document);
    if (!folder) return sources;
    let names: string[] = [];
    try {
      names = readdirSync(folder).filter((n) => /\.tf$/i.test(n)).sort();
    } catch {
      return sources;
    }
    for (const name of names) {
      const uri = pathToFileURL(join(folder, name)).href;
      if (uri === document.uri) continue;
      const open = this.ctx.documents.get(uri);
      try {
        sources.push({ path: uri, text: open ? open.getText() : readFileSync(join(folder, name), 'utf8') });
      } catch {
        // A sibling that cannot be read is left out; its references become unknowns.
      }
    }
    return sources;
  }

  private moduleFileReader(document: TextDocument) {
    const folder = this.folderOf(document);
    return (relativePath: string) => {
      if (!folder) return undefined;
      const path = resolve(folder, relativePath);
      if (!path.startsWith(resolve(folder) + sep)) return undefined;
      const uri = pathToFileURL(path).href;
      const open = this.ctx.documents.get(uri);
      try {
        return { path: uri, text: open ? open.getText() : readFileSync(path, 'utf8') };
      } catch {
        return undefined;
      }
    };
  }
}

const perContext = new WeakMap<ServerContext, TerraformDocuments>();

export function terraformDocuments(ctx: ServerContext): TerraformDocuments {
  let documents = perContext.get(ctx);
  if (!documents) perContext.set(ctx, (documents = new TerraformDocuments(ctx)));
  return documents;
}
