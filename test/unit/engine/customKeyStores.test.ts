import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opensslAvailable, signClusterCsr } from './clusterCertificates';
import { b64, openHarness, ROOT, type Harness, type Reply } from './engineHarness';

const skip = opensslAvailable() ? false : 'openssl is needed to sign the cluster CSR';

const settle = () => new Promise((resolve) => setTimeout(resolve, 15));

async function hsm(h: Harness, operation: string, input: Reply): Promise<Reply> {
  return (await h.engine.executeCloudHsm(operation, input, ROOT)) as Reply;
}

async function hsmFails(h: Harness, operation: string, input: Reply): Promise<{ errorName: string; message: string }> {
  try {
    await h.engine.executeCloudHsm(operation, input, ROOT);
  } catch (error) {
    return error as { errorName: string; message: string };
  }
  throw new Error(`${operation} was expected to fail`);
}

/** A cluster through the CloudHSM v2 lifecycle: created, initialized, with HSMs in `zones`. */
async function activeCluster(h: Harness, zones: string[]): Promise<{ clusterId: string; trustAnchor: string }> {
  const { Cluster } = await hsm(h, 'CreateCluster', { HsmType: 'hsm2m.medium', SubnetIds: ['subnet-0a1', 'subnet-0b2'] });
  assert.equal(Cluster.State, 'CREATE_IN_PROGRESS');
  assert.deepEqual(Cluster.SubnetMapping, { 'us-east-1a': 'subnet-0a1', 'us-east-1b': 'subnet-0b2' });
  await settle();
  const described = await hsm(h, 'DescribeClusters', { Filters: { clusterIds: [Cluster.ClusterId] } });
  assert.equal(described.Clusters[0].State, 'UNINITIALIZED');
  const csr = described.Clusters[0].Certificates.ClusterCsr;
  assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
  const { signedCert, trustAnchor } = signClusterCsr(csr);
  // A certificate for another key, or one the anchor did not issue, is refused.
  const stranger = signClusterCsr(csr);
  assert.equal((await hsmFails(h, 'InitializeCluster', { ClusterId: Cluster.ClusterId, SignedCert: signedCert, TrustAnchor: stranger.trustAnchor })).errorName, 'CloudHsmInvalidRequestException');
  assert.equal((await hsmFails(h, 'InitializeCluster', { ClusterId: Cluster.ClusterId, SignedCert: 'not a certificate', TrustAnchor: trustAnchor })).errorName, 'CloudHsmInvalidRequestException');
  const init = await hsm(h, 'InitializeCluster', { ClusterId: Cluster.ClusterId, SignedCert: signedCert, TrustAnchor: trustAnchor });
  assert.equal(init.State, 'INITIALIZE_IN_PROGRESS');
  for (const zone of zones) await hsm(h, 'CreateHsm', { ClusterId: Cluster.ClusterId, AvailabilityZone: zone });
  await settle();
  await hsm(h, 'DescribeClusters', {});
  return { clusterId: Cluster.ClusterId, trustAnchor };
}

