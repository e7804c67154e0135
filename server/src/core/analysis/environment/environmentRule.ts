// Checks that need the workspace's environment file (which keys exist, their policies, who
// uses which identity policy). Same shape as a rule: stable code, severity, doc, sentence.
import type { Severity } from '../analysisTypes';

export interface EnvironmentRuleInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly docUrl: string;
  readonly awsSays: string;
}
