// Scenarios accept what the AWS CLI prints, so users can paste it: `aws kms describe-key`
// (`{"KeyMetadata": {...}}`) as `key`, `aws kms get-key-policy` (`{"Policy": "<json text>"}`) as
// `keyPolicy`, and `aws kms list-grants` (`{"Grants": [...]}`, or its list of PascalCase grants)
// as `grants`. Each becomes the scenario's own shape before validation.
import { parseArn } from '../arn/awsArn';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `describe-key` output (or its KeyMetadata) as the scenario's key. */
function keyFromMetadata(value: Json): Json {
  const m = (isObject(value.KeyMetadata) ? value.KeyMetadata : value) as Json;
  const arn = typeof m.Arn === 'string' ? m.Arn : undefined;
  const mrk = isObject(m.MultiRegionConfiguration) ? m.MultiRegionConfiguration : undefined;
  const key: Json = {
    arn,
    account: m.AWSAccountId ?? (arn ? parseArn(arn)?.account : undefined),
    region: arn ? parseArn(arn)?.region : undefined,
    state: m.KeyState,
    keyManager: m.KeyManager,
    keySpec: m.KeySpec ?? m.CustomerMasterKeySpec,
    keyUsage: m.KeyUsage,
    origin: m.Origin,
    multiRegion: m.MultiRegion,
    multiRegionKeyType: mrk?.MultiRegionKeyType,
  };
  for (const name of Object.keys(key)) if (key[name] === undefined) delete key[name];
  return key;
}

/** A `list-grants` grant as the scenario's grant. */
function grantFromListGrants(g: Json): Json {
  const c = isObject(g.Constraints) ? g.Constraints : undefined;
  const grant: Json = {
    grantId: g.GrantId,
    keyArn: g.KeyId,
    granteePrincipal: g.GranteePrincipal,
    retiringPrincipal: g.RetiringPrincipal,
    operations: g.Operations,
    constraints: c ? { ...(c.EncryptionContextEquals ? { encryptionContextEquals: c.EncryptionContextEquals } : {}), ...(c.EncryptionContextSubset ? { encryptionContextSubset: c.EncryptionContextSubset } : {}) } : null,
    issuingAccount: g.IssuingAccount,
  };
  for (const name of Object.keys(grant)) if (grant[name] === undefined) delete grant[name];
  return grant;
}

/** Whether `value` holds AWS CLI shapes that `fromAwsCliShapes` would convert. */
function convertible(value: Json): { key: boolean; keyPolicy: boolean; grants: boolean } {
  const grants = value.grants;
  return {
    key: isObject(value.key) && (isObject(value.key.KeyMetadata) || typeof value.key.Arn === 'string'),
    keyPolicy: isObject(value.keyPolicy) && typeof value.keyPolicy.Policy === 'string' && !('Statement' in value.keyPolicy),
    grants: (isObject(grants) && Array.isArray(grants.Grants)) || (Array.isArray(grants) && grants.some((g) => isObject(g) && 'GrantId' in g)),
  };
}

/**
 * The scenario with any pasted AWS CLI output turned into the scenario's own shape; the value
 * itself when there is none. A policy text that is not JSON is left for the schema to report.
 */
export function fromAwsCliShapes(value: unknown): unknown {
  if (!isObject(value)) return value;
  const which = convertible(value);
  if (!which.key && !which.keyPolicy && !which.grants) return value;
  const out: Json = { ...value };
  if (which.key) out.key = keyFromMetadata(value.key as Json);
  if (which.keyPolicy) {
    try {
      out.keyPolicy = JSON.parse((value.keyPolicy as Json).Policy as string) as unknown;
    } catch {
      // Left as it is: the schema says keyPolicy must be a policy document.
    }
  }
  if (which.grants) {
    const list = (isObject(value.grants) ? value.grants.Grants : value.grants) as unknown[];
    out.grants = list.map((g) => (isObject(g) && 'GrantId' in g ? grantFromListGrants(g) : g));
  }
  return out;
}

/** Which top-level members were converted (their statement ranges point at pasted text, not at the file). */
export function convertedMembers(value: unknown): { key: boolean; keyPolicy: boolean; grants: boolean } {
  return isObject(value) ? convertible(value) : { key: false, keyPolicy: false, grants: false };
}
