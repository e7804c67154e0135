// AWS KMS's error names and message texts in one place, so every operation words an error the
// way the real service does (texts checked against responses recorded from AWS).
import { KmsServiceError } from './kmsEngineApi';

export function notFound(message: string): KmsServiceError {
  return new KmsServiceError('NotFoundException', message);
}

export function keyDoesNotExist(keyArn: string): KmsServiceError {
  return notFound(`Key '${keyArn}' does not exist`);
}

export function invalidKeyId(given: string): KmsServiceError {
  return notFound(`Invalid keyId '${given}'`);
}

export function aliasNotFound(aliasArn: string): KmsServiceError {
  return notFound(`Alias ${aliasArn} is not found.`);
}

export function validation(message: string): KmsServiceError {
  return new KmsServiceError('ValidationException', message);
}

/** The Coral-style message AWS gives for a member that breaks a model constraint. */
export function constraintViolation(value: string | null | undefined, member: string, constraint: string): KmsServiceError {
  // Sensitive members (undefined) are never echoed; a missing member prints as `null`.
  const shown = value === undefined ? 'Value' : value === null ? 'Value null' : `Value '${value}'`;
  return validation(`1 validation error detected: ${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
}

export function enumViolation(value: string, member: string, allowed: readonly string[]): KmsServiceError {
  return constraintViolation(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
}

export function invalidState(message: string): KmsServiceError {
  return new KmsServiceError('KMSInvalidStateException', message);
}

export function disabled(keyArn: string): KmsServiceError {
  return new KmsServiceError('DisabledException', `${keyArn} is disabled.`);
}

export function invalidKeyUsage(keyArn: string, usage: string, operation: string): KmsServiceError {
  return new KmsServiceError('InvalidKeyUsageException', `${keyArn} key usage is ${usage} which is not valid for ${operation}.`);
}

export function invalidCiphertext(): KmsServiceError {
  // AWS never says why a ciphertext is rejected: the message is empty.
  return new KmsServiceError('InvalidCiphertextException', '');
}

export function incorrectKey(): KmsServiceError {
  return new KmsServiceError(
    'IncorrectKeyException',
    'The key ID in the request does not identify a CMK that can perform this operation.',
  );
}

export function unsupportedOperation(message: string): KmsServiceError {
  return new KmsServiceError('UnsupportedOperationException', message);
}

export function dryRunSucceeded(): KmsServiceError {
  return new KmsServiceError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

export function alreadyExists(message: string): KmsServiceError {
  return new KmsServiceError('AlreadyExistsException', message);
}

export function limitExceeded(message: string): KmsServiceError {
  return new KmsServiceError('LimitExceededException', message);
}

export function tagError(message: string): KmsServiceError {
  return new KmsServiceError('TagException', message);
}

export function malformedPolicy(message: string): KmsServiceError {
  return new KmsServiceError('MalformedPolicyDocumentException', message);
}

export function internalFailure(message: string): KmsServiceError {
  return new KmsServiceError('KMSInternalException', message, 500);
}
