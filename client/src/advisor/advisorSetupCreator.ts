// Creates, in the embedded engine, the setup the advisor recommends: a KMS key; a simulated
// CloudHSM cluster with two HSMs, a custom key store on it and a key inside; or a bare cluster.
import { CreateClusterCommand, CreateHsmCommand, DescribeClustersCommand, InitializeClusterCommand } from '@aws-sdk/client-cloudhsm-v2';
import { ConnectCustomKeyStoreCommand, CreateCustomKeyStoreCommand, CreateKeyCommand, DescribeCustomKeyStoresCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyServiceOption } from '../../../server/src/core/advisor/advisorQuestions';
import type { EmbeddedBackend } from '../kms/embeddedBackend';

export async function createAdvisorSetup(embedded: EmbeddedBackend, option: KeyServiceOption): Promise<string> {
  const region = (await embedded.regions())[0];
  const kms = await embedded.client(region);
  switch (option) {
    case 'kms': {
      const key = await kms.send(new CreateKeyCommand({ Description: 'Created by the KMS or CloudHSM? advisor' }));
      return `Created symmetric KMS key ${key.KeyMetadata?.KeyId} in the embedded engine (${region}).`;
    }
    case 'cloudHsm': {
      const { clusterId } = await createCluster(embedded, region);
      return `Created simulated CloudHSM cluster ${clusterId} with two active HSMs in the embedded engine (${region}).`;
    }
    case 'kmsCloudHsmKeyStore': {
      const cluster = await createCluster(embedded, region);
      const clusterId = cluster.clusterId;
      const storeId = await createCloudHsmKeyStore(kms, cluster);
      const key = await kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: storeId, Description: 'Key in a CloudHSM custom key store (advisor)' }));
      return `Created cluster ${clusterId}, custom key store ${storeId} and key ${key.KeyMetadata?.KeyId} in the embedded engine (${region}).`;
    }
    case 'kmsExternalKeyStore':
      throw new Error('An external key store needs your own key manager and XKS proxy; the embedded engine cannot stand in for them. Create the store in the AWS console or CLI, then browse it in the Keys view.');
  }
}

/** Polls until `check` answers a value, for the engine's (and AWS's) transient states. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} seconds.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The simulated cluster's trust anchor. The engine's HSMs issue no CSR, so there is no real
 * certificate to sign; it accepts a PEM block as the user's signed certificate, and a key store
 * must name the same block. The text says plainly that it is a simulation.
 */
function simulatedTrustAnchor(clusterId: string): string {
  const body = Buffer.from(`Simulated trust anchor of CloudHSM cluster ${clusterId} in the embedded engine`).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----`;
}

interface CreatedCluster {
  readonly clusterId: string;
  readonly trustAnchor: string;
}

/** A cluster with two HSMs in two Availability Zones, initialized and active, as a key store needs. */
async function createCluster(embedded: EmbeddedBackend, region: string): Promise<CreatedCluster> {
  const hsm = await embedded.cloudHsmClient(region);
  const created = await hsm.send(new CreateClusterCommand({ HsmType: 'hsm2m.medium', SubnetIds: ['subnet-0advisor000000001', 'subnet-0advisor000000002'] }));
  const clusterId = created.Cluster?.ClusterId;
  if (!clusterId) throw new Error('The engine answered CreateCluster without a cluster id.');
  const describe = async () => (await hsm.send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } }))).Clusters?.[0];
  const zones = Object.keys((await describe())?.SubnetMapping ?? created.Cluster?.SubnetMapping ?? {}).slice(0, 2);
  if (zones.length < 2) throw new Error(`Cluster ${clusterId} did not get subnets in two Availability Zones.`);
  await until(`Creation of cluster ${clusterId}`, async () => ((await describe())?.State === 'CREATE_IN_PROGRESS' ? undefined : true));
  for (const zone of zones) await hsm.send(new CreateHsmCommand({ ClusterId: clusterId, AvailabilityZone: zone }));
  const trustAnchor = simulatedTrustAnchor(clusterId);
  await hsm.send(new InitializeClusterCommand({ ClusterId: clusterId, SignedCert: trustAnchor, TrustAnchor: trustAnchor }));
  await until(`Activation of cluster ${clusterId}`, async () => ((await describe())?.State === 'ACTIVE' ? true : undefined));
  return { clusterId, trustAnchor };
}

async function createCloudHsmKeyStore(kms: KMSClient, cluster: CreatedCluster): Promise<string> {
  const created = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: `advisor-${cluster.clusterId}`,
      CloudHsmClusterId: cluster.clusterId,
      TrustAnchorCertificate: cluster.trustAnchor,
      // The kmsuser password of the simulated cluster: random, since nobody logs in to it by hand.
      KeyStorePassword: Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('base64url'),
    }),
  );
  const storeId = created.CustomKeyStoreId;
  if (!storeId) throw new Error('The engine answered CreateCustomKeyStore without an id.');
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
  await until(`Connection of custom key store ${storeId}`, async () => {
    const store = (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }))).CustomKeyStores?.[0];
    if (store?.ConnectionState === 'FAILED') throw new Error(`Custom key store ${storeId} failed to connect: ${store.ConnectionErrorCode ?? 'unknown error'}.`);
    return store?.ConnectionState === 'CONNECTED' ? true : undefined;
  });
  return storeId;
}
