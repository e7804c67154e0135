// Checks that need the environment: identity policies whose Allow cannot work because the
// key policy does not delegate to the account, and multi-Region keys' separate policies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { documentRoleInEnvironment } from '../../../server/src/core/analysis/environment/environmentDocumentRole';
import { createKeyPolicyLanguageService } from '../../../server/src/core/analysis/keyPolicyLanguageService';
import { loadEnvironment } from '../../../server/src/core/environment/environmentLoader';

const dir = join(import.meta.dirname, '../../fixtures/environments/workspace');
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const environment = loadEnvironment(read('kms-environment.json'), { readFile: read });
const service = createKeyPolicyLanguageService();

function identityFindings(file: string) {
  const role = documentRoleInEnvironment(environment, file);
  assert.equal(role?.kind, 'identityPolicy');
  const text = read(file);
  return { text, findings: service.doIdentityPolicyValidation(service.parse(text), environment, role!.kind === 'identityPolicy' ? role!.principalAccounts : []) };
}

function keyPolicyFindings(file: string) {
  const role = documentRoleInEnvironment(environment, `./${file}`);
  assert.equal(role?.kind, 'keyPolicy');
  const key = role!.kind === 'keyPolicy' ? role!.key : undefined;
  return service.doValidation(service.parse(read(file)), { keyAccount: key!.account, environment, environmentKey: key });
}

describe('identity policies against the environment', () => {
  it('warns when the key policy does not delegate to the account', () => {
    const { text, findings } = identityFindings('identity-policies/reporting-decrypt.json');
    assert.deepEqual(findings.map((f) => f.code), ['KMS_IDENTITY_ALLOW_INEFFECTIVE']);
    assert.equal(text.slice(findings[0]!.range.start, findings[0]!.range.end), '"arn:aws:kms:us-east-1:111122223333:key/2222bbbb-22bb-22bb-22bb-222222222222"');
    assert.match(findings[0]!.message, /^This Allow has no effect on alias\/reports: its key policy does not allow 111122223333 \(arn:aws:iam::111122223333:root\), so IAM policies cannot grant access to it/);
  });
  it('stays quiet when the key delegates, or when "*" reaches a key that does', () => {
    assert.deepEqual(identityFindings('identity-policies/app-decrypt.json').findings, []);
  });
  it('finds nothing for files the environment does not name', () => {
    assert.equal(documentRoleInEnvironment(environment, 'identity-policies/unknown.json'), undefined);
  });
});

describe('multi-Region key policies', () => {
  it('says the policy is not shared, which permissions differ, and that UpdatePrimaryRegion is one-sided', () => {
    const findings = keyPolicyFindings('mrk-primary-key-policy.json');
    const notShared = findings.find((f) => f.code === 'KMS_MULTI_REGION_POLICY_NOT_SHARED')!;
    assert.equal(
      notShared.message,
      'This policy applies only to mrk-1234abcd12ab34cd56ef1234567890ab in us-east-1; the related multi-Region keys in eu-west-1 have their own key policies, which KMS never synchronizes. Permissions differ: arn:aws:iam::111122223333:role/Failover: kms:UpdatePrimaryRegion only here.',
    );
    const oneSided = findings.find((f) => f.code === 'KMS_UPDATE_PRIMARY_REGION_ONE_SIDED')!;
    assert.equal(oneSided.severity, 'warning');
    assert.match(oneSided.message, /arn:aws:iam::111122223333:role\/Failover is allowed kms:UpdatePrimaryRegion here but not in eu-west-1/);
  });
  it('reports the same from the replica side', () => {
    const codes = keyPolicyFindings('mrk-replica-key-policy.json').map((f) => f.code);
    assert.ok(codes.includes('KMS_MULTI_REGION_POLICY_NOT_SHARED') && codes.includes('KMS_UPDATE_PRIMARY_REGION_ONE_SIDED'));
  });
  it('has nothing to say for single-Region keys', () => {
    const codes = keyPolicyFindings('app-key-policy.json').map((f) => f.code);
    assert.deepEqual(codes, []);
  });
  it('uses the key\'s account from the environment', () => {
    const codes = keyPolicyFindings('reports-key-policy.json').map((f) => f.code);
    assert.ok(codes.includes('KMS_NO_ACCOUNT_ROOT_STATEMENT'));
  });
});
