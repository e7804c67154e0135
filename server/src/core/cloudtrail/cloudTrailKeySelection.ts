// Which recorded calls were on the key the user named, and what replay knows of that key. The
// user may name it as KMS takes a KeyId (key id, key ARN, alias name, alias ARN); a call is on
// the key when its record names the key's ARN or id (`resources[].ARN`, `requestParameters.keyId`)
// or one of its aliases. The key's facts (Region, account, aliases, tags, grants, policy) come
// from the environment when it holds the key; otherwise from the ARN the records give, with the
// key taken as an enabled symmetric customer managed key (what the record does not say).
import type { AccessScenario, NamedPolicy, PolicyDocument, ScenarioGrant, ScenarioKey } from '../access/scenario';
import { kmsAliasArn, parseKeyReference, parseKmsArn } from '../arn/kmsKeyReference';
import type { Environment } from '../environment/environmentModel';
import { defaultKeyPolicyDocument, findEnvironmentKey, keyArnOf, resourceTagContext, scenarioGrants, scenarioKey } from '../environment/scenarioBuilder';
import type { KmsCallOfEvent } from './kmsCallOfEvent';

/** The key replay decides calls on. */
export interface ReplayKey {
  readonly arn: string;
  readonly key: ScenarioKey;
  /** The key policy calls are decided under. */
  readonly keyPolicy: PolicyDocument | NamedPolicy;
  /** Whence the key policy: `--policy FILE`, the environment's key, or AWS's default key policy. */
  readonly keyPolicyFrom: string;
  readonly grants: readonly ScenarioGrant[];
  /** `aws:ResourceTag/*` of the key. */
  readonly tagContext: Readonly<Record<string, string>>;
  /** Alias names (`alias/x`) known to point at the key. */
  readonly aliasNames: ReadonlySet<string>;
}

export class KeySelectionError extends Error {}

/** Whether the call's record names this key. */
export function isCallOnKey(call: Pick<KmsCallOfEvent, 'keyRefs' | 'region'>, key: Pick<ReplayKey, 'arn' | 'aliasNames'>): boolean {
  const keyId = key.arn.slice(key.arn.indexOf(':key/') + 5);
  for (const ref of call.keyRefs) {
    if (ref === key.arn || ref === keyId) return true;
    const alias = aliasNameOf(ref);
    if (alias && key.aliasNames.has(alias) && aliasIsOfKey(ref, call.region, key.arn)) return true;
  }
  return false;
}

/**
 * The key as an access scenario on it holds it (the engine's `scenarioFor`: its state, aliases,
 * tags and grants), under the key policy `policy`.
 */
export function replayKeyOfScenario(scenario: AccessScenario, policy: { readonly document: PolicyDocument; readonly source: string; readonly text: string }): ReplayKey {
  const key = scenario.key;
  const aliases = Array.isArray(key.alias) ? key.alias : typeof key.alias === 'string' ? [key.alias] : [];
  const tagContext: Record<string, string> = {};
  for (const [name, value] of Object.entries(scenario.request.context ?? {})) {
    if (name.startsWith('aws:ResourceTag/') && typeof value === 'string') tagContext[name] = value;
  }
  return {
    arn: key.arn,
    key,
    keyPolicy: { name: `key policy (${policy.source})`, document: policy.document, sourceText: policy.text, source: policy.source },
    keyPolicyFrom: policy.source,
    grants: scenario.grants ?? [],
    tagContext,
    aliasNames: new Set(aliases.map((a) => aliasNameOf(a) ?? a)),
  };
}

/** Whether the key can be known before the records are read: a key ARN, or a key of the environment. */
export function isKeyKnownWithoutCalls(keyRef: string, environment: Environment): boolean {
  const reference = parseKeyReference(keyRef);
  if (!reference) return false;
  if (reference.kind === 'keyArn') return true;
  const region = reference.kind === 'aliasArn' ? reference.arn.region : environment.defaultRegion;
  return findEnvironmentKey(environment, keyRef, undefined, region) !== undefined;
}

/**
 * The key `keyRef` names. `calls` are searched when the environment does not hold it: the key's
 * ARN is the one the records give beside its id or alias.
 */
