// CloudFormation templates for `kms-policy check`: a template file is checked as one (its keys'
// policies, findings located in the template), and a folder such as cdk.out stands for the
// templates in it.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Finding } from '../core/analysis/analysisTypes';
import { analyzeTemplate, validateTemplate } from '../core/templates/templateLanguageService';
import { TEMPLATE_SYNTAX } from '../core/templates/templateKeyRules';
import { readCloudFormationTemplate } from '../core/templates/cloudFormationTemplate';

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template']);
/** Folders that hold no templates of the project (dependencies, VCS, CDK's asset copies). */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.aws-sam', 'cdk.out.bak']);
const MAX_FILES = 10_000;

export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** The template's findings, or undefined when the text is not a CloudFormation template. */
export function templateFindings(file: string, text: string, disabledRules: readonly string[]): Finding[] | undefined {
  // The whole template is read: a syntax problem anywhere in it fails the stack.
  const analysis = analyzeTemplate(text, isYamlFile(file) ? 'yaml' : undefined, { wholeTemplate: true });
  if (!analysis) return undefined;
  const syntax = disabledRules.includes(TEMPLATE_SYNTAX.code)
    ? []
    : analysis.template.tree.syntaxProblems.map((p) => ({ code: TEMPLATE_SYNTAX.code, severity: TEMPLATE_SYNTAX.severity, docUrl: TEMPLATE_SYNTAX.docUrl, range: p.range, message: `${p.message}: CloudFormation cannot read the template.` }));
  return [...syntax, ...validateTemplate(analysis, { disabledRules })];
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The CloudFormation templates under a folder (CDK's cdk.out, a SAM project), sorted. */
export function templatesIn(folder: string, read: (file: string) => string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        // CDK copies each asset (Lambda code, its node_modules) into cdk.out/asset.<hash>.
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('asset.')) walk(path);
      } else if (entry.isFile() && TEMPLATE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        let text: string;
        try {
          text = read(path);
        } catch {
          continue;
        }
        if (readCloudFormationTemplate(text, isYamlFile(path) ? 'yaml' : undefined)) found.push(path);
      }
    }
  };
  walk(folder);
  return found;
}
