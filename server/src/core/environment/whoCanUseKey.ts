// "Who can use this key?": every principal of the environment (plus those the key policy and
// grants name) against the actions that matter for the key, each answered by the evaluator
// with the path that allows it: the key policy alone, the key policy plus IAM, or a grant.
// This follows the KMS Developer Guide's "Determining access to AWS KMS keys": examine the key
// policy, the IAM policies of the accounts it names, and the grants.
import type { Environment, EnvironmentKey } from './environmentModel';
import { buildScenarioFromEnvironment, keyArnOf } from './scenarioBuilder';
import { kmsCatalog } from '../catalog/kmsCatalog';
import { parseCaller } from '../access/callerIdentity';
import { parseConditionOperator } from '../catalog/conditionOperators';
import { normalizePolicy } from '../access/policyDocument';
import { unwrapPolicy } from '../access/policySource';
import { substituteVariables } from '../access/policyVariables';
import { buildRequestContext } from '../access/requestContext';
import type { AccessScenario, Decision } from '../access/scenario';
import { actionMatches } from '../access/wildcardMatcher';
import type { AllowPath } from '../access/simulationResult';
import { simulateAccess } from '../access/simulateAccess';

export interface WhoCanUseKeyCell {
  readonly action: string;
  readonly decision: Decision;
  readonly allowedBy: AllowPath | null;
  /** Readable path: "key policy", "key policy + IAM", "grant", ... */
  readonly via: string | null;
  /** The error the call would still fail with (key state), or the AccessDenied reason. */
  readonly error: string | null;
  /** Extra condition of the allow, e.g. the encryption context a grant requires. */
  readonly note?: string;
  /** The encryption context the allow needs (the note's pairs), so a caller can simulate exactly that request. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** The deciding statements or grant, for people. */
  readonly summary: string;
}

export interface WhoCanUseKeyRow {
  readonly principal: string;
  readonly name?: string;
  /** True when the principal is named by the key policy or a grant but not declared in the environment. */
  readonly external: boolean;
  readonly cells: readonly WhoCanUseKeyCell[];
}

export interface WhoCanUseKeyTable {
  readonly keyArn: string;
  readonly actions: readonly string[];
  readonly rows: readonly WhoCanUseKeyRow[];
}

const VIA: Readonly<Record<AllowPath, string>> = {
  'key-policy': 'key policy',
  'key-policy-and-iam': 'key policy + IAM',
  grant: 'grant',
  'retiring-principal': 'grant (retiring principal)',
  iam: 'IAM',
};

const ADMIN_ACTIONS = ['kms:DescribeKey', 'kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:DisableKey', 'kms:ScheduleKeyDeletion'];

/** The actions worth asking about for a key of this usage. */
export function actionsForKey(key: EnvironmentKey): string[] {
  const usage = key.keyUsage ?? (key.keySpec?.startsWith('HMAC') ? 'GENERATE_VERIFY_MAC' : key.keySpec && key.keySpec !== 'SYMMETRIC_DEFAULT' ? 'SIGN_VERIFY' : 'ENCRYPT_DECRYPT');
  const data =
    usage === 'SIGN_VERIFY'
      ? ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey']
      : usage === 'GENERATE_VERIFY_MAC'
        ? ['kms:GenerateMac', 'kms:VerifyMac']
        : usage === 'KEY_AGREEMENT'
          ? ['kms:DeriveSharedSecret', 'kms:GetPublicKey']
          : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom'];
  return [...data, ...ADMIN_ACTIONS];
}

/** Principal ARNs the key policy names (AWS entries other than `*` and bare accounts) and grantees. */
function principalsNamedByKey(key: EnvironmentKey): string[] {
  const names = new Set<string>();
  const policy = normalizePolicy(key.keyPolicy ?? {});
  for (const statement of policy.statements) {
    for (const entry of statement.principal?.aws ?? []) if (entry.startsWith('arn:')) names.add(entry);
    for (const entry of statement.principal?.service ?? []) if (entry !== '*') names.add(entry);
  }
  for (const grant of key.grants) names.add(grant.granteePrincipal);
  return [...names];
}

const ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:${EncryptionContextKey}';

/** Whether requests for the action carry an encryption context (the Service Authorization Reference lists the key for it). */
function takesEncryptionContext(action: string): boolean {
  return kmsCatalog().action(action)?.conditionKeys.includes(ENCRYPTION_CONTEXT_KEY) ?? false;
}

const CONTEXT_PREFIX = 'kms:encryptioncontext:';

/**
 * The encryption contexts worth trying for a denied request: for every Allow statement that
 * could allow the action (key policy, identity policies, boundary, session policy), the pairs its
 * String conditions on `kms:EncryptionContext:<k>` ask for, with policy variables such as
 * `${aws:PrincipalTag/team}` resolved for this caller; and every grant's constraint.
 */