export function selectReplayKey(
  keyRef: string,
  environment: Environment,
  calls: readonly KmsCallOfEvent[],
  policy?: { readonly document: PolicyDocument; readonly source: string; readonly text: string },
): ReplayKey {
  const reference = parseKeyReference(keyRef);
  if (!reference) throw new KeySelectionError(`${keyRef} is not a key id, key ARN, alias name or alias ARN`);
  const known = findEnvironmentKey(environment, keyRef, undefined, reference.kind === 'keyArn' || reference.kind === 'aliasArn' ? reference.arn.region : environment.defaultRegion);
  const override = policy ? { policy: { name: `key policy (${policy.source})`, document: policy.document, sourceText: policy.text, source: policy.source } as NamedPolicy, from: policy.source } : undefined;
  if (known) {
    const arn = keyArnOf(environment, known);
    const own = known.keyPolicy ?? defaultKeyPolicyDocument(environment.partition, known.account);
    const keyPolicy: PolicyDocument | NamedPolicy =
      override?.policy ??
      (known.keyPolicySource ? { name: `key policy (${known.keyPolicySource.path})`, document: own, sourceText: known.keyPolicySource.text, source: known.keyPolicySource.path } : own);
    return {
      arn,
      key: scenarioKey(environment, known),
      keyPolicy,
      keyPolicyFrom: override?.from ?? (known.keyPolicySource?.path ?? (known.keyPolicy ? `the environment's key ${arn}` : 'AWS\'s default key policy')),
      grants: scenarioGrants(environment, known),
      tagContext: resourceTagContext(Object.entries(known.tags ?? {})),
      aliasNames: new Set(known.aliases),
    };
  }
  const arn = reference.kind === 'keyArn' ? keyRef : arnFromCalls(keyRef, calls);
  if (!arn) {
    throw new KeySelectionError(
      `${keyRef} is not a key of the environment and no recorded call names it beside its key ARN: give the key ARN, or --environment with the key`,
    );
  }
  const parsed = parseKmsArn(arn)!;
  const aliasNames = new Set<string>();
  const alias = aliasNameOf(keyRef);
  if (alias) aliasNames.add(alias);
  return {
    arn,
    key: { arn, account: parsed.account, region: parsed.region, state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT', alias: [...aliasNames].map((a) => kmsAliasArn(parsed.partition, parsed.region, parsed.account, a)) },
    keyPolicy: override?.policy ?? defaultKeyPolicyDocument(parsed.partition, parsed.account),
    keyPolicyFrom: override?.from ?? 'AWS\'s default key policy (the key is not in an environment; give --policy FILE)',
    grants: [],
    tagContext: {},
    aliasNames,
  };
}

/** The key ARN the records give for a key id or alias: the key resource of a call that names it. */
function arnFromCalls(keyRef: string, calls: readonly KmsCallOfEvent[]): string | undefined {
  const found = new Set<string>();
  const alias = aliasNameOf(keyRef);
  for (const call of calls) {
    const names = call.keyRefs.some((ref) => ref === keyRef || (alias !== undefined && aliasNameOf(ref) === alias));
    const arns = call.keyRefs.filter((ref) => parseKmsArn(ref)?.resourceType === 'key');
    if (alias === undefined) {
      for (const arn of arns) if (arn.endsWith(`:key/${keyRef}`)) found.add(arn);
    } else if (names && arns.length === 1) {
      found.add(arns[0]!);
    }
  }
  if (found.size > 1) throw new KeySelectionError(`${keyRef} names more than one key in the records (${[...found].join(', ')}): give the key ARN`);
  return [...found][0];
}

function aliasNameOf(ref: string): string | undefined {
  if (ref.startsWith('alias/')) return ref;
  const arn = parseKmsArn(ref);
  return arn?.resourceType === 'alias' ? `alias/${arn.resource}` : undefined;
}

/** An alias ARN must be in the key's account and Region; an alias name resolves in the call's Region. */
function aliasIsOfKey(ref: string, callRegion: string, keyArn: string): boolean {
  const key = parseKmsArn(keyArn)!;
  const alias = parseKmsArn(ref);
  if (!alias) return callRegion === key.region;
  return alias.account === key.account && alias.region === key.region;
}
