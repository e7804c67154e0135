// Simulated AWS CloudHSM clusters behind the CloudHSM v2 API (BaldrApiService): CreateCluster,
// DescribeClusters, InitializeCluster, CreateHsm, DeleteHsm and DeleteCluster, with the
// lifecycle states AWS documents. Provisioning takes the engine's transient delay.
//
// Subnets map to Availability Zones in the order given: the first subnet is in zone `a` of the
// Region, the second in `b`, and so on, so two subnets give the two zones a key store needs.
import { createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { generateAsymmetricKeyPair, privateKeyObject } from './asymmetricCrypto';
import { clusterCsrPem } from './clusterCsr';
import type { ClusterRecord, HsmRecord } from './engineState';
import { KmsServiceError, type JsonObject } from './kmsEngineApi';
import { epochSeconds } from './keyMetadata';
import type { OperationContext, OperationTable } from './operationContext';
import { paginate } from './pagination';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function cloudHsmId(prefix: string): string {
  const bytes = randomBytes(11);
  return `${prefix}-${[...bytes].map((b) => BASE32[b % 32]).join('')}`;
}

function invalidRequest(message: string): KmsServiceError {
  return new KmsServiceError('CloudHsmInvalidRequestException', message);
}

function resourceNotFound(message: string): KmsServiceError {
  return new KmsServiceError('CloudHsmResourceNotFoundException', message);
}

function requiredString(context: OperationContext, field: string): string {
  const value = context.input.optionalString(field);
  if (value === undefined || value === '') throw invalidRequest(`${field} is required.`);
  return value;
}

export function findCluster(context: OperationContext, clusterId: string): ClusterRecord {
  const cluster = context.state.clusters[clusterId];
  if (!cluster || cluster.account !== context.caller.accountId || cluster.region !== context.caller.region) {
    throw resourceNotFound(`The cluster ${clusterId} does not exist.`);
  }
  return cluster;
}

function hsmJson(cluster: ClusterRecord, hsm: HsmRecord): JsonObject {
  return {
    AvailabilityZone: hsm.availabilityZone,
    ClusterId: cluster.clusterId,
    SubnetId: hsm.subnetId,
    EniId: hsm.eniId,
    EniIp: hsm.eniIp,
    HsmId: hsm.hsmId,
    State: hsm.state,
    StateMessage: hsm.state === 'ACTIVE' ? 'HSM is active.' : hsm.state === 'CREATE_IN_PROGRESS' ? 'HSM is being created.' : 'HSM is being deleted.',
  };
}

export function clusterJson(cluster: ClusterRecord): JsonObject {
  const certificates: Record<string, string> = {};
  if (cluster.state === 'UNINITIALIZED' && cluster.csr) certificates.ClusterCsr = cluster.csr;
  if (cluster.clusterCertificate) certificates.ClusterCertificate = cluster.clusterCertificate;
  return {
    BackupPolicy: 'DEFAULT',
    BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
    ClusterId: cluster.clusterId,
    CreateTimestamp: epochSeconds(cluster.createdAt),
    Hsms: cluster.hsms.map((h) => hsmJson(cluster, h)),
    HsmType: cluster.hsmType,
    SecurityGroup: cluster.securityGroup,
    State: cluster.state,
    StateMessage: cluster.stateMessage ?? `Cluster is ${cluster.state.toLowerCase().replace(/_/g, ' ')}.`,
    SubnetMapping: cluster.subnetMapping,
    VpcId: cluster.vpcId,
    Certificates: certificates,
    TagList: cluster.tags,
    Mode: 'FIPS',
  };
}

async function createCluster(context: OperationContext) {
  const { input, caller, now, services } = context;
  const hsmType = requiredString(context, 'HsmType');
  if (!['hsm1.medium', 'hsm2m.medium'].includes(hsmType)) throw invalidRequest(`HsmType ${hsmType} is not supported; use hsm1.medium or hsm2m.medium.`);
  const subnets = input.optionalStringList('SubnetIds');
  if (!subnets || subnets.length < 1 || subnets.length > 10) throw invalidRequest('SubnetIds must list between 1 and 10 subnets.');
  if (subnets.some((s) => !/^subnet-[0-9a-zA-Z]+$/.test(s))) throw invalidRequest('Each subnet id must look like subnet-0123abcd.');
  const tags = (input.optionalObjectList('TagList') ?? []).map((t) => ({ Key: String(t.Key), Value: String(t.Value ?? '') }));
  const clusterId = cloudHsmId('cluster');
  const identity = await generateAsymmetricKeyPair('RSA_2048');
  const mapping: Record<string, string> = {};
  subnets.forEach((subnet, i) => {
    mapping[`${caller.region}${String.fromCharCode(97 + (i % 26))}`] = subnet;
  });
  const cluster: ClusterRecord = {
    clusterId,
    account: caller.accountId,
    region: caller.region,
    hsmType,
    subnetMapping: mapping,
    vpcId: `vpc-${randomBytes(4).toString('hex')}`,
    securityGroup: `sg-${randomBytes(4).toString('hex')}`,
    createdAt: now,
    state: 'CREATE_IN_PROGRESS',
    transientUntil: now + services.settings.transientStateDelayMs,
    stateAfterTransient: 'UNINITIALIZED',
    hsms: [],
    identityKey: identity.privateKey.toString('base64'),
    csr: clusterCsrPem(clusterId, privateKeyObject(identity.privateKey)),
    keys: {},
    tags,
  };
  context.state.clusters[cluster.clusterId] = cluster;
  context.changed();
  return { Cluster: clusterJson(cluster) };
}

function describeClusters(context: OperationContext) {
  const { input, caller, state } = context;
  const filters = input.optionalObject('Filters') ?? {};
  const list = (name: string): string[] | undefined => (Array.isArray(filters[name]) ? (filters[name] as unknown[]).map(String) : undefined);
  const ids = list('clusterIds');
  const states = list('states');
  const vpcs = list('vpcIds');
  const clusters = Object.values(state.clusters)
    .filter((c) => c.account === caller.accountId && c.region === caller.region)
    .filter((c) => (!ids || ids.includes(c.clusterId)) && (!states || states.includes(c.state)) && (!vpcs || vpcs.includes(c.vpcId)))
    .sort((a, b) => a.createdAt - b.createdAt)
    .map(clusterJson);
  const max = input.optionalInteger('MaxResults', { min: 1, max: 100 }) ?? 100;
  const page = paginate(clusters, max, input.optionalString('NextToken'));
  return { Clusters: page.items, ...(page.nextMarker ? { NextToken: page.nextMarker } : {}) };
}

function parseCertificate(text: string, field: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    throw invalidRequest(`${field} must be a PEM-encoded X.509 certificate.`);
  }
}

