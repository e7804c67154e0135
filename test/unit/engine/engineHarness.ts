// Opens an in-memory engine on an environment with the default root caller plus an IAM user
// that has no permissions, and calls operations as either.
import type { Environment } from '../../../server/src/core/environment/environmentModel';
import { defaultEnvironment } from '../../../server/src/core/environment/environmentModel';
import { openKmsEngine, type OpenKmsEngineOptions } from '../../../server/src/core/engine/openKmsEngine';
import { KmsServiceError, type AuthenticatedCaller, type JsonObject } from '../../../server/src/core/engine/kmsEngineApi';
import type { KmsEngine } from '../../../server/src/core/engine/kmsEngine';

export const ACCOUNT = '111122223333';
export const ROOT: AuthenticatedCaller = { principalArn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'test', region: 'us-east-1' };
export const NOBODY: AuthenticatedCaller = { principalArn: `arn:aws:iam::${ACCOUNT}:user/nobody`, accountId: ACCOUNT, accessKeyId: 'nobody', region: 'us-east-1' };
export const READER: AuthenticatedCaller = { principalArn: `arn:aws:iam::${ACCOUNT}:user/reader`, accountId: ACCOUNT, accessKeyId: 'reader', region: 'us-east-1' };

export function testEnvironment(): Environment {
  const base = defaultEnvironment();
  return {
    ...base,
    principals: [
      ...base.principals,
      { arn: NOBODY.principalArn, identityPolicies: [], accessKeys: [{ accessKeyId: 'nobody', secretAccessKey: 'nobody' }] },
      {
        arn: READER.principalArn,
        identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt'], Resource: '*' }] }],
        accessKeys: [{ accessKeyId: 'reader', secretAccessKey: 'reader' }],
      },
    ],
  };
}

// Responses are read field by field in tests, as loosely typed JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = Record<string, any>;

export interface Harness {
  readonly engine: KmsEngine;
  call(operation: string, input?: JsonObject, caller?: AuthenticatedCaller): Promise<Reply>;
  fail(operation: string, input?: JsonObject, caller?: AuthenticatedCaller): Promise<KmsServiceError>;
}

export async function openHarness(options: Partial<OpenKmsEngineOptions> = {}): Promise<Harness> {
  const engine = await openKmsEngine({ environment: testEnvironment(), transientStateDelayMs: 0, ...options });
  const call = async (operation: string, input: JsonObject = {}, caller: AuthenticatedCaller = ROOT) =>
    (await engine.execute(operation, input, caller)) as Reply;
  const fail = async (operation: string, input: JsonObject = {}, caller: AuthenticatedCaller = ROOT): Promise<KmsServiceError> => {
    try {
      await engine.execute(operation, input, caller);
    } catch (error) {
      if (error instanceof KmsServiceError) return error;
      throw error;
    }
    throw new Error(`${operation} succeeded but was expected to fail`);
  };
  return { engine, call, fail };
}

export function b64(text: string | Buffer): string {
  return Buffer.from(text).toString('base64');
}
