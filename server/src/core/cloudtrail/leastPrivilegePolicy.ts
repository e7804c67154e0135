// The least-privilege key policy for what a CloudTrail log shows a key was used for: each
// principal may make the calls it made (successful ones only), with the encryption context it
// always gave as a condition, and nothing else. Around them:
// - the root delegation statement of AWS's default key policy first ("Allows access to the AWS
//   account and enables IAM policies", AWS KMS Developer Guide, "Default key policy"), so the
//   policy can never lock the key out;
// - the administrators' statements of an existing policy (`--keep-admins`): every Allow that
//   covers kms:PutKeyPolicy, as the rules count key administrators.
//
// Encryption context conditions (AWS KMS Developer Guide, "kms:EncryptionContext:context-key" and
// "kms:EncryptionContextKeys"):
// - "you can use the kms:EncryptionContextKeys condition key to control access ... based on the
//   encryption context keys in a request": `ForAllValues:StringEquals` on the keys the principal
//   ever gave refuses any other key. ForAllValues alone is also true when a request has no
//   encryption context, so it is written only with the per-key conditions below, and only when
//   every recorded call gave a context.
// - "kms:EncryptionContext:context-key ... to control access ... based on the encryption context
//   in a request": for each key given in every call, `StringEquals` on its value when the calls
//   used one value (or a few: at most MAX_LISTED_VALUES, listed); with more values, `Null` false,
//   which requires the key whatever its value (IAM User Guide, "Condition operator to check
//   existence of condition keys").
// - kms:ViaService: when every call came through AWS services, the services (`StringEquals`).
// The result is decided again by the evaluator against the same log: every recorded success must
// be allowed, and no call the log shows refused (AccessDeniedException) may be; a value list
// replaces `Null` where that is what keeps a refused call out.
import { parseKeyPolicy } from '../policy/keyPolicyParser';
import { computePolicyFacts } from '../analysis/policyFacts';
import { kmsCatalog } from '../catalog/kmsCatalog';
import type { Environment } from '../environment/environmentModel';
import { isCallOnKey, type ReplayKey } from './cloudTrailKeySelection';
import { CallReplayer } from './cloudTrailReplay';
import type { KmsCallOfEvent, PolicyPrincipal } from './kmsCallOfEvent';

/** Values of one encryption context key listed in a condition before it is only required. */
export const MAX_LISTED_VALUES = 10;

type Statement = Record<string, unknown>;

export interface GeneratedPolicy {
  readonly policy: { readonly Version: '2012-10-17'; readonly Id: string; readonly Statement: readonly Statement[] };
  /** Successful calls the policy was built from. */
  readonly calls: number;
  readonly principals: number;
  /** Administrators' statements kept from the existing policy. */
  readonly keptAdminStatements: number;
  /** What the user should know: calls left out, refusals the policy cannot keep out. */
  readonly notes: readonly string[];
}

export interface GenerationOptions {
  /** The key's account (default: the key ARN's). */
  readonly account?: string;
  /** The existing key policy whose administrators' statements are kept. */
  readonly keepAdminsFrom?: { readonly text: string; readonly source: string };
}

/** What one principal did with one action. */
interface Usage {
  readonly principal: PolicyPrincipal;
  readonly action: string;
  readonly calls: KmsCallOfEvent[];
  /** Context keys whose values are listed rather than only required (to keep a refused call out). */
  readonly listAll: Set<string>;
}