function candidateContexts(scenario: AccessScenario, key: EnvironmentKey, action: string): Record<string, string>[] {
  const context = buildRequestContext(scenario, parseCaller(scenario.request.principal));
  const candidates: Record<string, string>[] = [];
  const seen = new Set<string>();
  const add = (pairs: Record<string, string>) => {
    const id = JSON.stringify(Object.entries(pairs).sort());
    if (Object.keys(pairs).length && !seen.has(id)) {
      seen.add(id);
      candidates.push(pairs);
    }
  };
  const documents = [scenario.keyPolicy, ...(scenario.identityPolicies ?? []), scenario.permissionBoundary, scenario.sessionPolicy];
  for (const raw of documents) {
    if (raw == null) continue;
    for (const statement of normalizePolicy(unwrapPolicy(raw).document).statements) {
      if (statement.effect !== 'Allow' || (statement.action && !statement.action.some((a) => actionMatches(a, action)))) continue;
      const pairs: Record<string, string> = {};
      for (const clause of statement.conditions) {
        const operator = parseConditionOperator(clause.operator);
        if (!operator.applicable || !['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'].includes(operator.base?.name ?? '')) continue;
        if (!clause.key.toLowerCase().startsWith(CONTEXT_PREFIX) || !clause.values.length) continue;
        const value = substituteVariables(clause.values[0]!, context);
        if (value !== undefined && !/[*?]/.test(value)) pairs[clause.key.slice(CONTEXT_PREFIX.length)] = value;
      }
      add(pairs);
    }
  }
  const operation = action.slice(4);
  for (const grant of key.grants) {
    const pairs = grant.constraints?.encryptionContextEquals ?? grant.constraints?.encryptionContextSubset;
    if (pairs && grant.operations.includes(operation)) add({ ...pairs });
  }
  return candidates;
}

function findKey(environment: Environment, keyRef: string): EnvironmentKey | undefined {
  return environment.keys.find(
    (k) => k.keyId === keyRef || keyArnOf(environment, k) === keyRef || k.aliases.includes(keyRef) || k.aliases.some((a) => keyRef.endsWith(`:${a}`) && keyRef.includes(`:${k.account}:`)),
  );
}

/** The table for one key of the environment (by key id, key ARN, alias name or alias ARN); undefined when there is no such key. */
export function whoCanUseKey(
  environment: Environment,
  keyRef: string,
  options: { readonly actions?: readonly string[]; readonly now?: Date; /** Only these principals' rows. */ readonly principals?: readonly string[] } = {},
): WhoCanUseKeyTable | undefined {
  const key = findKey(environment, keyRef);
  if (!key) return undefined;
  const keyArn = keyArnOf(environment, key);
  const actions = options.actions ?? actionsForKey(key);
  const declared = new Map(environment.principals.map((p) => [p.arn, p.name]));
  const principals = [...declared.keys()];
  for (const named of principalsNamedByKey(key)) if (!declared.has(named)) principals.push(named);
  const asked = options.principals && new Set(options.principals);

  const rows: WhoCanUseKeyRow[] = principals.filter((p) => !asked || asked.has(p)).map((principal) => {
    const cells = actions.map((action): WhoCanUseKeyCell => {
      const ask = (encryptionContext?: Record<string, string>) => {
        const built = buildScenarioFromEnvironment(environment, { principalArn: principal, action, keyRef: keyArn, encryptionContext });
        return built.ok ? simulateAccess(built.scenario, { now: options.now }) : undefined;
      };
      let result = ask();
      let note: string | undefined;
      let needs: Record<string, string> | undefined;
      if (result && result.decision !== 'Allow' && takesEncryptionContext(action)) {
        // An allow may hang on the encryption context: try each context a policy or grant that
        // could allow this action asks for, and say exactly which one the Allow needs.
        const built = buildScenarioFromEnvironment(environment, { principalArn: principal, action, keyRef: keyArn });
        for (const pairs of built.ok ? candidateContexts(built.scenario, key, action) : []) {
          const retry = ask(pairs);
          if (retry?.decision === 'Allow') {
            result = retry;
            needs = pairs;
            note = `only with encryption context ${Object.entries(pairs).map(([k, v]) => `${k}=${v}`).join(', ')}`;
            break;
          }
        }
      }
      if (!result) return { action, decision: 'NotApplicable', allowedBy: null, via: null, error: 'NotFoundException', summary: 'the key cannot be found' };
      return {
        action,
        decision: result.decision,
        allowedBy: result.allowedBy,
        via: result.allowedBy ? VIA[result.allowedBy] : null,
        error: result.error,
        ...(note ? { note } : {}),
        ...(needs ? { encryptionContext: needs } : {}),
        summary: result.summary,
      };
    });
    return { principal, name: declared.get(principal), external: !declared.has(principal), cells };
  });
  return { keyArn, actions, rows };
}

/** The table as aligned text, one principal per block. */
export function formatWhoCanUseKey(table: WhoCanUseKeyTable): string {
  const width = Math.max(...table.actions.map((a) => a.length));
  const lines = [`Who can use ${table.keyArn}`, ''];
  for (const row of table.rows) {
    lines.push(`${row.name ? `${row.name} ` : ''}${row.principal}${row.external ? ' (not in the environment)' : ''}`);
    for (const cell of row.cells) {
      const outcome =
        cell.decision === 'Allow'
          ? `allowed via ${cell.via}${cell.note ? ` (${cell.note})` : ''}${cell.error ? `, but fails: ${cell.error}` : ''}`
          : `${cell.decision}${cell.error && cell.error !== 'AccessDeniedException' ? ` (${cell.error})` : ''}`;
      lines.push(`  ${cell.action.padEnd(width)}  ${outcome}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