test('a CloudHSM key store: cluster lifecycle, password checked on connect, keys need two AZs, Unavailable while disconnected', { skip }, async () => {
  const h = await openHarness({ transientStateDelayMs: 5 });
  const { call, fail } = h;
  const uninitialized = (await hsm(h, 'CreateCluster', { HsmType: 'hsm2m.medium', SubnetIds: ['subnet-1', 'subnet-2'] })).Cluster.ClusterId;
  await settle();
  const notActive = await fail('CreateCustomKeyStore', { CustomKeyStoreName: 'early', CloudHsmClusterId: uninitialized, TrustAnchorCertificate: 'anchor', KeyStorePassword: 'kmsuser-pass' });
  assert.equal(notActive.errorName, 'CloudHsmClusterNotActiveException');

  const { clusterId, trustAnchor: ANCHOR } = await activeCluster(h, ['us-east-1a']);
  assert.equal((await hsm(h, 'DescribeClusters', { Filters: { clusterIds: [clusterId] } })).Clusters[0].State, 'ACTIVE');
  const badAnchor = await fail('CreateCustomKeyStore', { CustomKeyStoreName: 'store', CloudHsmClusterId: clusterId, TrustAnchorCertificate: '-----BEGIN CERTIFICATE-----\nOTHER\n-----END CERTIFICATE-----', KeyStorePassword: 'kmsuser-pass' });
  assert.equal(badAnchor.errorName, 'IncorrectTrustAnchorException');
  const { CustomKeyStoreId } = await call('CreateCustomKeyStore', { CustomKeyStoreName: 'store', CloudHsmClusterId: clusterId, TrustAnchorCertificate: ANCHOR, KeyStorePassword: 'kmsuser-pass' });
  assert.match(CustomKeyStoreId, /^cks-[0-9a-f]{17}$/);
  assert.equal((await fail('CreateCustomKeyStore', { CustomKeyStoreName: 'store', CloudHsmClusterId: clusterId, TrustAnchorCertificate: ANCHOR, KeyStorePassword: 'kmsuser-pass' })).errorName, 'CustomKeyStoreNameInUseException');
  const disconnected = await fail('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId });
  assert.equal(disconnected.errorName, 'CustomKeyStoreInvalidStateException');

  // A wrong kmsuser password fails the connection with INVALID_CREDENTIALS.
  await call('UpdateCustomKeyStore', { CustomKeyStoreId, KeyStorePassword: 'wrong-password' });
  await call('ConnectCustomKeyStore', { CustomKeyStoreId });
  assert.equal((await call('DescribeCustomKeyStores', { CustomKeyStoreId })).CustomKeyStores[0].ConnectionState, 'CONNECTING');
  await settle();
  const failed = (await call('DescribeCustomKeyStores', { CustomKeyStoreId })).CustomKeyStores[0];
  assert.deepEqual([failed.ConnectionState, failed.ConnectionErrorCode], ['FAILED', 'INVALID_CREDENTIALS']);
  assert.equal((await fail('ConnectCustomKeyStore', { CustomKeyStoreId })).errorName, 'CustomKeyStoreInvalidStateException');
  await call('DisconnectCustomKeyStore', { CustomKeyStoreId });
  await call('UpdateCustomKeyStore', { CustomKeyStoreId, KeyStorePassword: 'kmsuser-pass' });
  await call('ConnectCustomKeyStore', { CustomKeyStoreId });
  await settle();
  assert.equal((await call('DescribeCustomKeyStores', { CustomKeyStoreName: 'store' })).CustomKeyStores[0].ConnectionState, 'CONNECTED');

  // One active HSM is not enough to create a key: two, in different Availability Zones.
  const oneZone = await fail('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId });
  assert.equal(oneZone.errorName, 'CloudHsmClusterInvalidConfigurationException');
  await hsm(h, 'CreateHsm', { ClusterId: clusterId, AvailabilityZone: 'us-east-1b' });
  await settle();
  const { KeyMetadata: key } = await call('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId });
  assert.deepEqual([key.Origin, key.CustomKeyStoreId, key.CloudHsmClusterId, key.KeyState], ['AWS_CLOUDHSM', CustomKeyStoreId, clusterId, 'Enabled']);
  assert.equal((await fail('CreateKey', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })).errorName, 'UnsupportedOperationException');
  const enc = await call('Encrypt', { KeyId: key.KeyId, Plaintext: b64('in the hsm') });
  assert.equal(Buffer.from((await call('Decrypt', { CiphertextBlob: enc.CiphertextBlob })).Plaintext, 'base64').toString(), 'in the hsm');
  assert.equal((await fail('EnableKeyRotation', { KeyId: key.KeyId })).errorName, 'UnsupportedOperationException');
  assert.equal((await fail('GetParametersForImport', { KeyId: key.KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' })).errorName, 'UnsupportedOperationException');
  assert.equal((await call('GetKeyRotationStatus', { KeyId: key.KeyId })).KeyRotationEnabled, false);

  // Disconnected: the key is Unavailable and refuses cryptography.
  await call('DisconnectCustomKeyStore', { CustomKeyStoreId });
  assert.equal((await call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata.KeyState, 'Unavailable');
  const unavailable = await fail('Decrypt', { CiphertextBlob: enc.CiphertextBlob });
  assert.deepEqual([unavailable.errorName, unavailable.message], ['KMSInvalidStateException', `${key.Arn} is unavailable.`]);
  // KMS rotated the kmsuser password at the first connection, so reconnecting still works.
  await call('ConnectCustomKeyStore', { CustomKeyStoreId });
  await settle();
  assert.equal((await call('DescribeKey', { KeyId: key.KeyId })).KeyMetadata.KeyState, 'Enabled');
  // A store with keys, or one still connected, cannot be deleted.
  assert.equal((await fail('DeleteCustomKeyStore', { CustomKeyStoreId })).errorName, 'CustomKeyStoreInvalidStateException');
  await call('DisconnectCustomKeyStore', { CustomKeyStoreId });
  assert.equal((await fail('DeleteCustomKeyStore', { CustomKeyStoreId })).errorName, 'CustomKeyStoreHasCMKsException');
  await h.engine.close();
});

test('CloudHSM v2 operations validate their input and tear down in order', async () => {
  const h = await openHarness({ transientStateDelayMs: 1 });
  const { Cluster } = await hsm(h, 'CreateCluster', { HsmType: 'hsm1.medium', SubnetIds: ['subnet-aa'] });
  assert.match(Cluster.ClusterId, /^cluster-[a-z2-7]{11}$/);
  assert.equal((await hsmFails(h, 'CreateHsm', { ClusterId: Cluster.ClusterId, AvailabilityZone: 'us-east-1c' })).errorName, 'CloudHsmInvalidRequestException');
  assert.equal((await hsm(h, 'DescribeClusters', {})).Clusters.length, 1);
  await settle();
  const { Hsm } = await hsm(h, 'CreateHsm', { ClusterId: Cluster.ClusterId, AvailabilityZone: 'us-east-1a' });
  assert.match(Hsm.HsmId, /^hsm-[a-z2-7]{11}$/);
  assert.equal((await hsmFails(h, 'DeleteCluster', { ClusterId: Cluster.ClusterId })).errorName, 'CloudHsmInvalidRequestException');
  await settle();
  assert.deepEqual(await hsm(h, 'DeleteHsm', { ClusterId: Cluster.ClusterId, HsmId: Hsm.HsmId }), { HsmId: Hsm.HsmId });
  await settle();
  assert.equal((await hsm(h, 'DeleteCluster', { ClusterId: Cluster.ClusterId })).Cluster.State, 'DELETE_IN_PROGRESS');
  await settle();
  assert.deepEqual((await hsm(h, 'DescribeClusters', {})).Clusters, []);
  assert.equal((await hsmFails(h, 'InitializeCluster', { ClusterId: Cluster.ClusterId, SignedCert: 'x', TrustAnchor: 'y' })).errorName, 'CloudHsmResourceNotFoundException');
  assert.equal((await h.engine.executeCloudHsm('Bogus', {}, ROOT).catch((e) => e)).errorName, 'UnknownOperationException');
  await h.engine.close();
});

test('CloudHSM operations are authorized by the caller IAM policies', async () => {
  const h = await openHarness({ transientStateDelayMs: 1 });
  const nobody = { principalArn: 'arn:aws:iam::111122223333:user/nobody', accountId: '111122223333', accessKeyId: 'nobody', region: 'us-east-1' };
  const denied = await h.engine.executeCloudHsm('DescribeClusters', {}, nobody).catch((e) => e);
  assert.equal(denied.errorName, 'CloudHsmAccessDeniedException');
  assert.equal(denied.message, 'User: arn:aws:iam::111122223333:user/nobody is not authorized to perform: cloudhsm:DescribeClusters on resource: * because no identity-based policy allows the cloudhsm:DescribeClusters action');
  assert.deepEqual((await hsm(h, 'DescribeClusters', {})).Clusters, []);
  await h.engine.close();
});
