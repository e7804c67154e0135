// The people-facing output of `kms-policy check`: one line per finding, then a summary that says
// what each file was checked as when they are not all key policies.
import type { CheckedFile, LocatedFinding } from './checkFindings';

const KIND_NAMES: Readonly<Record<CheckedFile['kind'], [string, string]>> = {
  keyPolicy: ['key policy', 'key policies'],
  identityPolicy: ['IAM policy', 'IAM policies'],
  scenario: ['scenario', 'scenarios'],
  environment: ['environment', 'environments'],
  template: ['CloudFormation template', 'CloudFormation templates'],
  terraform: ['Terraform file', 'Terraform files'],
  skipped: ['skipped', 'skipped'],
};

function breakdown(files: readonly Pick<CheckedFile, 'kind'>[]): string {
  if (files.every((f) => f.kind === 'keyPolicy')) return '';
  const order = Object.keys(KIND_NAMES) as CheckedFile['kind'][];
  const parts = order
    .map((kind) => [kind, files.filter((f) => f.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${KIND_NAMES[kind][n === 1 ? 0 : 1]}`);
  return ` (${parts.join(', ')})`;
}

export function formatText(findings: readonly LocatedFinding[], files: readonly Pick<CheckedFile, 'kind'>[]): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const parts = [`${count('error')} error(s)`, `${count('warning')} warning(s)`, `${count('information') + count('hint')} note(s)`];
  const checked = `${files.length} file(s) checked${breakdown(files)}`;
  lines.push(findings.length === 0 ? `${checked}: no problems.` : `${checked}: ${parts.join(', ')}.`);
  return lines.join('\n') + '\n';
}
