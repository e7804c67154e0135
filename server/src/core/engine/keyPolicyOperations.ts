// GetKeyPolicy, PutKeyPolicy (with the lockout safety check) and ListKeyPolicies. Every key
// has exactly one policy, named `default`.
import { notFound } from './engineErrors';
import { useKey } from './keyAccess';
import { assertNoLockout, readPolicyToStore } from './keyPolicyRules';
import type { OperationContext, OperationTable } from './operationContext';

function readPolicyName(context: OperationContext): string {
  const name = context.input.optionalString('PolicyName', { min: 1, max: 128 }) ?? 'default';
  if (name !== 'default') throw notFound(`Policy ${name} does not exist`);
  return name;
}

function getKeyPolicy(context: OperationContext) {
  const keyId = context.input.requiredString('KeyId', { min: 1, max: 2048 });
  const name = readPolicyName(context);
  const key = useKey(context, keyId, { allowAlias: false });
  return { Policy: key.policy, PolicyName: name };
}

function putKeyPolicy(context: OperationContext) {
  const { input, caller } = context;
  const keyId = input.requiredString('KeyId', { min: 1, max: 2048 });
  readPolicyName(context);
  const policy = input.requiredString('Policy', { min: 1, max: 32768 });
  const bypass = input.optionalBoolean('BypassPolicyLockoutSafetyCheck') ?? false;
  const key = useKey(context, keyId, { allowAlias: false, context: { 'kms:BypassPolicyLockoutSafetyCheck': bypass } });
  const document = readPolicyToStore(policy);
  if (!bypass) assertNoLockout(context.services.authorizer, caller, key, document);
  key.policy = policy;
  context.changed();
  return {};
}

function listKeyPolicies(context: OperationContext) {
  const keyId = context.input.requiredString('KeyId', { min: 1, max: 2048 });
  useKey(context, keyId, { allowAlias: false });
  return { PolicyNames: ['default'], Truncated: false };
}

export const keyPolicyOperations: OperationTable = {
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
};
