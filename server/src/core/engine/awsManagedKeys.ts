// AWS managed keys: the `alias/aws/<service>` keys an AWS service creates in an account the
// first time it is used there ("AWS managed keys are KMS keys in your account that are created,
// managed, and used on your behalf by an AWS service integrated with AWS KMS", AWS KMS Developer
// Guide, "AWS managed keys"). Their key policy is AWS's and cannot be changed: it lets principals
// of the account use the key only through the service (kms:ViaService + kms:CallerAccount) and
// read its metadata directly, so nobody can change, disable or delete it. They rotate every year.
// "If you call DescribeKey on a predefined AWS alias, that is, an AWS alias with no key ID, KMS
// creates an AWS managed key" (API Reference, DescribeKey); ListAliases shows the predefined
// aliases without a TargetKeyId until then.
import { aliasStoreKey, keyStoreKey, type KeyRecord } from './engineState';
import { newKeyId } from './keyIdentifiers';
import { newKeyMaterial } from './keyMaterialFactory';
import type { OperationContext } from './operationContext';
import { kmsKeyArn } from '../arn/kmsKeyReference';

const DAY_MS = 86_400_000;

/** Predefined aliases by the service that creates them, and the service's endpoint name in kms:ViaService. */
/** `usesGrants`: the service creates grants for its resources, so its policy allows kms:CreateGrant too. */
export const AWS_MANAGED_KEY_SERVICES: Readonly<Record<string, { readonly viaService: string; readonly protects: string; readonly usesGrants?: boolean }>> = {
  'aws/acm': { viaService: 'acm', protects: 'ACM private keys', usesGrants: true },
  'aws/backup': { viaService: 'backup', protects: 'backups' },
  'aws/dynamodb': { viaService: 'dynamodb', protects: 'DynamoDB tables' },
  'aws/ebs': { viaService: 'ec2', protects: 'EBS volumes', usesGrants: true },
  'aws/elasticfilesystem': { viaService: 'elasticfilesystem', protects: 'EFS file systems', usesGrants: true },
  'aws/es': { viaService: 'es', protects: 'OpenSearch domains', usesGrants: true },
  'aws/glue': { viaService: 'glue', protects: 'Glue data' },
  'aws/kinesis': { viaService: 'kinesis', protects: 'Kinesis streams' },
  'aws/lambda': { viaService: 'lambda', protects: 'Lambda functions' },
  'aws/logs': { viaService: 'logs', protects: 'CloudWatch Logs' },
  'aws/rds': { viaService: 'rds', protects: 'RDS databases', usesGrants: true },
  'aws/redshift': { viaService: 'redshift', protects: 'Redshift clusters', usesGrants: true },
  'aws/s3': { viaService: 's3', protects: 'S3 objects' },
  'aws/secretsmanager': { viaService: 'secretsmanager', protects: 'Secrets Manager secrets' },
  'aws/sns': { viaService: 'sns', protects: 'SNS topics' },
  'aws/sqs': { viaService: 'sqs', protects: 'SQS queues' },
  'aws/ssm': { viaService: 'ssm', protects: 'Systems Manager parameters' },
};

/** `alias/aws/s3` -> `aws/s3` when it is a predefined AWS alias, else undefined. */
export function predefinedAwsAlias(aliasName: string): string | undefined {
  const name = aliasName.startsWith('alias/') ? aliasName.slice('alias/'.length) : undefined;
  return name && Object.prototype.hasOwnProperty.call(AWS_MANAGED_KEY_SERVICES, name) ? name : undefined;
}

/** The key policy AWS gives an AWS managed key (as `aws kms get-key-policy` shows for aws/s3). */
export function awsManagedKeyPolicy(partition: string, account: string, region: string, alias: string): string {
  const { viaService, usesGrants } = AWS_MANAGED_KEY_SERVICES[alias]!;
  const service = alias.slice('aws/'.length);
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Id: `auto-${service}-2`,
      Statement: [
        {
          Sid: `Allow access through ${service} for all principals in the account that are authorized to use ${service}`,
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', ...(usesGrants ? ['kms:CreateGrant'] : []), 'kms:DescribeKey'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `${viaService}.${region}.amazonaws.com` } },
        },
        {
          Sid: 'Allow direct access to key metadata to the account',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${account}:root` },
          Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
          Resource: '*',
        },
      ],
    },
    null,
    4,
  );
}

/**
 * The alias a request names by KeyId when it is a predefined AWS alias of the caller's account
 * and Region that has no key yet (so the request creates one), else undefined.
 */
export function awsManagedKeyToCreate(context: Pick<OperationContext, 'state' | 'scope'>, given: unknown): string | undefined {
  if (typeof given !== 'string') return undefined;
  let aliasName = given;
  if (given.startsWith('arn:')) {
    const m = /^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/.exec(given);
    if (!m || m[1] !== context.scope.region || m[2] !== context.scope.account) return undefined;
    aliasName = m[3]!;
  }
  const alias = predefinedAwsAlias(aliasName);
  if (!alias) return undefined;
  return context.state.aliases[aliasStoreKey(context.scope.account, context.scope.region, aliasName)] ? undefined : alias;
}

/** Creates the AWS managed key behind a predefined alias, in the caller's account and Region. */
export async function createAwsManagedKey(context: OperationContext, alias: string): Promise<KeyRecord> {
  const { scope, now } = context;
  const keyId = newKeyId(false);
  const material = await newKeyMaterial('SYMMETRIC_DEFAULT', now, 'CREATED');
  const key: KeyRecord = {
    keyId,
    account: scope.account,
    region: scope.region,
    arn: kmsKeyArn(scope.partition, scope.region, scope.account, keyId),
    description: `Default key that protects my ${AWS_MANAGED_KEY_SERVICES[alias]!.protects} when no other key is defined`,
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    keyManager: 'AWS',
    state: 'Enabled',
    createdAt: now,
    policy: awsManagedKeyPolicy(scope.partition, scope.account, scope.region, alias),
    policyName: 'default',
    tags: [],
    materials: [material],
    currentMaterialId: material.id,
    // "AWS KMS automatically rotates AWS managed keys every year (approximately 365 days)."
    rotation: { enabled: true, periodDays: 365, nextRotationAt: now + 365 * DAY_MS },
    onDemandRotationCount: 0,
    multiRegion: false,
    grants: [],
  };
  context.state.keys[keyStoreKey(key.region, keyId)] = key;
  const aliasName = `alias/${alias}`;
  context.state.aliases[aliasStoreKey(scope.account, scope.region, aliasName)] = { aliasName, account: scope.account, region: scope.region, targetKeyId: keyId, createdAt: now, updatedAt: now };
  context.changed();
  return key;
}
