// The one ARN module: "arn:partition:service:region:account-id:resource" (IAM User Guide, "IAM identifiers").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountIdOf, accountOfArn, accountOfPrincipal, isPrincipalName, parseArn, regionOfArn } from '../../../server/src/core/arn/awsArn';

describe('ARNs', () => {
  it('takes an ARN apart, keeping colons inside the resource', () => {
    assert.deepEqual(parseArn('arn:aws:kms:us-east-1:111122223333:alias/a:b'), { partition: 'aws', service: 'kms', region: 'us-east-1', account: '111122223333', resource: 'alias/a:b' });
    assert.equal(parseArn('alias/app'), undefined);
    assert.equal(parseArn('arn:aws:kms'), undefined);
  });
  it('account and Region of an ARN', () => {
    assert.equal(accountOfArn('arn:aws:iam::111122223333:role/App'), '111122223333');
    assert.equal(accountOfArn('arn:aws:s3:::bucket'), undefined);
    assert.equal(regionOfArn('arn:aws-cn:kms:cn-north-1:111122223333:key/k'), 'cn-north-1');
    assert.equal(accountOfPrincipal('arn:aws:sts::111122223333:assumed-role/App/s'), '111122223333');
    assert.equal(accountOfPrincipal('arn:aws:kms:us-east-1:111122223333:key/k'), undefined);
  });
  it('an account written either way ListGrants and key policies write it', () => {
    assert.equal(accountIdOf('111122223333'), '111122223333');
    assert.equal(accountIdOf('arn:aws:iam::111122223333:root'), '111122223333');
    assert.equal(accountIdOf('arn:aws:iam::111122223333:user/root'), undefined);
  });
  it('principal names: IAM and STS ARNs and service principals', () => {
    for (const ok of ['arn:aws:iam::111122223333:root', 'arn:aws:sts::111122223333:assumed-role/App/s', 'logs.us-east-1.amazonaws.com']) assert.equal(isPrincipalName(ok), true, ok);
    for (const bad of ['not an arn', 'alice', 'arn:aws:kms:us-east-1:111122223333:key/k', '111122223333']) assert.equal(isPrincipalName(bad), false, bad);
  });
});