export function generateLeastPrivilegePolicy(calls: readonly KmsCallOfEvent[], target: ReplayKey, environment: Environment, options: GenerationOptions = {}): GeneratedPolicy {
  const partition = target.arn.split(':')[1] ?? 'aws';
  const account = options.account ?? target.key.account;
  const rootArn = `arn:${partition}:iam::${account}:root`;
  const notes: string[] = [];
  const usages = new Map<string, Usage>();
  const refused: KmsCallOfEvent[] = [];
  let successes = 0;
  for (const call of calls) {
    if (!isCallOnKey(call, target)) continue;
    if (call.errorCode !== undefined) {
      if (call.errorCode === 'AccessDeniedException') refused.push(call);
      continue;
    }
    // The root delegation statement already allows the account's root user everything.
    if (call.policyPrincipal.name === rootArn) continue;
    successes++;
    const id = `${call.policyPrincipal.type}\n${call.policyPrincipal.name}\n${call.action}`;
    let usage = usages.get(id);
    if (!usage) usages.set(id, (usage = { principal: call.policyPrincipal, action: call.action, calls: [], listAll: new Set() }));
    usage.calls.push(call);
  }

  const admins = options.keepAdminsFrom ? adminStatements(options.keepAdminsFrom.text, rootArn) : [];
  const build = () => assemble(rootArn, admins, [...usages.values()]);
  let policy = build();

  // A refused call that the policy would allow: list the values of the keys it is only required to have.
  const check = (): KmsCallOfEvent[] => {
    const replayer = new CallReplayer(environment, { ...target, keyPolicy: policy, keyPolicyFrom: 'the generated policy' });
    return refused.filter((call) => replayer.decide({ ...call, errorCode: undefined }).allowed);
  };
  let leaks = check();
  if (leaks.length) {
    for (const call of leaks) {
      const usage = usages.get(`${call.policyPrincipal.type}\n${call.policyPrincipal.name}\n${call.action}`);
      for (const key of Object.keys(call.encryptionContext ?? {})) usage?.listAll.add(key);
    }
    policy = build();
    leaks = check();
  }
  for (const call of leaks) {
    notes.push(
      `${call.policyPrincipal.name} ${call.action} was refused at ${new Date(call.time).toISOString()} yet made the same request successfully: the policy allows it (the refusal came from elsewhere, e.g. an IAM policy or the key's state then).`,
    );
  }

  // Every recorded success must be allowed by what was generated; say so loudly if one is not. A
  // caller of another account also needs its own account's IAM policies: the key policy's part
  // is what is checked (dependsOnIam).
  const replayer = new CallReplayer(environment, { ...target, keyPolicy: policy, keyPolicyFrom: 'the generated policy' });
  for (const usage of usages.values()) {
    const refusedNow = usage.calls.filter((call) => {
      const verdict = replayer.decide(call);
      return !verdict.allowed && !verdict.dependsOnIam;
    });
    if (refusedNow.length) notes.push(`${usage.principal.name} ${usage.action}: ${refusedNow.length} recorded call(s) are not allowed by the generated policy: ${replayer.decide(refusedNow[0]!).summary}`);
  }
  return {
    policy,
    calls: successes,
    principals: new Set([...usages.values()].map((u) => u.principal.name)).size,
    keptAdminStatements: admins.length,
    notes,
  };
}

