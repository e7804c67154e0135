// Replays recorded KMS calls under a key policy: each successful call on the key is decided
// again, as AWS KMS would decide it now, by the evaluator every other feature uses, with the
// caller's facts from `callerFacts()` (through `assembleScenario`). Calls the log shows failed
// are reported apart and never counted: replay asks what a policy change would break, and a call
// that already failed is not broken by it.
import { unwrapPolicy } from '../access/policySource';
import type { AccessScenario, Decision, NamedPolicy, PolicyDocument } from '../access/scenario';
import { simulateAccess } from '../access/simulateAccess';
import { READS_TIME } from '../engine/verdictCache';
import type { Environment } from '../environment/environmentModel';
import { assembleScenario, findPrincipal } from '../environment/scenarioBuilder';
import { isCallOnKey, isKeyKnownWithoutCalls, selectReplayKey, type ReplayKey } from './cloudTrailKeySelection';
import type { CloudTrailRecord } from './cloudTrailLogParser';
import { kmsCallsOfRecords, type KmsCallOfEvent, type KmsCallsRead } from './kmsCallOfEvent';

/** Calls of one principal and action. */
export interface CallGroup {
  /** As a key policy names the caller: the role (not the session), user, root or service. */
  readonly principal: string;
  readonly action: string;
  count: number;
  /** ISO 8601. */
  firstTime: string;
  lastTime: string;
}

export interface DeniedGroup extends CallGroup {
  readonly decision: Decision;
  /** What the caller would get: AccessDeniedException, or a key-state error. */
  readonly error: string | null;
  /** The evaluator's summary for the first such call. */
  readonly reason: string;
  readonly exampleEventId?: string;
}

export interface FailedGroup extends CallGroup {
  readonly errorCode: string;
}

export interface ReplayReport {
  readonly keyArn: string;
  readonly keyPolicyFrom: string;
  /** Successful calls on the key that were decided again. */
  readonly replayed: number;
  /** Of those, the ones the key policy now refuses. */
  readonly deniedCalls: number;
  readonly denied: readonly DeniedGroup[];
  /**
   * Calls the key policy leaves to the caller's IAM policies (it delegates to the account),
   * made by callers the environment does not describe: allowed if their IAM policies allow
   * them, which replay cannot know. Not counted as denied.
   */
  readonly dependsOnIamCalls: number;
  readonly dependsOnIam: readonly CallGroup[];
  /** Calls on the key that failed in the log (errorCode present), not replayed. */
  readonly failedInLog: readonly FailedGroup[];
  /** KMS calls on the key that could not be rebuilt, by reason. */
  readonly unreadable: readonly { readonly reason: string; readonly count: number }[];
}

/** A replayed call's outcome. */
export interface CallVerdict {
  readonly allowed: boolean;
  /** Denied only for want of an identity policy the environment does not describe. */
  readonly dependsOnIam: boolean;
  readonly decision: Decision;
  readonly error: string | null;
  readonly summary: string;
}

/**
 * Decides recorded calls on one key. Verdicts are remembered by request (all of it but the time)
 * unless a policy reads aws:CurrentTime or aws:EpochTime: a log repeats the same few requests
 * many thousand times.
 */
export class CallReplayer {
  private readonly verdicts = new Map<string, CallVerdict>();
  private readonly readsTime: boolean;
  private readonly aliasArnPrefix: string;
  private readonly keyPolicy: PolicyDocument | NamedPolicy;

  constructor(
    private readonly environment: Environment,
    private readonly target: ReplayKey,
  ) {
    this.readsTime = READS_TIME.test(JSON.stringify([target.keyPolicy, target.grants, environment.principals, environment.accounts]));
    this.aliasArnPrefix = target.arn.slice(0, target.arn.indexOf(':key/') + 1);
    this.keyPolicy = withoutSourceText(target.keyPolicy);
  }

  decide(call: KmsCallOfEvent): CallVerdict {
    const signature = this.readsTime ? undefined : signatureOf(call);
    const known = signature === undefined ? undefined : this.verdicts.get(signature);
    if (known) return known;
    const verdict = this.evaluate(call);
    if (signature !== undefined) {
      if (this.verdicts.size >= 100_000) this.verdicts.clear();
      this.verdicts.set(signature, verdict);
    }
    return verdict;
  }

