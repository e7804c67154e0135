// AWS profiles for the Keys view come from the shared config and credentials files, read as
// the AWS CLI reads them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, `[profile x]`).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listAwsConfigProfiles } from '../../../client/src/kms/awsConfigProfiles';
import { AwsProfileBackend } from '../../../client/src/kms/awsProfileBackend';

describe('AWS config profiles', () => {
  const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };

  before(() => {
    const folder = mkdtempSync(join(tmpdir(), 'kms-studio-aws-'));
    writeFileSync(join(folder, 'config'), '[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-west-2\nsso_session = corp\n\n[sso-session corp]\nsso_region = us-east-1\n');
    writeFileSync(join(folder, 'credentials'), '[ci]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n');
    process.env.AWS_CONFIG_FILE = join(folder, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(folder, 'credentials');
  });

  after(() => {
    for (const [name, value] of [['AWS_CONFIG_FILE', saved.config], ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('lists profiles of both files with their Regions, without sso-session sections', async () => {
    assert.deepEqual(await listAwsConfigProfiles(), [
      { name: 'ci', region: undefined },
      { name: 'default', region: 'eu-west-1' },
      { name: 'dev', region: 'us-west-2' },
    ]);
  });

  it('browses the Regions chosen for a profile, else us-east-1', async () => {
    assert.deepEqual(await new AwsProfileBackend({ profile: 'dev', regions: ['us-west-2', 'eu-central-1'] }, undefined).regions(), ['us-west-2', 'eu-central-1']);
    assert.deepEqual(await new AwsProfileBackend({ profile: 'ci' }, undefined).regions(), ['us-east-1']);
    assert.equal(new AwsProfileBackend({ profile: 'dev' }, undefined).id, 'aws:dev');
  });
});