function assemble(rootArn: string, admins: readonly Statement[], usages: readonly Usage[]): GeneratedPolicy['policy'] {
  // Per principal, the actions that share one condition become one statement; principals with
  // the same actions and conditions share it.
  const byPrincipalAndCondition = new Map<string, { principal: PolicyPrincipal; actions: string[]; condition: Record<string, Record<string, unknown>> | undefined }>();
  for (const usage of usages) {
    const condition = conditionOf(usage);
    const id = `${usage.principal.type}\n${usage.principal.name}\n${JSON.stringify(condition ?? null)}`;
    const entry = byPrincipalAndCondition.get(id);
    if (entry) entry.actions.push(usage.action);
    else byPrincipalAndCondition.set(id, { principal: usage.principal, actions: [usage.action], condition });
  }
  const shared = new Map<string, { type: PolicyPrincipal['type']; names: string[]; actions: string[]; condition: Record<string, Record<string, unknown>> | undefined }>();
  for (const entry of byPrincipalAndCondition.values()) {
    const actions = [...entry.actions].sort();
    const id = `${entry.principal.type}\n${actions.join(',')}\n${JSON.stringify(entry.condition ?? null)}`;
    const group = shared.get(id);
    if (group) group.names.push(entry.principal.name);
    else shared.set(id, { type: entry.principal.type, names: [entry.principal.name], actions, condition: entry.condition });
  }
  const sids = new Set<string>(['Enable IAM User Permissions']);
  const statements: Statement[] = [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' }];
  for (const admin of admins) {
    let sid = typeof admin.Sid === 'string' ? admin.Sid : 'Allow access for Key Administrators';
    sid = unique(sid, sids);
    statements.push({ ...admin, Sid: sid });
  }
  const groups = [...shared.values()].sort((a, b) => a.type.localeCompare(b.type) || a.names[0]!.localeCompare(b.names[0]!) || a.actions.join().localeCompare(b.actions.join()));
  for (const group of groups) {
    const names = group.names.sort();
    const who = names.length === 1 ? shortName(names[0]!) : `${names.length} principals`;
    statements.push({
      Sid: unique(`Allow recorded use by ${who}`, sids),
      Effect: 'Allow',
      Principal: { [group.type]: names.length === 1 ? names[0] : names },
      Action: group.actions.length === 1 ? group.actions[0] : group.actions,
      Resource: '*',
      ...(group.condition ? { Condition: group.condition } : {}),
    });
  }
  return { Version: '2012-10-17', Id: 'least-privilege-from-cloudtrail', Statement: statements };
}

function conditionOf(usage: Usage): Record<string, Record<string, unknown>> | undefined {
  const condition: Record<string, Record<string, unknown>> = {};
  const put = (operator: string, key: string, value: unknown) => ((condition[operator] ??= {})[key] = value);
  const contexts = usage.calls.map((c) => c.encryptionContext);
  if (contexts.every((ec) => ec && Object.keys(ec).length)) {
    const union = new Set<string>();
    let always: Set<string> | undefined;
    for (const ec of contexts as Record<string, string>[]) {
      const keys = Object.keys(ec);
      for (const k of keys) union.add(k);
      always = always ? new Set(keys.filter((k) => always!.has(k))) : new Set(keys);
    }
    put('ForAllValues:StringEquals', 'kms:EncryptionContextKeys', [...union].sort());
    for (const key of [...always!].sort()) {
      const values = [...new Set((contexts as Record<string, string>[]).map((ec) => ec[key]!))].sort();
      if (values.length <= MAX_LISTED_VALUES || usage.listAll.has(key)) put('StringEquals', `kms:EncryptionContext:${key}`, values.length === 1 ? values[0] : values);
      else put('Null', `kms:EncryptionContext:${key}`, 'false');
    }
  }
  const services = usage.calls.map((c) => c.viaService);
  if (services.every((s) => s !== undefined)) {
    const distinct = [...new Set(services as string[])].sort();
    put('StringEquals', 'kms:ViaService', distinct.length === 1 ? distinct[0] : distinct);
  }
  return Object.keys(condition).length ? condition : undefined;
}

/** The existing policy's Allow statements that cover kms:PutKeyPolicy, but its root delegation. */
function adminStatements(text: string, rootArn: string): Statement[] {
  const model = parseKeyPolicy(text);
  const facts = computePolicyFacts(model, kmsCatalog());
  const document = JSON.parse(text) as { Statement?: unknown };
  const written = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
  const kept: Statement[] = [];
  facts.statements.forEach((s) => {
    if (s.effect !== 'Allow' || !s.coveredActions.has('PutKeyPolicy')) return;
    const statement = written[s.statement.index] as Statement | undefined;
    if (!statement) return;
    const principal = statement.Principal as { AWS?: unknown } | undefined;
    const isRootDelegation = principal?.AWS === rootArn && statement.Action === 'kms:*' && !statement.Condition;
    if (!isRootDelegation) kept.push(statement);
  });
  return kept;
}

function shortName(name: string): string {
  const tail = name.startsWith('arn:') ? name.slice(name.lastIndexOf(':') + 1) : name;
  return tail.replace(/[^A-Za-z0-9 ._/-]/g, '');
}

function unique(sid: string, taken: Set<string>): string {
  let candidate = sid;
  for (let n = 2; taken.has(candidate); n++) candidate = `${sid} ${n}`;
  taken.add(candidate);
  return candidate;
}
