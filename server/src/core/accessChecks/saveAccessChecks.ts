// The access checks a team asks for on every save (settings `accessChecks.noPublicAccess` and
// `accessChecks.actionsNeverGranted`), as findings at the statement that allows each witness.
// The message is the check's reason: the witness request in words, which Simulate access replays.
import { normalizePolicy } from '../access/policyDocument';
import type { Finding } from '../analysis/analysisTypes';
import type { PolicyModel, SourceRange } from '../policy/policyModel';
import { checkAccessNotGranted, checkNoPublicAccess, expandActions, type AccessCheckOptions, type AccessCheckReason } from './accessChecks';

export interface SaveAccessChecks {
  /** Report principals outside the key's account and organization, or anonymous, who may use the key. */
  readonly noPublicAccess: boolean;
  /** KMS actions (or patterns such as `kms:Generate*`) that no principal may be granted. */
  readonly actionsNeverGranted: readonly string[];
}

/** Codes as the CLI's SARIF names the same checks, so a suppression or a CI match means one thing. */
export const PUBLIC_ACCESS_CODE = 'KMS_PUBLIC_ACCESS';
export const ACCESS_GRANTED_CODE = 'KMS_ACCESS_GRANTED';

const PUBLIC_ACCESS_DOC = 'https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoPublicAccess.html';
const ACCESS_GRANTED_DOC = 'https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckAccessNotGranted.html';

function rangeOf(model: PolicyModel, reason: AccessCheckReason): SourceRange {
  const statement = reason.statementIndex === null ? undefined : model.statements.find((s) => s.index === reason.statementIndex);
  return statement?.range ?? model.statementElement ?? { start: 0, end: 0 };
}

/**
 * Findings of the checks `checks` turns on. A policy that does not parse, or is not a policy yet,
 * gets none: the syntax and schema diagnostics speak for it.
 */
export function saveAccessCheckFindings(model: PolicyModel, checks: SaveAccessChecks, options: AccessCheckOptions = {}): Finding[] {
  if (!checks.noPublicAccess && !checks.actionsNeverGranted.length) return [];
  if (model.syntaxProblems.length || normalizePolicy(model.value).problems.length) return [];
  const findings: Finding[] = [];
  if (checks.noPublicAccess) {
    for (const reason of checkNoPublicAccess(model.value, options).reasons) {
      findings.push({ code: PUBLIC_ACCESS_CODE, severity: 'warning', message: `Public access (setting accessChecks.noPublicAccess): ${reason.description}`, range: rangeOf(model, reason), docUrl: PUBLIC_ACCESS_DOC });
    }
  }
  if (checks.actionsNeverGranted.length) {
    const { actions, unknown } = expandActions(checks.actionsNeverGranted);
    if (unknown.length) {
      const names = unknown.map((a) => `"${a}"`).join(', ');
      findings.push({
        code: ACCESS_GRANTED_CODE,
        severity: 'information',
        message: `The setting kmsPolicyStudio.accessChecks.actionsNeverGranted names no KMS action with ${names}; give names such as kms:Decrypt or patterns such as kms:Generate*.`,
        range: { start: 0, end: 0 },
        docUrl: ACCESS_GRANTED_DOC,
      });
    }
    if (actions.length) {
      for (const reason of checkAccessNotGranted(model.value, actions, options).reasons) {
        findings.push({ code: ACCESS_GRANTED_CODE, severity: 'warning', message: `${reason.witness.action} is never to be granted (setting accessChecks.actionsNeverGranted), yet ${reason.description}`, range: rangeOf(model, reason), docUrl: ACCESS_GRANTED_DOC });
      }
    }
  }
  return findings;
}
