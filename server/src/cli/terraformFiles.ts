// Terraform for `kms-policy check`: a .tf file is checked with the rest of its module (the .tf
// files of its folder, read together as Terraform reads them), so a key in main.tf and its policy
// document in policies.tf meet; a folder stands for the modules in it. Findings are located in
// the file where each is written (a .tf file, or a JSON file the module reads with file()).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/analysis/analysisTypes';
import { analyzeTerraformModule, validateTerraform } from '../core/templates/terraform/terraformLanguageService';
import { readTerraformModule, type TerraformModule } from '../core/templates/terraform/terraformModule';
import { mentionsTerraformPlan, readTerraformPlan } from '../core/templates/terraform/terraformPlan';
import { loadHclParser } from '../node/hclGrammarFiles';
import { CheckInputError, locateFindings, type CheckedFile } from './checkFindings';

/** Folders that hold no module of the project (providers and modules Terraform downloaded, VCS). */
const SKIPPED_FOLDERS = new Set(['.terraform', 'node_modules', '.git']);
const MAX_FILES = 10_000;

export function isTerraformFile(file: string): boolean {
  return /\.tf$/i.test(file);
}

/** The .tf files under a folder, each module's files together, and the plans saved as JSON, sorted. */
export function terraformFilesIn(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (entry.isFile() && isTerraformFile(entry.name)) found.push(path);
      else if (entry.isFile() && /\.json$/i.test(entry.name) && isTerraformPlanFile(path)) found.push(path);
    }
  };
  walk(folder);
  return found;
}

/** Is the file a Terraform plan saved as JSON? Unreadable files are not. */
function isTerraformPlanFile(path: string): boolean {
  try {
    const text = readFileSync(path, 'utf8');
    return mentionsTerraformPlan(text) && readTerraformPlan(path, text) !== undefined;
  } catch {
    return false;
  }
}

/** Loads the HCL parser (WebAssembly) once, only when a check has Terraform files. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some(isTerraformFile)) await loadHclParser();
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CheckInputError(`cannot read '${file}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The module of a folder: its .tf files read together, and the files it names (file(),
 * templatefile()) read from the folder's own tree only, every text kept by path. Needs the HCL
 * parser loaded (prepareTerraform).
 */
export function readTerraformFolder(folder: string): { module: TerraformModule; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => isTerraformFile(n) && statSync(join(folder, n)).isFile()).sort();
  } catch (error) {
    throw new CheckInputError(`cannot read '${folder}': ${error instanceof Error ? error.message : String(error)}`);
  }
  const sources = names.map((name) => {
    const path = join(folder, name);
    const text = readText(path);
    texts.set(path, text);
    return { path, text };
  });
  const readModuleFile = (relativePath: string) => {
    const path = resolve(folder, relativePath);
    // Only files of the module's own folder tree: a configuration cannot make check read elsewhere.
    if (!path.startsWith(resolve(folder) + sep)) return undefined;
    try {
      const text = readFileSync(path, 'utf8');
      const shown = join(folder, relative(resolve(folder), path));
      texts.set(shown, text);
      return { path: shown, text };
    } catch {
      return undefined;
    }
  };
  return { module: readTerraformModule(sources, readModuleFile), texts };
}

/** Each module analysed once, however many of its files are named. */
export class TerraformChecker {
  private readonly modules = new Map<string, { findings: Map<string, Finding[]>; texts: Map<string, string>; reported: boolean }>();

  constructor(private readonly disabledRules: readonly string[]) {}

  private moduleOf(folder: string) {
    let module = this.modules.get(folder);
    if (module) return module;
    const read = readTerraformFolder(folder);
    module = { findings: validateTerraform(analyzeTerraformModule(read.module), { disabledRules: this.disabledRules }), texts: read.texts, reported: false };
    this.modules.set(folder, module);
    return module;
  }

  /** The file's findings; the first file checked of a module also carries those in files it reads (file()). */
  check(file: string): CheckedFile {
    const folder = dirname(file);
    const module = this.moduleOf(folder);
    const path = join(folder, relative(folder, file));
    const text = module.texts.get(path) ?? readText(file);
    const findings = locateFindings(file, text, module.findings.get(path) ?? []);
    if (!module.reported) {
      module.reported = true;
      for (const [other, list] of module.findings) {
        if (isTerraformFile(other) || !module.texts.has(other)) continue;
        findings.push(...locateFindings(other, module.texts.get(other)!, list));
      }
    }
    return { kind: 'terraform', because: 'it is a Terraform configuration file', findings };
  }
}

/**
 * A Terraform plan in JSON (`terraform show -json plan.out`): its planned keys, policies, grants,
 * aliases and IAM resources checked as a module's are, findings located in the plan file;
 * undefined when the text is not a plan. No HCL is parsed: the plan's values are JSON.
 */
export function checkTerraformPlan(file: string, text: string, disabledRules: readonly string[]): CheckedFile | undefined {
  const module = readTerraformPlan(file, text);
  if (!module) return undefined;
  const findings = validateTerraform(analyzeTerraformModule(module), { disabledRules }).get(file) ?? [];
  return { kind: 'terraform', because: 'it is a Terraform plan (terraform show -json)', findings: locateFindings(file, text, findings) };
}
