// The advisor's "create this setup" actions against the real engine, through the same SDK
// clients and forwarding handler the extension uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeCustomKeyStoresCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { createAdvisorSetup } from '../../../client/src/advisor/advisorSetupCreator';
import { EmbeddedBackend } from '../../../client/src/kms/embeddedBackend';
import { openServedEngine, servedPrincipals } from '../../../server/src/http/servedEngine';
import { handleWireRequest } from '../../../server/src/http/wireRequestHandler';

async function embedded() {
  const served = await openServedEngine({});
  const info = { accountId: served.engine.defaultAccountId, region: served.engine.defaultRegion, principals: servedPrincipals(served.environment) };
  return { backend: new EmbeddedBackend(async () => info, (r) => handleWireRequest(served.engine, r), () => [], async () => served.clock.now()), region: info.region };
}

describe('advisor setups in the embedded engine', () => {
  it('creates a symmetric KMS key', async () => {
    const { backend, region } = await embedded();
    const message = await createAdvisorSetup(backend, 'kms');
    const keyId = /key ([0-9a-f-]{36})/.exec(message)?.[1];
    assert.ok(keyId, message);
    const key = await (await backend.client(region)).send(new DescribeKeyCommand({ KeyId: keyId }));
    assert.equal(key.KeyMetadata?.KeySpec, 'SYMMETRIC_DEFAULT');
  });

  it('creates an active cluster, a connected CloudHSM key store and a key inside it', async () => {
    const { backend, region } = await embedded();
    const message = await createAdvisorSetup(backend, 'kmsCloudHsmKeyStore');
    const [, clusterId, storeId, keyId] = /cluster (cluster-\w+), custom key store (cks-\w+) and key ([0-9a-f-]{36})/.exec(message) ?? [];
    assert.ok(keyId, message);
    const cluster = (await (await backend.cloudHsmClient(region)).send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } }))).Clusters?.[0];
    assert.equal(cluster?.State, 'ACTIVE');
    assert.equal(cluster?.Hsms?.length, 2);
    const kms = await backend.client(region);
    const store = (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }))).CustomKeyStores?.[0];
    assert.equal(store?.ConnectionState, 'CONNECTED');
    const key = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
    assert.equal(key?.Origin, 'AWS_CLOUDHSM');
    assert.equal(key?.CustomKeyStoreId, storeId);
  });

  it('explains that an external key store cannot be created in the engine', async () => {
    const { backend } = await embedded();
    await assert.rejects(createAdvisorSetup(backend, 'kmsExternalKeyStore'), /your own key manager and XKS proxy/);
  });
});
