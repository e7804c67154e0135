// Simulations per second, with the full trace, for a realistic KMS request: a key policy of six
// statements with conditions, two identity policies, one SCP level and two grants. The same
// request runs through @cloud-copilot/iam-simulate (the closest open evaluator; AGPL, so only
// this benchmark imports it) in the same process, and the ratio is printed. Target: >= 20x.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { join } from 'node:path';
import type { AccessScenario } from '../../server/src/core/access/scenario';
import type { simulateAccess as SimulateAccess } from '../../server/src/core/access/simulateAccess';
import { bundledImport } from './support/bundledImport';

const ACCOUNT = '111122223333';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/worker-7`;

const keyPolicy = {
  Version: '2012-10-17',
  Id: 'bench-key-policy',
  Statement: [
    { Sid: 'EnableIAMPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'KeyAdministrators',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin` },
      Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
      Resource: '*',
    },
    {
      Sid: 'AppUsesKeyForItsTeam',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/AppRole` },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:team': 'billing', 'kms:CallerAccount': ACCOUNT } },
    },
    {
      Sid: 'ServicesMayAttachResources',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/AppRole` },
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    {
      Sid: 'DenyOutsideOrganization',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
    },
    {
      Sid: 'DenyPlainTextTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:*',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
    },
  ],
};

const identityPolicies = [
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'UseAppKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, Condition: { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['team'] } } },
      { Sid: 'ReadS3', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::app-data', 'arn:aws:s3:::app-data/*'] },
    ],
  },
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'NoKeyDeletion', Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey'], Resource: '*' },
      { Sid: 'DescribeKeys', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } } },
    ],
  },
];

const scps = [
  {
    orgIdentifier: 'r-examplerootid',
    policies: [
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      { Version: '2012-10-17', Statement: [{ Sid: 'DenyOutsideRegions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }] },
    ],
  },
];

const request = {
  principal: CALLER,
  action: 'kms:Decrypt',
  resource: KEY_ARN,
  region: 'us-east-1',
  encryptionContext: { team: 'billing', record: 'invoice-7' },
  context: { 'aws:PrincipalOrgID': 'o-exampleorgid' },
};

const scenario: AccessScenario = {
  request,
  key: { arn: KEY_ARN, account: ACCOUNT, region: 'us-east-1', state: 'Enabled', keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT', alias: 'alias/app' },
  keyPolicy,
  identityPolicies,
  serviceControlPolicies: scps,
  grants: [
    { grantId: 'grant-ebs', keyArn: KEY_ARN, granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ebs`, operations: ['Decrypt', 'CreateGrant'], constraints: { encryptionContextSubset: { 'aws:ebs:id': 'vol-1' } }, issuingAccount: ACCOUNT },
    { grantId: 'grant-batch', keyArn: KEY_ARN, granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/BatchRole`, operations: ['Encrypt', 'GenerateDataKey'], constraints: null, issuingAccount: ACCOUNT },
  ],
};

// iam-simulate takes the same policies (it has no grants; they cannot be given to it).
const baseline: Simulation = {
  request: {
    principal: CALLER,
    action: 'kms:Decrypt',
    resource: { resource: KEY_ARN, accountId: ACCOUNT },
    contextVariables: {
      'kms:EncryptionContext:team': 'billing',
      'kms:EncryptionContext:record': 'invoice-7',
      'kms:EncryptionContextKeys': ['team', 'record'],
      'kms:CallerAccount': ACCOUNT,
      'aws:PrincipalOrgID': 'o-exampleorgid',
      'aws:SecureTransport': 'true',
      'aws:RequestedRegion': 'us-east-1',
    },
  },
  identityPolicies: identityPolicies.map((policy, i) => ({ name: `identity-${i + 1}`, policy })),
  serviceControlPolicies: scps.map((level) => ({ orgIdentifier: level.orgIdentifier, policies: level.policies.map((policy, i) => ({ name: `scp-${i + 1}`, policy })) })),
  resourceControlPolicies: [],
  resourcePolicy: keyPolicy,
};

interface Meter {
  readonly label: string;
  readonly run: () => unknown;
  count: number;
  ms: number;
}

/**
 * Runs the contenders in alternating slices for `seconds` in all, so a busy shared machine
 * slows both alike and the ratio stays fair.
 */
async function measure(meters: Meter[], seconds: number, sliceMs = 100): Promise<void> {
  for (const meter of meters) {
    const warmUntil = performance.now() + 200;
    while (performance.now() < warmUntil) await meter.run();
  }
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    for (const meter of meters) {
      const started = performance.now();
      const sliceEnd = started + sliceMs;
      let n = 0;
      while (performance.now() < sliceEnd) {
        for (let i = 0; i < 5; i++) await meter.run();
        n += 5;
      }
      meter.count += n;
      meter.ms += performance.now() - started;
    }
  }
}

function perSecond(meter: Meter): number {
  return meter.count / (meter.ms / 1000);
}

async function main(): Promise<void> {
  // The evaluator as the product ships it (bundled), not as tsx transpiles it.
  const { simulateAccess } = await bundledImport<{ simulateAccess: typeof SimulateAccess }>(
    join(import.meta.dirname, '../../server/src/core/access/simulateAccess.ts'),
  );
  const ours = simulateAccess(scenario);
  const theirs = await runSimulation(baseline, {});
  const theirDecision = 'result' in theirs ? JSON.stringify((theirs as { result: { analysis?: { result?: string } } }).result?.analysis?.result ?? 'see result') : 'error';
  console.log(`Scenario: Decrypt by an AppRole session; key policy of ${keyPolicy.Statement.length} statements, ${identityPolicies.length} identity policies, 1 SCP level, 2 grants.`);
  console.log(`  ours:         ${ours.decision} via ${ours.allowedBy}, trace of ${ours.trace.policies.reduce((n, p) => n + p.statements.length, 0)} statements and ${ours.trace.grants.length} grants`);
  console.log(`  iam-simulate: ${theirDecision}`);
  if (ours.decision !== 'Allow') throw new Error(`expected Allow, got ${ours.decision}: ${ours.summary}`);

  const oursMeter: Meter = { label: 'simulateAccess, bundled (full trace)', run: () => simulateAccess(scenario), count: 0, ms: 0 };
  const theirMeter: Meter = { label: '@cloud-copilot/iam-simulate runSimulation', run: () => runSimulation(baseline, {}), count: 0, ms: 0 };
  await measure([oursMeter, theirMeter], 4);
  for (const meter of [oursMeter, theirMeter]) {
    console.log(`  ${meter.label.padEnd(44)} ${Math.round(perSecond(meter)).toLocaleString('en-US').padStart(10)} simulations/s (${meter.count.toLocaleString('en-US')} in ${(meter.ms / 1000).toFixed(1)} s)`);
  }
  const ratio = perSecond(oursMeter) / perSecond(theirMeter);
  console.log(`  ratio: ${ratio.toFixed(1)}x (target >= 20x) ${ratio >= 20 ? 'met' : 'NOT met'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
