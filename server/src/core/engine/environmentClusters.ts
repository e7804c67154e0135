// Seeds simulated CloudHSM clusters and CloudHSM key stores declared in the environment file:
//
//   "cloudHsmClusters": [{ "clusterId": "cluster-abcdefghijk", "region": "us-east-1",
//       "availabilityZones": ["us-east-1a", "us-east-1b"], "trustAnchor": "-----BEGIN CERTIFICATE-----...",
//       "kmsuserPassword": "secret-1" }],
//   "customKeyStores": [{ "name": "hsm-store", "clusterId": "cluster-abcdefghijk", "connected": true }]
//
// A declared cluster is initialized and active, with one active HSM per listed zone; a declared
// store uses the cluster's kmsuser password. Each is created once; later the state owns it.
import { createHash } from 'node:crypto';
import type { Environment } from '../environment/environmentModel';
import type { ClusterRecord, CustomKeyStoreRecord, EngineState } from './engineState';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function stableSuffix(seed: string, length: number, alphabet: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return [...digest.subarray(0, length)].map((b) => alphabet[b % alphabet.length]).join('');
}

function fail(path: string, problem: string): never {
  throw new Error(`The environment's ${path} ${problem}.`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}

function optionalString(entry: Record<string, unknown>, field: string, path: string): string | undefined {
  const value = entry[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') fail(`${path}.${field}`, 'must be a non-empty string');
  return value;
}

export function seedEnvironmentClusters(state: EngineState, environment: Environment, now: number): boolean {
  let changed = false;
  const account = environment.accounts[0]?.id ?? '111122223333';
  (environment.cloudHsmClusters ?? []).forEach((raw, index) => {
    const path = `cloudHsmClusters[${index}]`;
    const entry = record(raw, path);
    const clusterId = optionalString(entry, 'clusterId', path) ?? `cluster-${stableSuffix(`${path}`, 11, BASE32)}`;
    if (!/^cluster-[a-z2-7]{11}$/.test(clusterId)) fail(`${path}.clusterId`, 'must look like cluster-abcdefghijk (11 letters a-z or digits 2-7)');
    if (state.clusters[clusterId]) return;
    const region = optionalString(entry, 'region', path) ?? environment.defaultRegion;
    const zones = entry.availabilityZones ?? [`${region}a`, `${region}b`];
    if (!Array.isArray(zones) || zones.some((z) => typeof z !== 'string' || !z.startsWith(region))) {
      fail(`${path}.availabilityZones`, `must list Availability Zones of ${region}, e.g. ["${region}a", "${region}b"]`);
    }
    const zoneNames = zones as string[];
    const mapping: Record<string, string> = {};
    for (const zone of new Set(zoneNames)) mapping[zone] = `subnet-${stableSuffix(`${clusterId}/${zone}`, 8, '0123456789abcdef')}`;
    const cluster: ClusterRecord = {
      clusterId,
      account: optionalString(entry, 'account', path) ?? account,
      region,
      hsmType: optionalString(entry, 'hsmType', path) ?? 'hsm2m.medium',
      subnetMapping: mapping,
      vpcId: `vpc-${stableSuffix(`${clusterId}/vpc`, 8, '0123456789abcdef')}`,
      securityGroup: `sg-${stableSuffix(`${clusterId}/sg`, 8, '0123456789abcdef')}`,
      createdAt: now,
      state: 'ACTIVE',
      hsms: zoneNames.map((zone, i) => ({
        hsmId: `hsm-${stableSuffix(`${clusterId}/hsm/${i}`, 11, BASE32)}`,
        availabilityZone: zone,
        subnetId: mapping[zone],
        eniId: `eni-${stableSuffix(`${clusterId}/eni/${i}`, 16, '0123456789abcdef')}`,
        eniIp: `10.0.${i}.10`,
        state: 'ACTIVE' as const,
      })),
      trustAnchor: optionalString(entry, 'trustAnchor', path),
      kmsuserPassword: optionalString(entry, 'kmsuserPassword', path),
      keys: {},
      tags: [],
    };
    state.clusters[clusterId] = cluster;
    changed = true;
  });
  (environment.customKeyStores ?? []).forEach((raw, index) => {
    const path = `customKeyStores[${index}]`;
    const entry = record(raw, path);
    const name = optionalString(entry, 'name', path) ?? fail(`${path}.name`, 'is required');
    const clusterId = optionalString(entry, 'clusterId', path) ?? fail(`${path}.clusterId`, 'is required');
    const cluster = state.clusters[clusterId] ?? fail(`${path}.clusterId`, `names ${clusterId}, which is not a cluster of cloudHsmClusters`);
    const id = optionalString(entry, 'customKeyStoreId', path) ?? `cks-${stableSuffix(`${path}/${name}`, 17, '0123456789abcdef')}`;
    if (state.customKeyStores[id]) return;
    const password = optionalString(entry, 'kmsuserPassword', path) ?? cluster.kmsuserPassword ?? fail(`${path}.kmsuserPassword`, 'is required when the cluster declares no kmsuserPassword');
    if (cluster.kmsuserPassword === undefined) cluster.kmsuserPassword = password;
    const store: CustomKeyStoreRecord = {
      customKeyStoreId: id,
      account: cluster.account,
      region: cluster.region,
      name,
      clusterId,
      trustAnchorCertificate: cluster.trustAnchor ?? '',
      keyStorePassword: password,
      // A store declared connected connects on first use like any other (password checked).
      connectionState: entry.connected === true ? 'CONNECTING' : 'DISCONNECTED',
      ...(entry.connected === true ? { transientUntil: now } : {}),
      createdAt: now,
    };
    state.customKeyStores[id] = store;
    changed = true;
  });
  return changed;
}
