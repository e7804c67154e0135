// `kms-policy check --format json`: one JSON array of findings, for scripts and CI.
import type { LocatedFinding } from './checkFindings';

export function formatJson(findings: readonly LocatedFinding[]): string {
  return JSON.stringify(findings, null, 2) + '\n';
}
