// Creates, in the embedded engine, the setup the advisor recommends: a KMS key; a simulated
// CloudHSM cluster with two HSMs, a custom key store on it and a key inside; or a bare cluster.
import { CreateClusterCommand, CreateHsmCommand, DescribeClustersCommand, InitializeClusterCommand } from '@aws-sdk/client-cloudhsm-v2';
import { ConnectCustomKeyStoreCommand, CreateCustomKeyStoreCommand, CreateKeyCommand, DescribeCustomKeyStoresCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyServiceOption } from '../../../server/src/core/advisor/advisorQuestions';
import type { StudioContext } from '../studioContext';

export async function createAdvisorSetup(ctx: StudioContext, option: KeyServiceOption): Promise<string> {
  const region = (await ctx.embedded.regions())[0];
  const kms = await ctx.embedded.client(region);
  switch (option) {
    case 'kms': {
      const key = await kms.send(new CreateKeyCommand({ Description: 'Created by the KMS or CloudHSM? advisor' }));
      ctx.fireEngineChanged();
      return `Created symmetric KMS key ${key.KeyMetadata?.KeyId} in the embedded engine (${region}).`;
    }
    case 'cloudHsm': {
      const clusterId = await createCluster(ctx, region);
      ctx.fireEngineChanged();
      return `Created simulated CloudHSM cluster ${clusterId} with two HSMs in the embedded engine (${region}).`;
    }
    case 'kmsCloudHsmKeyStore': {
      const clusterId = await createCluster(ctx, region);
      const storeId = await createCloudHsmKeyStore(kms, clusterId);
      const key = await kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: storeId, Description: 'Key in a CloudHSM custom key store (advisor)' }));
      ctx.fireEngineChanged();
      return `Created cluster ${clusterId}, custom key store ${storeId} and key ${key.KeyMetadata?.KeyId} in the embedded engine (${region}).`;
    }
    case 'kmsExternalKeyStore':
      throw new Error('An external key store needs your own key manager and XKS proxy; the embedded engine cannot stand in for them. Create the store in the AWS console or CLI, then browse it in the Keys view.');
  }
}

async function createCluster(ctx: StudioContext, region: string): Promise<string> {
  const hsm = await ctx.embedded.cloudHsmClient(region);
  {
    const created = await hsm.send(new CreateClusterCommand({ HsmType: 'hsm1.medium', SubnetIds: [`subnet-0a${region.length}00000000001`, `subnet-0b${region.length}00000000002`] }));
    const clusterId = created.Cluster?.ClusterId;
    if (!clusterId) throw new Error('The engine answered CreateCluster without a cluster id.');
    for (const zone of [`${region}a`, `${region}b`]) await hsm.send(new CreateHsmCommand({ ClusterId: clusterId, AvailabilityZone: zone }));
    const described = await hsm.send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } }));
    const csr = described.Clusters?.[0]?.Certificates?.ClusterCsr;
    if (csr && described.Clusters?.[0]?.State === 'UNINITIALIZED') {
      // The simulated cluster signs with its own CA; the engine accepts its CSR back as the signed certificate.
      await hsm.send(new InitializeClusterCommand({ ClusterId: clusterId, SignedCert: csr, TrustAnchor: csr })).catch(() => undefined);
    }
    return clusterId;
  }
}

async function createCloudHsmKeyStore(kms: KMSClient, clusterId: string): Promise<string> {
  const name = `advisor-${clusterId}`;
  const created = await kms.send(
    new CreateCustomKeyStoreCommand({ CustomKeyStoreName: name, CloudHsmClusterId: clusterId, KeyStorePassword: 'kmsuser-password', TrustAnchorCertificate: '-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----' }),
  );
  const storeId = created.CustomKeyStoreId;
  if (!storeId) throw new Error('The engine answered CreateCustomKeyStore without an id.');
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
  // Connecting takes a moment in AWS and in the engine; wait for it before creating the key.
  for (let i = 0; i < 50; i++) {
    const state = (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }))).CustomKeyStores?.[0]?.ConnectionState;
    if (state === 'CONNECTED') return storeId;
    if (state === 'FAILED') throw new Error(`Custom key store ${storeId} failed to connect.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Custom key store ${storeId} did not connect within 10 seconds.`);
}
