// `kms-policy simulate --template FILE`: a CloudFormation template read as the environment it
// makes (its roles and their policies, its keys, its account), so a template alone answers
// "can this role decrypt with this key?". Keys and principals may be named by logical ID.
import { analyzeTemplate } from '../core/templates/templateLanguageService';
import { templateEnvironment, templateEnvironmentKeyArn, type TemplateEnvironment } from '../core/templates/templateEnvironment';
import type { Environment } from '../core/environment/environmentModel';
import { isYamlFile } from './templateFiles';
import { UsageError } from '../node/commandLine';

export interface TemplateEnvironmentFile {
  readonly environment: Environment;
  /** A key named by logical ID becomes its ARN; any other reference is kept as KMS would read it. */
  keyRef(reference: string): string;
  /** A role or user named by logical ID becomes its ARN; an ARN is kept. */
  principalRef(reference: string): string;
}

export function readTemplateEnvironment(file: string, text: string): TemplateEnvironmentFile {
  // The whole template is read: a command line reports its syntax problems, it does not skip them.
  const analysis = analyzeTemplate(text, isYamlFile(file) ? 'yaml' : undefined, { wholeTemplate: true });
  if (!analysis) throw new UsageError(`${file} is not a CloudFormation template (no AWSTemplateFormatVersion, no Resources of AWS:: types)`);
  const problem = analysis.template.tree.syntaxProblems[0];
  if (problem) throw new UsageError(`${file} cannot be read as a template: ${problem.message} (at offset ${problem.range.start})`);
  const made: TemplateEnvironment = templateEnvironment(analysis.template, analysis.policies, { source: file });
  return {
    environment: made.environment,
    keyRef: (reference) => templateEnvironmentKeyArn(made, reference) ?? reference,
    principalRef: (reference) => made.principals.get(reference)?.arn ?? reference,
  };
}
