// One truth about access: for random environments (principals with tags, two organizations,
// role sessions, boundaries, session policies, SCPs, RCPs, grants, tagged and aliased keys) and
// random requests, what the engine answers over the wire (SigV4-signed requests from
// @aws-sdk/client-kms through the same wire handler `serve` uses) is what `simulate` decides for
// the same request from the same environment. The generator is seeded, so a failure names the
// seed and case that reproduce it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DescribeKeyCommand,
  EncryptCommand,
  DecryptCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  KMSServiceException,
  ListResourceTagsCommand,
  ReEncryptCommand,
  CreateGrantCommand,
} from '@aws-sdk/client-kms';
import { simulateAccess } from '../../server/src/core/access/simulateAccess';
import type { PolicyDocument } from '../../server/src/core/access/scenario';
import { openKmsEngine } from '../../server/src/core/engine/openKmsEngine';
import type { Environment, EnvironmentKey, EnvironmentPrincipal } from '../../server/src/core/environment/environmentModel';
import { buildScenarioFromEnvironment } from '../../server/src/core/environment/scenarioBuilder';
import { InProcessRequestHandler } from './support/inProcessRequestHandler';

const A = '111122223333';
const B = '444455556666';
const C = '777788889999';
const ORG = 'o-aaaa1111';
const OTHER_ORG = 'o-bbbb2222';
/** Encrypts for the Decrypt and ReEncrypt cases; the engine lets it through without a decision. */
const SEEDER = `arn:aws:iam::${C}:user/seeder`;

const ENVIRONMENTS = Number(process.env.PROPERTY_ENVIRONMENTS ?? 250);
const REQUESTS_PER_ENVIRONMENT = 20;
const SEED = Number(process.env.PROPERTY_SEED ?? 20261206);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const some = <T>(r: Random, items: readonly T[], p = 0.3): T[] => items.filter(() => r() < p);

const ROLE_APP = `arn:aws:iam::${A}:role/App`;
const SESSION = `arn:aws:sts::${A}:assumed-role/App/worker`;
const ALICE = `arn:aws:iam::${A}:user/alice`;
const BOB = `arn:aws:iam::${B}:user/bob`;
const ROOT_A = `arn:aws:iam::${A}:root`;
const ROOT_B = `arn:aws:iam::${B}:root`;
const CALLERS = [ROOT_A, ROLE_APP, SESSION, ALICE, BOB, ROOT_B];

const ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:ReEncrypt*', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'kms:CreateGrant', 'kms:*'];

