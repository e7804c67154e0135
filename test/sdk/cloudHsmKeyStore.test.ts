// Simulated CloudHSM clusters through @aws-sdk/client-cloudhsm-v2 and a CloudHSM key store
// through @aws-sdk/client-kms, in process and over HTTP: create and initialize a cluster (its
// CSR signed by our own CA with openssl, as a CloudHSM user does), add HSMs in two zones,
// connect a key store, use a key in it, disconnect, and delete HSMs and a cluster.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateClusterCommand,
  CreateHsmCommand,
  DeleteClusterCommand,
  DeleteHsmCommand,
  DescribeClustersCommand,
  InitializeClusterCommand,
  type CloudHSMV2Client,
} from '@aws-sdk/client-cloudhsm-v2';
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  ScheduleKeyDeletionCommand,
  UpdateCustomKeyStoreCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { eventually, expectKmsError, httpTransport, inProcessTransport, scratchDir, type KmsTransport } from './support/kmsTransports';

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const opensslMissing = openssl.error || openssl.status !== 0 ? 'openssl is needed to sign the cluster CSR and is not installed' : undefined;
const te = new TextEncoder();

/** Our own CA signs the cluster's CSR, as a CloudHSM user does before InitializeCluster. */
function signCsr(csrPem: string): { signedCert: string; trustAnchor: string } {
  const dir = scratchDir('kms-cluster-ca-');
  try {
    const run = (...args: string[]) => {
      const result = spawnSync('openssl', args, { cwd: dir.path, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
    };
    dir.file('cluster.csr', csrPem);
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=Test CloudHSM CA');
    run('x509', '-req', '-in', 'cluster.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cluster.crt', '-days', '30');
    return { signedCert: readFileSync(join(dir.path, 'cluster.crt'), 'utf8'), trustAnchor: readFileSync(join(dir.path, 'ca.crt'), 'utf8') };
  } finally {
    dir.remove();
  }
}

async function clusterState(hsm: CloudHSMV2Client, clusterId: string) {
  const { Clusters } = await hsm.send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } }));
  return Clusters?.[0];
}

