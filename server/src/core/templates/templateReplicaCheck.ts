// A replica key's policy against its primary's, within one template. "Key policies are not a
// shared property of multi-Region keys. AWS KMS does not copy or synchronize key policies among
// related multi-Region keys" (AWS KMS Developer Guide, "Control access to multi-Region keys"):
// a replica written with a narrower (or wider) policy than its primary answers the same
// ciphertext differently in its Region. The difference is said in words by the access diff, so
// it is semantic (reordered or split statements differ in nothing), and a policy that depends on
// a value the template does not fix is not compared (an unknown never raises an alarm).
import type { Finding } from '../analysis/analysisTypes';
import { accessDiff } from '../accessChecks/accessChecks';
import { keyResources, type CloudFormationTemplate } from './cloudFormationTemplate';
import { intrinsicOf, TEMPLATE_ACCOUNT } from './intrinsicResolver';
import type { TemplateKeyPolicy } from './templateKeyPolicy';
import { REPLICA_POLICY_DIFFERS } from './templateKeyRules';
import { memberOf } from './templateTree';

/** Lines shown in the message; the rest are counted. */
const SHOWN_LINES = 5;

/** The logical ID `PrimaryKeyArn` names with `!GetAtt Key.Arn` (or `Fn::GetAtt: [Key, Arn]`). */
function primaryOf(replica: TemplateKeyPolicy): string | undefined {
  const intrinsic = intrinsicOf(memberOf(replica.key.properties, 'PrimaryKeyArn'));
  if (intrinsic?.name !== 'Fn::GetAtt') return undefined;
  const argument = intrinsic.argument;
  const parts =
    argument.type === 'string' ? String(argument.value).split('.') : argument.type === 'array' ? (argument.children ?? []).map((c) => String(c.value)) : [];
  return parts.length === 2 && parts[1] === 'Arn' ? parts[0] : undefined;
}

/**
 * How a replica's key policy differs from its primary's, in words (+ only in the replica, - only
 * in the primary), or undefined when they grant the same; the account's stand-in is shown as the
 * configuration writes it. Any front-end: the policies are plain JSON values.
 */
export function replicaPolicyDifference(primaryPolicy: unknown, replicaPolicy: unknown, primaryName: string, accountAsWritten: string): string | undefined {
  let lines: readonly string[];
  try {
    lines = accessDiff(primaryPolicy, replicaPolicy, { keyAccount: TEMPLATE_ACCOUNT }).lines;
  } catch {
    return undefined; // a policy the access checks cannot read: the policy rules report it
  }
  if (!lines.length) return undefined;
  const shown = lines.slice(0, SHOWN_LINES).map((line) => line.split(TEMPLATE_ACCOUNT).join(accountAsWritten));
  const more = lines.length > SHOWN_LINES ? `\n(and ${lines.length - SHOWN_LINES} more)` : '';
  return (
    `This replica's key policy does not grant what its primary ${primaryName}'s does, and KMS never copies or synchronizes key policies between related multi-Region keys; ` +
    `compared with the primary (+ only here, - only there):\n${shown.join('\n')}${more}`
  );
}

export function checkReplicaPolicies(template: CloudFormationTemplate, policies: readonly TemplateKeyPolicy[]): Finding[] {
  const findings: Finding[] = [];
  const known = (p: TemplateKeyPolicy) => p.model.syntaxProblems.length === 0 && p.intrinsics.every((i) => i.known);
  for (const replica of policies) {
    if (replica.key.type !== 'AWS::KMS::ReplicaKey' || !known(replica)) continue;
    const primaryId = primaryOf(replica);
    const primaryKey = primaryId ? keyResources(template).find((k) => k.logicalId === primaryId && k.type === 'AWS::KMS::Key') : undefined;
    const primary = primaryKey && policies.find((p) => p.key === primaryKey);
    if (!primary || !known(primary)) continue;
    const message = replicaPolicyDifference(primary.model.value, replica.model.value, primaryId!, '${AWS::AccountId}');
    if (!message) continue;
    findings.push({
      code: REPLICA_POLICY_DIFFERS.code,
      severity: REPLICA_POLICY_DIFFERS.severity,
      range: { start: replica.policyNode.offset, end: replica.policyNode.offset + replica.policyNode.length },
      docUrl: REPLICA_POLICY_DIFFERS.docUrl,
      message,
    });
  }
  return findings;
}