/** Conditions over every fact the caller's and the key's context hold. */
function randomCondition(r: Random): Record<string, unknown> | undefined {
  const options: (Record<string, unknown> | undefined)[] = [
    undefined,
    undefined,
    { StringEquals: { 'aws:PrincipalTag/team': pick(r, ['billing', 'ops']) } },
    { StringEquals: { 'kms:EncryptionContext:team': '${aws:PrincipalTag/team}' } },
    { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
    { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } },
    { StringEquals: { 'aws:ResourceTag/env': pick(r, ['prod', 'dev']) } },
    { StringEquals: { 'aws:PrincipalTag/quarantine': 'true' } },
    { StringEquals: { 'kms:CallerAccount': pick(r, [A, B]) } },
    { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/*` } },
    { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-root1/*` } },
    { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/app' } },
    { StringEquals: { 'kms:RequestAlias': 'alias/app' } },
    { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['team', 'app'] } },
    { Null: { 'kms:EncryptionContext:team': pick(r, ['true', 'false']) } },
    { Bool: { 'aws:SecureTransport': 'false' } },
    { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } },
  ];
  return pick(r, options);
}

function randomStatement(r: Random, kind: 'resource' | 'identity', effect: 'Allow' | 'Deny'): Record<string, unknown> {
  const actions = some(r, ACTIONS, 0.35);
  const statement: Record<string, unknown> = { Effect: effect, Action: actions.length ? actions : pick(r, ACTIONS), Resource: '*' };
  if (kind === 'resource') {
    statement.Principal = pick<unknown>(r, [
      { AWS: ROOT_A },
      { AWS: ROOT_A },
      { AWS: ROOT_B },
      { AWS: B },
      { AWS: ROLE_APP },
      { AWS: ALICE },
      { AWS: SESSION },
      { AWS: [ROLE_APP, BOB] },
      '*',
    ]);
  }
  const condition = randomCondition(r);
  if (condition) statement.Condition = condition;
  return statement;
}

function randomPolicy(r: Random, kind: 'resource' | 'identity', size: number, denyRate = 0.2): PolicyDocument {
  const statements = Array.from({ length: size }, () => randomStatement(r, kind, r() < denyRate ? 'Deny' : 'Allow'));
  return { Version: '2012-10-17', Statement: statements } as PolicyDocument;
}

const ALLOW_ALL: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } as PolicyDocument;

function orgLevels(r: Random, ids: readonly string[]) {
  return ids.map((orgIdentifier) => ({
    orgIdentifier,
    policies: r() < 0.3 ? [ALLOW_ALL, randomPolicy(r, 'identity', 1, 1)] : [ALLOW_ALL],
  }));
}

function randomTags(r: Random): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  if (r() < 0.7) tags.team = pick(r, ['billing', 'ops']);
  if (r() < 0.2) tags.quarantine = 'true';
  return Object.keys(tags).length ? tags : undefined;
}

function principal(arn: string, r: Random, extra: Partial<EnvironmentPrincipal> = {}): EnvironmentPrincipal {
  return {
    arn,
    identityPolicies: [randomPolicy(r, 'identity', 1 + Math.floor(r() * 3))],
    permissionBoundary: r() < 0.2 ? randomPolicy(r, 'identity', 2, 0) : null,
    tags: randomTags(r),
    accessKeys: [{ accessKeyId: keyIdFor(arn), secretAccessKey: 'secret' }],
    ...extra,
  };
}

function keyIdFor(arn: string): string {
  return `AKIA${Buffer.from(arn).toString('hex').slice(-16).toUpperCase()}`;
}

function randomEnvironment(r: Random): Environment {
  const bInOrg = r() < 0.5;
  const keys: EnvironmentKey[] = [0, 1].map((i) => {
    const policy = randomPolicy(r, 'resource', 2 + Math.floor(r() * 3)) as { Statement: Record<string, unknown>[] };
    policy.Statement.push({ Sid: 'Seeder', Effect: 'Allow', Principal: { AWS: SEEDER }, Action: 'kms:Encrypt', Resource: '*' });
    const grants = r() < 0.4
      ? [{
          granteePrincipal: pick(r, [ROLE_APP, ALICE, BOB, ROOT_B]),
          operations: some(r, ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'], 0.5),
          constraints: r() < 0.4 ? { encryptionContextSubset: { team: pick(r, ['billing', 'ops']) } } : null,
        }].filter((g) => g.operations.length)
      : [];
    return {
      keyId: `1234abcd-12ab-34cd-56ef-12345678900${i}`,
      account: A,
      region: 'us-east-1',
      keyPolicy: policy as PolicyDocument,
      aliases: i === 0 ? ['alias/app'] : [],
      tags: r() < 0.6 ? { env: pick(r, ['prod', 'dev']) } : undefined,
      grants,
    };
  });
  return {
    partition: 'aws',
    defaultRegion: 'us-east-1',
    accounts: [
      { id: A, organizationId: ORG, serviceControlPolicies: orgLevels(r, ['r-root1', 'ou-app1']), resourceControlPolicies: orgLevels(r, ['r-root1']) },
      bInOrg
        ? { id: B, organizationId: pick(r, [ORG, OTHER_ORG]), serviceControlPolicies: orgLevels(r, ['r-root2']), resourceControlPolicies: [] }
        : { id: B, serviceControlPolicies: [], resourceControlPolicies: [] },
      { id: C, serviceControlPolicies: [], resourceControlPolicies: [] },
    ],
    principals: [
      { arn: ROOT_A, identityPolicies: [], accessKeys: [{ accessKeyId: keyIdFor(ROOT_A), secretAccessKey: 'secret' }] },
      { arn: ROOT_B, identityPolicies: [], accessKeys: [{ accessKeyId: keyIdFor(ROOT_B), secretAccessKey: 'secret' }] },
      principal(ROLE_APP, r),
      { arn: SESSION, identityPolicies: [], sessionPolicy: r() < 0.5 ? randomPolicy(r, 'identity', 2, 0.1) : null, tags: r() < 0.3 ? { team: 'ops' } : undefined, accessKeys: [{ accessKeyId: keyIdFor(SESSION), secretAccessKey: 'secret' }] },
      principal(ALICE, r),
      principal(BOB, r),
      { arn: SEEDER, identityPolicies: [ALLOW_ALL], accessKeys: [{ accessKeyId: keyIdFor(SEEDER), secretAccessKey: 'secret' }] },
    ],
    keys,
  };
}

interface Case {
  readonly principal: string;
  readonly operation: string;
  readonly keyRef: string;
  readonly encryptionContext?: Record<string, string>;
}

function randomCase(r: Random): Case {
  const principalArn = pick(r, CALLERS);
  const keyArn = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-12345678900${pick(r, [0, 1])}`;
  const inAccountA = principalArn.includes(`::${A}:`);
  const keyRef = inAccountA && r() < 0.3 ? (keyArn.endsWith('0') ? 'alias/app' : keyArn.split('/')[1]!) : r() < 0.2 ? `arn:aws:kms:us-east-1:${A}:alias/app` : keyArn;
  const operation = pick(r, ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'ReEncrypt', 'GetKeyRotationStatus', 'ListResourceTags', 'CreateGrant']);
  // Only the cryptographic operations carry an encryption context.
  const takesContext = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'ReEncrypt'].includes(operation);
  const encryptionContext = takesContext && r() < 0.6 ? { team: pick(r, ['billing', 'ops']), ...(r() < 0.3 ? { app: 'x' } : {}) } : undefined;
  return { principal: principalArn, operation, keyRef, encryptionContext };
}

/** What the engine answered: the error name (null for success) and its message. */
async function engineAnswer(client: KMSClient, c: Case, ciphertext: Uint8Array | undefined): Promise<{ error: string | null; message?: string }> {
  const EncryptionContext = c.encryptionContext;
  try {
    switch (c.operation) {
      case 'Encrypt': await client.send(new EncryptCommand({ KeyId: c.keyRef, Plaintext: new Uint8Array([1]), EncryptionContext })); break;
      case 'Decrypt': await client.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext })); break;
      case 'ReEncrypt': await client.send(new ReEncryptCommand({ CiphertextBlob: ciphertext, SourceEncryptionContext: EncryptionContext, DestinationKeyId: c.keyRef, DestinationEncryptionContext: EncryptionContext })); break;
      case 'GenerateDataKey': await client.send(new GenerateDataKeyCommand({ KeyId: c.keyRef, KeySpec: 'AES_256', EncryptionContext })); break;
      case 'DescribeKey': await client.send(new DescribeKeyCommand({ KeyId: c.keyRef })); break;
      case 'GetKeyRotationStatus': await client.send(new GetKeyRotationStatusCommand({ KeyId: c.keyRef })); break;
      case 'ListResourceTags': await client.send(new ListResourceTagsCommand({ KeyId: c.keyRef })); break;
      // DryRun: a grant made here would change the engine's state away from the environment simulate reads.
      case 'CreateGrant': await client.send(new CreateGrantCommand({ KeyId: c.keyRef, GranteePrincipal: ALICE, Operations: ['Decrypt'], DryRun: true })); break;
      default: throw new Error(c.operation);
    }
    return { error: null };
  } catch (error) {
    // "DryRunOperationException: The request would have succeeded."
    if (error instanceof KMSServiceException && error.name === 'DryRunOperationException') return { error: null };
    if (error instanceof KMSServiceException) return { error: error.name, message: error.message };
    throw error;
  }
}