  private evaluate(call: KmsCallOfEvent): CallVerdict {
    const { target } = this;
    // An alias the caller named resolved to this key when the call succeeded: the key had it then.
    const alias = call.keyIdAsGiven !== undefined && (call.keyIdAsGiven.startsWith('alias/') || call.keyIdAsGiven.includes(':alias/')) ? call.keyIdAsGiven : undefined;
    let key = target.key;
    if (alias) {
      const aliasArn = alias.startsWith('arn:') ? alias : `${this.aliasArnPrefix}${alias}`;
      const aliases = Array.isArray(key.alias) ? key.alias : typeof key.alias === 'string' ? [key.alias] : [];
      if (!aliases.includes(aliasArn)) key = { ...key, alias: [...aliases, aliasArn] };
    }
    const assembled = assembleScenario(
      this.environment,
      {
        principalArn: call.callerArn,
        action: call.action,
        keyRef: alias ?? target.arn,
        region: call.region || target.key.region,
        encryptionContext: call.encryptionContext,
        grantTokens: call.grantTokens,
        context: { ...target.tagContext, ...call.context },
        viaService: call.viaService,
        encryptionAlgorithm: call.encryptionAlgorithm,
        grant: call.grant,
        grantId: call.grantId,
      },
      key,
      this.keyPolicy,
      target.grants,
    );
    // Replay reports no trace: the policies' text (for source ranges in a trace) is left out.
    const scenario: AccessScenario = {
      ...assembled,
      identityPolicies: (assembled.identityPolicies ?? []).map(withoutSourceText),
      permissionBoundary: assembled.permissionBoundary == null ? assembled.permissionBoundary : withoutSourceText(assembled.permissionBoundary),
      sessionPolicy: assembled.sessionPolicy == null ? assembled.sessionPolicy : withoutSourceText(assembled.sessionPolicy),
    };
    const now = new Date(call.time);
    const result = simulateAccess(scenario, { now });
    const allowed = result.decision === 'Allow' && result.error === null;
    let dependsOnIam = false;
    if (!allowed && result.decision === 'ImplicitDeny' && this.undescribed(call)) {
      // The log shows the call succeeded, so whatever IAM policy it needed existed then: decide it
      // again as if the caller's IAM policies allowed exactly this call. Allowed that way, the key
      // policy does not refuse it; the IAM side is the environment's to tell.
      const assumed = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: call.action, Resource: target.arn }] };
      const withIam = simulateAccess(
        { ...scenario, identityPolicies: [{ name: `IAM policy assumed for ${call.callerArn} (not in the environment)`, document: assumed }] },
        { now },
      );
      dependsOnIam = withIam.decision === 'Allow' && withIam.error === null;
    }
    return { allowed, dependsOnIam, decision: result.decision, error: result.error, summary: result.summary };
  }

  /** An IAM user, role session or federated user the environment has no entry for. */
  private undescribed(call: KmsCallOfEvent): boolean {
    if (call.policyPrincipal.type !== 'AWS' || call.callerArn.endsWith(':root')) return false;
    const { principal, role } = findPrincipal(this.environment, call.callerArn);
    return !principal && !role;
  }
}

/** A key policy given in place of the key's own (`--policy FILE`). */
export interface ProposedPolicy {
  readonly document: unknown;
  readonly source: string;
  readonly text: string;
}

/** Replays the records' calls on the key `keyRef` names, under `policy` or the key's own policy. */
export function replayRecords(records: Iterable<CloudTrailRecord>, keyRef: string, environment: Environment, policy?: ProposedPolicy): ReplayReport {
  if (isKeyKnownWithoutCalls(keyRef, environment)) {
    // Decided as they are read: a day of a busy trail need not be held in memory.
    return replayRecordsOn(records, selectReplayKey(keyRef, environment, [], policy), environment);
  }
  // The key's ARN is learnt from the records that name its id or alias beside it.
  const unreadable: KmsCallsRead['unreadable'] = [];
  const calls = [...kmsCallsOfRecords(records, unreadable)];
  const target = selectReplayKey(keyRef, environment, calls, policy);
  return withUnreadable(replayCalls(calls, target, environment), unreadable, target);
}

/** Replays the records' calls on a key already known (e.g. the engine's own, with its grants). */
export function replayRecordsOn(records: Iterable<CloudTrailRecord>, target: ReplayKey, environment: Environment): ReplayReport {
  const unreadable: KmsCallsRead['unreadable'] = [];
  return withUnreadable(replayCalls(kmsCallsOfRecords(records, unreadable), target, environment), unreadable, target);
}

