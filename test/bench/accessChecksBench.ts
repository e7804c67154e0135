// Each access check on two key policies of about 32 KB (the largest key policy AWS accepts),
// bundled as the CLI ships it. Target: every check in <= 100 ms. The number of requests each
// check evaluates is printed beside its time, since it is what the time grows with.
import { join } from 'node:path';
import type * as AccessChecks from '../../server/src/core/accessChecks/accessChecks';
import { bundledImport } from './support/bundledImport';

const ACCOUNT = '111122223333';
const ACTION_SETS = [
  ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
  ['kms:Decrypt'],
  ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
  ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
  ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey'],
];

/** A key policy of about 32 KB: the account statement, then many roles of a few accounts with the kinds of conditions real policies carry. */
function largePolicy(variant: number): { Version: string; Statement: Record<string, unknown>[] } {
  const statements: Record<string, unknown>[] = [{ Sid: 'EnableIAMUserPermissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }];
  for (let i = 0; JSON.stringify(statements).length < 31_500; i++) {
    const account = ['111122223333', '444455556666', '777788889999'][i % 3]!;
    const condition =
      i % 4 === 0
        ? { StringEquals: { [`kms:EncryptionContext:team`]: `team-${i % 7}` } }
        : i % 4 === 1
          ? { StringEquals: { 'kms:ViaService': `${['s3', 'rds', 'ec2', 'secretsmanager'][i % 4]}.us-east-1.amazonaws.com`, 'kms:CallerAccount': account } }
          : i % 4 === 2
            ? { Bool: { 'kms:GrantIsForAWSResource': 'true' } }
            : undefined;
    statements.push({
      Sid: `Statement${i}`,
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${account}:role/app-${i}`, `arn:aws:iam::${account}:role/service/worker-${i}`] },
      Action: ACTION_SETS[i % ACTION_SETS.length],
      Resource: '*',
      ...(condition ? { Condition: condition } : {}),
    });
  }
  statements.push({ Sid: 'DenyOutsideOrganization', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } } });
  if (variant === 1) {
    // The change under review: one statement widened, one account added.
    statements[3] = { ...statements[3], Action: 'kms:*' };
    statements.push({ Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222233334444:root' }, Action: 'kms:Decrypt', Resource: '*' });
  }
  return { Version: '2012-10-17', Statement: statements };
}

function time(label: string, run: () => AccessChecks.AccessCheckResult, rounds = 5): void {
  run(); // warm
  const times: number[] = [];
  let result: AccessChecks.AccessCheckResult | undefined;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    result = run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `  ${label.padEnd(44)} ${median.toFixed(1).padStart(7)} ms median (min ${times[0]!.toFixed(1)}), ${result!.evaluations.toLocaleString('en-US')} evaluations, ${result!.result}${result!.exhaustive ? '' : ', single-key variations'} — target <= 100 ms ${median <= 100 ? 'met' : 'NOT met'}`,
  );
}

async function main(): Promise<void> {
  const checks = await bundledImport<typeof AccessChecks>(join(import.meta.dirname, '../../server/src/core/accessChecks/accessChecks.ts'));
  const old = largePolicy(0);
  const candidate = largePolicy(1);
  console.log(`Policies: ${JSON.stringify(old).length.toLocaleString('en-US')} and ${JSON.stringify(candidate).length.toLocaleString('en-US')} bytes, ${old.Statement.length} and ${candidate.Statement.length} statements.`);
  time('check-no-new-access (OLD against itself)', () => checks.checkNoNewAccess(old, old));
  time('check-no-new-access (widened, account added)', () => checks.checkNoNewAccess(old, candidate));
  time('check-access-not-granted (PutKeyPolicy, Decrypt)', () => checks.checkAccessNotGranted(candidate, ['kms:PutKeyPolicy', 'kms:Decrypt']));
  time('check-no-public-access', () => checks.checkNoPublicAccess(candidate));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