/** What `simulate` decides for the same request, from the same environment (as the CLI builds it). */
function simulated(environment: Environment, c: Case, action: string): { error: string | null; message?: string; decision: string } {
  const built = buildScenarioFromEnvironment(environment, {
    principalArn: c.principal,
    action,
    keyRef: c.keyRef,
    encryptionContext: c.encryptionContext,
    // The wire is plain HTTP on loopback: the engine says so, and so does the request here.
    context: { 'aws:SecureTransport': false },
    ...(c.operation === 'CreateGrant' ? { grant: { granteePrincipal: ALICE, operations: ['Decrypt'] } } : {}),
  });
  if (!built.ok) return { error: built.error, message: built.message, decision: 'NotApplicable' };
  const scenario = c.operation === 'Decrypt' || (c.operation === 'ReEncrypt' && action === 'kms:ReEncryptFrom')
    ? { ...built.scenario, request: { ...built.scenario.request, keyFromCiphertext: true, keyIdAsGiven: undefined } }
    : built.scenario;
  const result = simulateAccess(scenario);
  return { error: result.error, message: result.errorMessage ?? undefined, decision: result.decision };
}

function simulatedCase(environment: Environment, c: Case): { error: string | null; message?: string; decision: string } {
  if (c.operation === 'ReEncrypt') {
    // ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on the destination.
    const from = simulated(environment, { ...c, keyRef: c.keyRef }, 'kms:ReEncryptFrom');
    if (from.error) return from;
    return simulated(environment, c, 'kms:ReEncryptTo');
  }
  return simulated(environment, c, `kms:${c.operation}`);
}