for (const open of [inProcessTransport, httpTransport]) {
  describe(`CloudHSM clusters and key stores (${open === inProcessTransport ? 'in process' : 'over HTTP'})`, () => {
    let transport: KmsTransport;
    let hsm: CloudHSMV2Client;
    let kms: KMSClient;

    before(async () => {
      if (opensslMissing) return;
      transport = await open();
      hsm = transport.hsm();
      kms = transport.kms();
    });
    after(() => transport?.close());

    it('runs a key in a CloudHSM key store from cluster creation to disconnection', { skip: opensslMissing ?? false }, async () => {
      const created = await hsm.send(new CreateClusterCommand({ HsmType: 'hsm2m.medium', SubnetIds: ['subnet-0aa11', 'subnet-0bb22'] }));
      const clusterId = created.Cluster!.ClusterId!;
      assert.match(clusterId, /^cluster-[a-z2-7]{11}$/);
      assert.equal(created.Cluster!.State, 'CREATE_IN_PROGRESS');
      const uninitialized = await eventually('the cluster to be UNINITIALIZED', async () => {
        const c = await clusterState(hsm, clusterId);
        return c?.State === 'UNINITIALIZED' ? c : undefined;
      });
      const csr = uninitialized.Certificates?.ClusterCsr;
      assert.match(csr ?? '', /-----BEGIN CERTIFICATE REQUEST-----/);

      // A certificate from another CA is refused; ours is accepted.
      const stranger = signCsr(csr!);
      const ours = signCsr(csr!);
      await expectKmsError(
        hsm.send(new InitializeClusterCommand({ ClusterId: clusterId, SignedCert: ours.signedCert, TrustAnchor: stranger.trustAnchor })),
        'CloudHsmInvalidRequestException',
      );
      await hsm.send(new InitializeClusterCommand({ ClusterId: clusterId, SignedCert: ours.signedCert, TrustAnchor: ours.trustAnchor }));

      const region = await transport.kms().config.region();
      const first = await hsm.send(new CreateHsmCommand({ ClusterId: clusterId, AvailabilityZone: `${region}a` }));
      assert.equal(first.Hsm?.State, 'CREATE_IN_PROGRESS');
      await hsm.send(new CreateHsmCommand({ ClusterId: clusterId, AvailabilityZone: `${region}b` }));
      const active = await eventually('the cluster to be ACTIVE with two active HSMs', async () => {
        const c = await clusterState(hsm, clusterId);
        return c?.State === 'ACTIVE' && c.Hsms?.length === 2 && c.Hsms.every((h) => h.State === 'ACTIVE') ? c : undefined;
      });
      assert.deepEqual(active.Hsms!.map((h) => h.AvailabilityZone).sort(), [`${region}a`, `${region}b`]);

      const store = await kms.send(new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: `store-${clusterId}`,
        CloudHsmClusterId: clusterId,
        TrustAnchorCertificate: ours.trustAnchor,
        KeyStorePassword: 'kmsuser-password-1',
      }));
      const storeId = store.CustomKeyStoreId!;
      assert.match(storeId, /^cks-[0-9a-f]{17}$/);
      await expectKmsError(
        kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: storeId })),
        'CustomKeyStoreInvalidStateException',
      );
      await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
      await eventually('the key store to connect', async () => {
        const { CustomKeyStores } = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }));
        return CustomKeyStores?.[0]?.ConnectionState === 'CONNECTED' ? true : undefined;
      });

      const key = await kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: storeId, Description: 'in the HSM' }));
      assert.equal(key.KeyMetadata?.Origin, 'AWS_CLOUDHSM');
      assert.equal(key.KeyMetadata?.CustomKeyStoreId, storeId);
      assert.equal(key.KeyMetadata?.CloudHsmClusterId, clusterId);
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId, Plaintext: te.encode('held by the cluster') }));
      assert.equal(new TextDecoder().decode((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext), 'held by the cluster');

      await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
      await eventually('the key to become Unavailable', async () => {
        const d = await kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata!.KeyId }));
        return d.KeyMetadata?.KeyState === 'Unavailable' ? true : undefined;
      });
      await expectKmsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'KMSInvalidStateException');

      // A disconnected store can be renamed; it cannot be deleted while it holds keys.
      await kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: storeId, NewCustomKeyStoreName: `renamed-${clusterId}` }));
      const { CustomKeyStores } = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }));
      assert.equal(CustomKeyStores?.[0]?.CustomKeyStoreName, `renamed-${clusterId}`);
      await expectKmsError(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: storeId })), 'CustomKeyStoreHasCMKsException');
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId, PendingWindowInDays: 7 }));
      await transport.advanceClock(8 * 86_400_000);
      await eventually('the key in the store to be deleted', async () => {
        try {
          await kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata!.KeyId }));
          return undefined;
        } catch (error) {
          return (error as Error).name === 'NotFoundException' ? true : undefined;
        }
      });
      await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
      await expectKmsError(kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId })), 'CustomKeyStoreNotFoundException');
    });

    it('deletes HSMs and then the cluster', { skip: opensslMissing ?? false }, async () => {
      const { Cluster } = await hsm.send(new CreateClusterCommand({ HsmType: 'hsm1.medium', SubnetIds: ['subnet-0cc33'] }));
      const clusterId = Cluster!.ClusterId!;
      await eventually('the cluster to be UNINITIALIZED', async () => ((await clusterState(hsm, clusterId))?.State === 'UNINITIALIZED' ? true : undefined));
      const region = await transport.kms().config.region();
      const { Hsm } = await hsm.send(new CreateHsmCommand({ ClusterId: clusterId, AvailabilityZone: `${region}a` }));
      await expectKmsError(hsm.send(new DeleteClusterCommand({ ClusterId: clusterId })), 'CloudHsmInvalidRequestException');
      await hsm.send(new DeleteHsmCommand({ ClusterId: clusterId, HsmId: Hsm!.HsmId }));
      await eventually('the HSM to be gone', async () => ((await clusterState(hsm, clusterId))?.Hsms?.length === 0 ? true : undefined));
      await hsm.send(new DeleteClusterCommand({ ClusterId: clusterId }));
      await eventually('the cluster to be gone', async () => ((await clusterState(hsm, clusterId)) === undefined ? true : undefined));
      await expectKmsError(hsm.send(new DeleteClusterCommand({ ClusterId: clusterId })), 'CloudHsmResourceNotFoundException');
    });
  });
}
