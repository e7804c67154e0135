// `kms-policy simulate --template FILE`: a CloudFormation template, or a Terraform module (a .tf
// file with the rest of its folder, the folder itself, or a plan from `terraform show -json`),
// read as the environment it makes (its roles and their policies, its keys and grants, its
// account), so the configuration alone answers "can this role decrypt with this key?". Keys and
// principals may be named by logical ID or Terraform address.
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyzeTemplate } from '../core/templates/templateLanguageService';
import { templateEnvironment, templateEnvironmentKeyArn, type TemplateEnvironment } from '../core/templates/templateEnvironment';
import { analyzeTerraformModule } from '../core/templates/terraform/terraformLanguageService';
import { terraformEnvironment } from '../core/templates/terraform/terraformEnvironment';
import { mentionsTerraformPlan, readTerraformPlan } from '../core/templates/terraform/terraformPlan';
import type { Environment } from '../core/environment/environmentModel';
import { CheckInputError } from './checkFindings';
import { isYamlFile } from './templateFiles';
import { isTerraformFile, readTerraformFolder } from './terraformFiles';
import { loadHclParser } from '../node/hclGrammarFiles';
import { UsageError } from '../node/commandLine';

export interface TemplateEnvironmentFile {
  readonly environment: Environment;
  /** A key named by logical ID or address becomes its ARN; any other reference is kept as KMS would read it. */
  keyRef(reference: string): string;
  /** A role or user named by logical ID or address becomes its ARN; an ARN is kept. */
  principalRef(reference: string): string;
}

function named(made: TemplateEnvironment): TemplateEnvironmentFile {
  return {
    environment: made.environment,
    keyRef: (reference) => templateEnvironmentKeyArn(made, reference) ?? reference,
    principalRef: (reference) => made.principals.get(reference)?.arn ?? reference,
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function readTemplateEnvironment(file: string): Promise<TemplateEnvironmentFile> {
  if (isFolder(file) || isTerraformFile(file)) {
    const folder = isFolder(file) ? file : dirname(file);
    await loadHclParser();
    let module;
    try {
      module = readTerraformFolder(folder).module;
    } catch (error) {
      if (error instanceof CheckInputError) throw new UsageError(error.message);
      throw error;
    }
    if (module.files.length === 0) throw new UsageError(`${folder} holds no .tf file`);
    const problem = module.files.flatMap((f) => f.hcl.syntaxProblems.map((p) => ({ path: f.path, p })))[0];
    if (problem) throw new UsageError(`${problem.path} cannot be read as Terraform: ${problem.p.message} (at offset ${problem.p.range.start})`);
    return named(terraformEnvironment(analyzeTerraformModule(module), { source: folder }));
  }
  const text = readText(file);
  if (mentionsTerraformPlan(text)) {
    const plan = readTerraformPlan(file, text);
    if (plan) return named(terraformEnvironment(analyzeTerraformModule(plan), { source: file }));
  }
  // The whole template is read: a command line reports its syntax problems, it does not skip them.
  const analysis = analyzeTemplate(text, isYamlFile(file) ? 'yaml' : undefined, { wholeTemplate: true });
  if (!analysis) throw new UsageError(`${file} is not a CloudFormation template (no AWSTemplateFormatVersion, no Resources of AWS:: types), a Terraform file or folder, or a Terraform plan`);
  const problem = analysis.template.tree.syntaxProblems[0];
  if (problem) throw new UsageError(`${file} cannot be read as a template: ${problem.message} (at offset ${problem.range.start})`);
  return named(templateEnvironment(analysis.template, analysis.policies, { source: file }));
}