function withUnreadable(report: ReplayReport, unreadable: KmsCallsRead['unreadable'], target: ReplayKey): ReplayReport {
  const onKey = new Map<string, number>();
  for (const entry of unreadable) {
    if (isCallOnKey({ keyRefs: entry.keyRefs, region: target.key.region }, target)) onKey.set(entry.reason, (onKey.get(entry.reason) ?? 0) + 1);
  }
  return { ...report, unreadable: [...onKey].map(([reason, count]) => ({ reason, count })) };
}

function withoutSourceText(policy: PolicyDocument | NamedPolicy): PolicyDocument | NamedPolicy {
  const { name, document } = unwrapPolicy(policy);
  return name === undefined ? document : { name, document };
}

/** Replays the calls on `target` (others are passed over) and groups what the policy now refuses. */
export function replayCalls(
  calls: Iterable<KmsCallOfEvent>,
  target: ReplayKey,
  environment: Environment,
): ReplayReport {
  const replayer = new CallReplayer(environment, target);
  const denied = new Map<string, DeniedGroup>();
  const dependsOnIam = new Map<string, CallGroup>();
  let dependsOnIamCalls = 0;
  const failed = new Map<string, FailedGroup>();
  let replayed = 0;
  let deniedCalls = 0;
  for (const call of calls) {
    if (!isCallOnKey(call, target)) continue;
    const principal = call.policyPrincipal.name;
    if (call.errorCode !== undefined) {
      const time = timeOf(call);
      const id = `${principal}\n${call.action}\n${call.errorCode}`;
      const group = failed.get(id);
      if (group) extend(group, time);
      else failed.set(id, { principal, action: call.action, errorCode: call.errorCode, count: 1, firstTime: time, lastTime: time });
      continue;
    }
    replayed++;
    const verdict = replayer.decide(call);
    if (verdict.allowed) continue;
    // Written only for the calls reported: most calls are allowed.
    const time = timeOf(call);
    if (verdict.dependsOnIam) {
      dependsOnIamCalls++;
      const id = `${principal}\n${call.action}`;
      const group = dependsOnIam.get(id);
      if (group) extend(group, time);
      else dependsOnIam.set(id, { principal, action: call.action, count: 1, firstTime: time, lastTime: time });
      continue;
    }
    deniedCalls++;
    const id = `${principal}\n${call.action}\n${verdict.decision}\n${verdict.error}`;
    const group = denied.get(id);
    if (group) extend(group, time);
    else {
      denied.set(id, {
        principal,
        action: call.action,
        decision: verdict.decision,
        error: verdict.error,
        reason: verdict.summary,
        exampleEventId: call.eventId,
        count: 1,
        firstTime: time,
        lastTime: time,
      });
    }
  }
  const byCount = <T extends CallGroup>(groups: Iterable<T>): T[] =>
    [...groups].sort((a, b) => b.count - a.count || a.principal.localeCompare(b.principal) || a.action.localeCompare(b.action));
  return {
    keyArn: target.arn,
    keyPolicyFrom: target.keyPolicyFrom,
    replayed,
    deniedCalls,
    denied: byCount(denied.values()),
    dependsOnIamCalls,
    dependsOnIam: byCount(dependsOnIam.values()),
    failedInLog: byCount(failed.values()),
    // What could not be rebuilt is known only to the reader of the records (replayRecords).
    unreadable: [],
  };
}

/** As CloudTrail writes eventTime: to the second. */
function timeOf(call: KmsCallOfEvent): string {
  return new Date(call.time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Logs are read in any order (files, then records): first and last are compared, not assumed. */
function extend(group: CallGroup, time: string): void {
  group.count++;
  if (time < group.firstTime) group.firstTime = time;
  if (time > group.lastTime) group.lastTime = time;
}

/** Everything the decision reads of the call but its time. Values a caller wrote go through JSON. */
function signatureOf(call: KmsCallOfEvent): string {
  return (
    `${call.callerArn}\n${call.action}\n${call.region}\n${json(call.keyIdAsGiven)}\n${json(call.encryptionContext)}\n${json(call.encryptionAlgorithm)}\n` +
    `${json(call.viaService)}\n${json(call.grantTokens)}\n${json(call.grantId)}\n${json(call.grant)}\n${json(call.context)}`
  );
}

function json(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}
