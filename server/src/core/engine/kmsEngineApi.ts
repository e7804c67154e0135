// The seam between the KMS wire protocol (server/src/http) and the engine: one entry point
// that takes an operation name, its JSON input and the authenticated caller, and answers the
// JSON output or throws a KmsServiceError carrying AWS's error name, status and message.

/** Who is calling, as established by SigV4 verification of the access key. */
export interface CallerIdentity {
  /** ARN of the principal (user, role session, account root). */
  readonly principalArn: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  /** The Region the request was signed for (the engine serves several). */
  readonly region: string;
  /** Extra request context: `aws:SourceIp`, `aws:SecureTransport`, `kms:ViaService`, ... */
  readonly requestContext?: Readonly<Record<string, string | boolean>>;
}

/** An error the KMS API answers with: `{"__type": name, "message": message}` and the status. */
export class KmsServiceError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly httpStatus: number = 400,
  ) {
    super(message);
    this.name = errorName;
  }
}

export type JsonObject = { readonly [key: string]: unknown };

export interface KmsOperationHandler {
  /** `operation` is the X-Amz-Target suffix, e.g. `Encrypt`. Blobs are base64 strings as on the wire. */
  execute(operation: string, input: JsonObject, caller: CallerIdentity): Promise<JsonObject>;
}
