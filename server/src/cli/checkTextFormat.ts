// The people-facing output of `kms-policy check`: one line per finding, then a summary.
import type { LocatedFinding } from './checkFindings';

export function formatText(findings: readonly LocatedFinding[], fileCount: number): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const parts = [`${count('error')} error(s)`, `${count('warning')} warning(s)`, `${count('information') + count('hint')} note(s)`];
  lines.push(findings.length === 0 ? `${fileCount} file(s) checked: no problems.` : `${fileCount} file(s) checked: ${parts.join(', ')}.`);
  return lines.join('\n') + '\n';
}