test(`the engine over the wire and simulate decide alike on ${ENVIRONMENTS * REQUESTS_PER_ENVIRONMENT} random requests (seed ${SEED})`, async () => {
  const r = rng(SEED);
  const tally = { cases: 0, allowed: 0, denied: 0, otherErrors: 0 };
  const disagreements: string[] = [];
  for (let e = 0; e < ENVIRONMENTS; e++) {
    const environment = randomEnvironment(r);
    const engine = await openKmsEngine({
      environment,
      transientStateDelayMs: 0,
      // The seeder only makes ciphertexts for the Decrypt cases; every other caller is decided as served.
      decideAccess: (scenario) => (scenario.request.principal === SEEDER ? { authorized: true, errorMessage: null } : simulateAccess(scenario)),
    });
    const handler = new InProcessRequestHandler(engine);
    const clientOf = (arn: string) =>
      new KMSClient({ region: 'us-east-1', maxAttempts: 1, requestHandler: handler, credentials: { accessKeyId: keyIdFor(arn), secretAccessKey: 'secret' } });
    const seeder = clientOf(SEEDER);
    try {
      for (let i = 0; i < REQUESTS_PER_ENVIRONMENT; i++) {
        const c = randomCase(r);
        let ciphertext: Uint8Array | undefined;
        let sourceCase = c;
        if (c.operation === 'Decrypt' || c.operation === 'ReEncrypt') {
          // The ciphertext names the key; its ARN is what simulate decides against.
          const keyArn = c.keyRef.startsWith(`arn:aws:kms:us-east-1:${A}:key/`) ? c.keyRef : `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-123456789000`;
          ciphertext = (await seeder.send(new EncryptCommand({ KeyId: keyArn, Plaintext: new Uint8Array([7]), EncryptionContext: c.encryptionContext }))).CiphertextBlob;
          sourceCase = { ...c, keyRef: keyArn };
        }
        const client = clientOf(c.principal);
        const got = await engineAnswer(client, sourceCase, ciphertext);
        client.destroy();
        const want = c.operation === 'ReEncrypt' ? simulatedCase(environment, sourceCase) : simulatedCase(environment, sourceCase);
        tally.cases++;
        if (got.error === null) tally.allowed++;
        else if (got.error === 'AccessDeniedException') tally.denied++;
        else tally.otherErrors++;
        const same = got.error === want.error && (got.error !== 'AccessDeniedException' || c.operation === 'Decrypt' || c.operation === 'ReEncrypt' || got.message === want.message);
        if (!same && disagreements.length < 5) {
          disagreements.push(
            `seed ${SEED}, environment ${e}, request ${i}: ${c.principal} ${c.operation} ${sourceCase.keyRef} ${JSON.stringify(c.encryptionContext)}\n` +
              `  engine:   ${got.error ?? 'success'} ${got.message ?? ''}\n  simulate: ${want.decision} ${want.error ?? ''} ${want.message ?? ''}` +
              (disagreements.length ? '' : `\n  environment: ${JSON.stringify(environment)}`),
          );
        }
      }
    } finally {
      seeder.destroy();
      await engine.close();
    }
  }
  console.log(`engine vs simulate: ${tally.cases} random requests over ${ENVIRONMENTS} environments: ${tally.allowed} allowed, ${tally.denied} AccessDenied, ${tally.otherErrors} other errors; ${disagreements.length ? 'DISAGREEMENTS' : 'no disagreement'}`);
  assert.deepEqual(disagreements, []);
  // The generator must exercise both outcomes, or the property says nothing.
  assert.ok(tally.allowed > tally.cases / 10 && tally.denied > tally.cases / 10, JSON.stringify(tally));
});
