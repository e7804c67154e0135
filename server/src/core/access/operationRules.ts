// Facts about KMS operations that the evaluation depends on: which work across accounts, which
// act on a key at all, and how an action name is written.
import { CROSS_ACCOUNT_ACTIONS, CRYPTOGRAPHIC_OPERATIONS } from '../catalog/kmsCuratedFacts';
import { kmsCatalog } from '../catalog/kmsCatalog';

/**
 * Operations a principal in another account can perform on a key, given permission on both
 * sides (AWS KMS Developer Guide, "Allowing users in other accounts to use a KMS key"). One
 * table, kept in the catalog, serves the evaluator and the key-policy rules alike.
 */
export const CROSS_ACCOUNT_OPERATIONS: ReadonlySet<string> = CROSS_ACCOUNT_ACTIONS;

/**
 * Operations that act on no particular key, so only IAM policies (and SCPs) decide them, with
 * Resource "*": the actions the Service Authorization Reference lists with no resource type.
 */
export const KEYLESS_OPERATIONS: ReadonlySet<string> = new Set(
  kmsCatalog().actions.filter((action) => action.resourceTypes.length === 0).map((action) => action.name),
);

const ACTION = /^kms:[A-Za-z]+$/;

/** `kms:Decrypt` -> `Decrypt`; undefined when the text is not a KMS action. */
export function operationOf(action: string): string | undefined {
  if (!ACTION.test(action)) return undefined;
  return action.slice(4);
}

export { CRYPTOGRAPHIC_OPERATIONS };

/**
 * Operations whose KeyId accepts an alias name or alias ARN ("To specify a KMS key, use its key
 * ID, key ARN, alias name, or alias ARN", AWS KMS API Reference, KeyId of each): every
 * cryptographic operation, DescribeKey and ReEncrypt. The others ask for "the key ID or key ARN"
 * and answer NotFoundException `Invalid keyId` to an alias. The engine's key lookup and the
 * evaluator both read this table.
 */
export const ALIAS_KEY_ID_OPERATIONS: ReadonlySet<string> = new Set([...CRYPTOGRAPHIC_OPERATIONS, 'DescribeKey', 'ReEncrypt']);
