// AWS errors as the user should read them: the service's own message, with its error name.
export interface KmsErrorInfo {
  readonly name: string;
  readonly message: string;
}

export function kmsErrorInfo(error: unknown): KmsErrorInfo {
  if (error instanceof Error) return { name: error.name, message: error.message || error.name };
  return { name: 'Error', message: String(error) };
}

export function isAccessDenied(error: unknown): boolean {
  const { name } = kmsErrorInfo(error);
  return name === 'AccessDeniedException' || name === 'AccessDenied';
}

/** One line for a notification: `AccessDeniedException: User: ... is not authorized ...`. */
export function formatKmsError(error: unknown): string {
  const { name, message } = kmsErrorInfo(error);
  return message.startsWith(name) ? message : `${name}: ${message}`;
}
