import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Environment } from '../../../server/src/core/environment/environmentModel';
import { b64, openHarness, READER, ROOT, testEnvironment } from './engineHarness';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function seededEnvironment(): Environment {
  const base = testEnvironment();
  return {
    ...base,
    keys: [{
      keyId: KEY_ID,
      account: '111122223333',
      region: 'us-east-1',
      description: 'from the environment',
      aliases: ['alias/seeded'],
      tags: { team: 'payments' },
      keyPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
        ],
      },
      grants: [{ granteePrincipal: READER.principalArn, operations: ['GenerateDataKey'] }],
    }],
    cloudHsmClusters: [{ clusterId: 'cluster-abcdefghijk', availabilityZones: ['us-east-1a', 'us-east-1b'], kmsuserPassword: 'kmsuser-secret' }],
    customKeyStores: [{ name: 'declared-store', clusterId: 'cluster-abcdefghijk', connected: true }],
  };
}

test('environment keys, aliases, tags, policies, grants, clusters and key stores are seeded and usable', async () => {
  const h = await openHarness({ environment: seededEnvironment(), transientStateDelayMs: 0 });
  const { call } = h;
  const described = (await call('DescribeKey', { KeyId: 'alias/seeded' })).KeyMetadata;
  assert.equal(described.KeyId, KEY_ID);
  assert.equal(described.Description, 'from the environment');
  assert.deepEqual((await call('ListResourceTags', { KeyId: KEY_ID })).Tags, [{ TagKey: 'team', TagValue: 'payments' }]);
  assert.equal(JSON.parse((await call('GetKeyPolicy', { KeyId: KEY_ID })).Policy).Statement[0].Sid, 'Root');
  // The reader's IAM policy does not allow GenerateDataKey, but the seeded grant does.
  const dataKey = await call('GenerateDataKey', { KeyId: KEY_ID, KeySpec: 'AES_256' }, READER);
  assert.equal(Buffer.from(dataKey.Plaintext, 'base64').length, 32);
  const stores = (await call('DescribeCustomKeyStores', {})).CustomKeyStores;
  assert.equal(stores.length, 1);
  assert.equal(stores[0].CloudHsmClusterId, 'cluster-abcdefghijk');
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal((await call('DescribeCustomKeyStores', {})).CustomKeyStores[0].ConnectionState, 'CONNECTED');
  const { KeyMetadata } = await call('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: stores[0].CustomKeyStoreId });
  assert.ok((await call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: b64('x') })).CiphertextBlob);
  const clusters = (await h.engine.executeCloudHsm('DescribeClusters', {}, ROOT)) as { Clusters: Array<{ State: string; Hsms: unknown[] }> };
  assert.deepEqual([clusters.Clusters[0].State, clusters.Clusters[0].Hsms.length], ['ACTIVE', 2]);
  await h.engine.close();
});

test('a malformed cluster declaration is refused with the field named', async () => {
  const environment = { ...seededEnvironment(), cloudHsmClusters: [{ clusterId: 'not-a-cluster' }] };
  await assert.rejects(openHarness({ environment }), /cloudHsmClusters\[0\]\.clusterId must look like cluster-/);
});