function isCertificate(text: string): boolean {
  try {
    new X509Certificate(text);
    return true;
  } catch {
    return false;
  }
}

function isPemCertificateBlock(text: string): boolean {
  return /^\s*-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$/.test(text);
}

/** The signed certificate must certify the key of the cluster's CSR and be issued by the anchor. */
function checkSignedCertificate(cluster: ClusterRecord, certificate: X509Certificate, anchor: X509Certificate): void {
  if (cluster.identityKey) {
    const expected = createPublicKey(privateKeyObject(Buffer.from(cluster.identityKey, 'base64'))).export({ type: 'spki', format: 'der' });
    if (!certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(expected)) {
      throw invalidRequest(`SignedCert does not certify the key of cluster ${cluster.clusterId}'s CSR.`);
    }
  }
  if (!certificate.verify(anchor.publicKey)) throw invalidRequest('SignedCert was not issued by the TrustAnchor certificate.');
}

function initializeCluster(context: OperationContext) {
  const { now, services } = context;
  const cluster = findCluster(context, requiredString(context, 'ClusterId'));
  const signedCert = requiredString(context, 'SignedCert');
  const trustAnchor = requiredString(context, 'TrustAnchor');
  if (cluster.state !== 'UNINITIALIZED') throw invalidRequest(`The cluster ${cluster.clusterId} is ${cluster.state}; only an UNINITIALIZED cluster can be initialized.`);
  // Tools that cannot issue X.509 certificates (the editor's setup helper) may pass two PEM
  // certificate blocks that are not real certificates: the cluster then runs on that
  // simulated trust anchor. Real certificates are always checked against the CSR and anchor.
  const simulated = !isCertificate(signedCert) && !isCertificate(trustAnchor) && isPemCertificateBlock(signedCert) && isPemCertificateBlock(trustAnchor);
  if (!simulated) checkSignedCertificate(cluster, parseCertificate(signedCert, 'SignedCert'), parseCertificate(trustAnchor, 'TrustAnchor'));
  cluster.trustAnchor = trustAnchor;
  cluster.clusterCertificate = signedCert;
  cluster.state = 'INITIALIZE_IN_PROGRESS';
  cluster.transientUntil = now + services.settings.transientStateDelayMs;
  cluster.stateAfterTransient = 'INITIALIZED';
  context.changed();
  return { State: cluster.state, StateMessage: 'Cluster is initializing.' };
}

