// A test double of the engine service for the wire-protocol tests: it accepts one access key,
// records what reaches it, and answers each operation from a table the test provides.
import {
  KmsServiceError,
  type AccessKeyRecord,
  type AuthenticatedCaller,
  type JsonObject,
  type KmsEngineService,
} from '../../../server/src/core/engine/kmsEngineApi';

export const TEST_ACCESS_KEY: AccessKeyRecord = {
  accessKeyId: 'AKIATESTTESTTEST',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  principalArn: 'arn:aws:iam::111122223333:user/alice',
  accountId: '111122223333',
};

export interface RecordedCall {
  readonly service: 'kms' | 'cloudhsm';
  readonly operation: string;
  readonly input: JsonObject;
  readonly caller: AuthenticatedCaller;
}

type Answer = (input: JsonObject) => JsonObject | Promise<JsonObject>;

export class RecordingEngine implements KmsEngineService {
  readonly defaultAccountId = '111122223333';
  readonly defaultRegion = 'us-east-1';
  readonly calls: RecordedCall[] = [];

  constructor(
    private readonly answers: Record<string, Answer> = {},
    private readonly accessKeys: readonly AccessKeyRecord[] = [TEST_ACCESS_KEY],
  ) {}

  async execute(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject> {
    this.calls.push({ service: 'kms', operation, input, caller });
    const answer = this.answers[operation];
    if (!answer) throw new KmsServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    return answer(input);
  }

  executeNow(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject> {
    return this.execute(operation, input, caller);
  }

  async executeCloudHsm(operation: string, input: JsonObject, caller: AuthenticatedCaller): Promise<JsonObject> {
    this.calls.push({ service: 'cloudhsm', operation, input, caller });
    const answer = this.answers[`cloudhsm:${operation}`];
    if (!answer) throw new KmsServiceError('CloudHsmInvalidRequestException', `Unknown operation ${operation}`);
    return answer(input);
  }

  findAccessKey(accessKeyId: string): AccessKeyRecord | undefined {
    return this.accessKeys.find((key) => key.accessKeyId === accessKeyId);
  }

  onDidChange(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}
