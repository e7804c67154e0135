// A Terraform module: the .tf files of one folder read together, as Terraform reads them. Its
// resources and data sources by address, its locals and input variables, and the reader of the
// other files it names (file(), templatefile()), handed in so the core stays pure.
import type { HclAttribute, HclBlock, HclBody, HclExpression, HclFile } from './hclParser';
import { parseHcl } from './hclParser';

export interface TerraformFile {
  /** The path as the caller gave it (a URI in the editor, a file path in the CLI). */
  readonly path: string;
  readonly hcl: HclFile;
}

export interface TerraformResource {
  /** `aws_kms_key.main`, or `data.aws_iam_policy_document.key` for a data source. */
  readonly address: string;
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly file: TerraformFile;
  readonly block: HclBlock;
  /** The range of the name label, where findings about the whole resource point. */
  readonly nameRange: { start: number; end: number };
}

export interface TerraformModule {
  readonly files: readonly TerraformFile[];
  readonly resources: ReadonlyMap<string, TerraformResource>;
  readonly locals: ReadonlyMap<string, { readonly file: TerraformFile; readonly attribute: HclAttribute }>;
  readonly variables: ReadonlyMap<string, { readonly file: TerraformFile; readonly block: HclBlock }>;
  /** Reads a file the configuration names (file(), templatefile()), relative to the module's folder. */
  readonly readModuleFile?: (relativePath: string) => { path: string; text: string } | undefined;
  /** Set when the module is read from a plan (terraformPlan.ts): what the plan fixes beyond the values. */
  readonly plan?: PlannedFacts;
}

/** A plan's facts: resolved values stand in place of the stand-ins a configuration gets. */
export interface PlannedFacts {
  /** The account the plan was made in, when the plan shows it (a data source, a known ARN). */
  readonly account?: string;
  /** The ARN of each key, role and user by address: known, or built from the account and name. */
  readonly arns: ReadonlyMap<string, string>;
}

export const KEY_RESOURCE_TYPES: ReadonlySet<string> = new Set(['aws_kms_key', 'aws_kms_replica_key', 'aws_kms_external_key']);

/** Cheap test first: most .tf files in a repository declare no KMS resource or policy document. */
export function mentionsKms(text: string): boolean {
  return /aws_kms_|aws_iam_/.test(text);
}

export function readTerraformModule(sources: readonly { path: string; text: string }[], readModuleFile?: TerraformModule['readModuleFile'], parsed?: HclFileCache): TerraformModule {
  return buildTerraformModule(sources.map(({ path, text }) => ({ path, hcl: parsed ? parsed.parse(path, text) : parseHcl(text) })), readModuleFile);
}

/** How many parsed files a cache keeps: far more than the modules one editor has open. */
const MAX_CACHED_FILES = 2_000;

/**
 * Parsed files by path, kept while their text is unchanged: in the editor, a change to one file
 * of a module re-parses that file only, not every file of its folder. Parsing is most of the
 * time to diagnostics (test/bench/terraformBench.ts); a parsed file is read, never changed.
 */
export class HclFileCache {
  private readonly files = new Map<string, HclFile>();

  parse(path: string, text: string): HclFile {
    const cached = this.files.get(path);
    if (cached && cached.text === text) return cached;
    const hcl = parseHcl(text);
    this.files.delete(path);
    this.files.set(path, hcl);
    if (this.files.size > MAX_CACHED_FILES) this.files.delete(this.files.keys().next().value!);
    return hcl;
  }
}

export function buildTerraformModule(files: readonly TerraformFile[], readModuleFile?: TerraformModule['readModuleFile']): TerraformModule {
  const resources = new Map<string, TerraformResource>();
  const locals = new Map<string, { file: TerraformFile; attribute: HclAttribute }>();
  const variables = new Map<string, { file: TerraformFile; block: HclBlock }>();
  for (const file of files) {
    for (const block of file.hcl.body.blocks) {
      if ((block.type === 'resource' || block.type === 'data') && block.labels.length === 2) {
        const [type, name] = block.labels as [{ value: string; range: { start: number; end: number } }, { value: string; range: { start: number; end: number } }];
        const address = `${block.type === 'data' ? 'data.' : ''}${type.value}.${name.value}`;
        resources.set(address, { address, mode: block.type, type: type.value, name: name.value, file, block, nameRange: name.range });
      } else if (block.type === 'locals') {
        for (const attribute of block.body.attributes.values()) locals.set(attribute.name, { file, attribute });
      } else if (block.type === 'variable' && block.labels[0]) {
        variables.set(block.labels[0].value, { file, block });
      }
    }
  }
  return { files, resources, locals, variables, readModuleFile };
}

export function resourcesOfType(module: TerraformModule, type: string, mode: 'resource' | 'data' = 'resource'): TerraformResource[] {
  return [...module.resources.values()].filter((r) => r.type === type && r.mode === mode);
}

export function attributeOf(body: HclBody | undefined, name: string): HclAttribute | undefined {
  return body?.attributes.get(name);
}

export function blocksOf(body: HclBody | undefined, type: string): HclBlock[] {
  return body?.blocks.filter((b) => b.type === type) ?? [];
}

/** A literal string, number or bool attribute's text; undefined when absent, null when computed. */
export function literalAttribute(body: HclBody | undefined, name: string): { value: string; expression: HclExpression } | undefined | null {
  const attribute = body?.attributes.get(name);
  if (!attribute) return undefined;
  const e = attribute.value;
  if (e.kind === 'bool') return { value: String(e.value), expression: e };
  if (e.kind === 'number') return { value: e.text, expression: e };
  if (e.kind === 'string' && e.parts.every((p) => p.kind === 'literal')) return { value: e.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join(''), expression: e };
  return null;
}

/** The resource an expression such as `aws_kms_key.main.arn` or `aws_kms_key.main[0].id` refers to. */
export function referencedResource(module: TerraformModule, expression: HclExpression | undefined, types: ReadonlySet<string>): TerraformResource | undefined {
  if (expression?.kind !== 'reference') return undefined;
  // A plan names a resource by its whole address (module.data.aws_kms_key.reports[0]).
  if (expression.path.length === 1) {
    const resource = module.resources.get(expression.path[0]!);
    return resource && types.has(resource.type) ? resource : undefined;
  }
  const path = expression.path.filter((p) => p !== '[]');
  const address = path[0] === 'data' ? path.slice(0, 3).join('.') : path.slice(0, 2).join('.');
  const resource = module.resources.get(address);
  return resource && types.has(resource.type) ? resource : undefined;
}