function createHsm(context: OperationContext) {
  const { input, now, services } = context;
  const cluster = findCluster(context, requiredString(context, 'ClusterId'));
  const zone = requiredString(context, 'AvailabilityZone');
  const subnetId = cluster.subnetMapping[zone];
  if (!subnetId) throw invalidRequest(`The cluster ${cluster.clusterId} has no subnet in Availability Zone ${zone}.`);
  if (!['UNINITIALIZED', 'INITIALIZED', 'ACTIVE', 'DEGRADED', 'INITIALIZE_IN_PROGRESS'].includes(cluster.state)) {
    throw invalidRequest(`HSMs cannot be added to the cluster ${cluster.clusterId} while it is ${cluster.state}.`);
  }
  if (cluster.hsms.length >= 28) throw new KmsServiceError('CloudHsmServiceException', 'The cluster already has the maximum number of HSMs.');
  const ip = input.optionalString('IpAddress') ?? `10.0.${cluster.hsms.length % 256}.${10 + (randomBytes(1)[0] % 200)}`;
  const hsm: HsmRecord = {
    hsmId: cloudHsmId('hsm'),
    availabilityZone: zone,
    subnetId,
    eniId: `eni-${randomBytes(8).toString('hex')}`,
    eniIp: ip,
    state: 'CREATE_IN_PROGRESS',
    transientUntil: now + services.settings.transientStateDelayMs,
  };
  cluster.hsms.push(hsm);
  context.changed();
  return { Hsm: hsmJson(cluster, hsm) };
}

function deleteHsm(context: OperationContext) {
  const { input, now, services } = context;
  const cluster = findCluster(context, requiredString(context, 'ClusterId'));
  const hsmId = input.optionalString('HsmId');
  const eniId = input.optionalString('EniId');
  const eniIp = input.optionalString('EniIp');
  if (!hsmId && !eniId && !eniIp) throw invalidRequest('Specify HsmId, EniId or EniIp.');
  const hsm = cluster.hsms.find((h) => (hsmId && h.hsmId === hsmId) || (eniId && h.eniId === eniId) || (eniIp && h.eniIp === eniIp));
  if (!hsm) throw resourceNotFound(`The HSM ${hsmId ?? eniId ?? eniIp} does not exist in cluster ${cluster.clusterId}.`);
  hsm.state = 'DELETE_IN_PROGRESS';
  hsm.transientUntil = now + services.settings.transientStateDelayMs;
  context.changed();
  return { HsmId: hsm.hsmId };
}

function deleteCluster(context: OperationContext) {
  const { now, services, state } = context;
  const cluster = findCluster(context, requiredString(context, 'ClusterId'));
  if (cluster.hsms.length) throw invalidRequest(`The cluster ${cluster.clusterId} still has HSMs; delete them first.`);
  const store = Object.values(state.customKeyStores).find((s) => s.clusterId === cluster.clusterId);
  if (store) throw invalidRequest(`The cluster ${cluster.clusterId} is associated with the custom key store ${store.customKeyStoreId}.`);
  cluster.state = 'DELETE_IN_PROGRESS';
  cluster.transientUntil = now + services.settings.transientStateDelayMs;
  cluster.stateAfterTransient = 'DELETED';
  context.changed();
  return { Cluster: clusterJson(cluster) };
}

export const cloudHsmOperations: OperationTable = {
  CreateCluster: createCluster,
  DescribeClusters: describeClusters,
  InitializeCluster: initializeCluster,
  CreateHsm: createHsm,
  DeleteHsm: deleteHsm,
  DeleteCluster: deleteCluster,
};
