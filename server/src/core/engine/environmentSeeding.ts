// Seeds the engine from the environment file: its keys (with their policies, aliases, tags and
// grants) are created once and then live in the engine's state like any other key. On every
// start the key policy of a seeded key follows its file, so editing the file takes effect.
import { createHash, randomBytes } from 'node:crypto';
import type { KeyState } from '../access/scenario';
import type { Environment, EnvironmentKey } from '../environment/environmentModel';
import { defaultKeyPolicy } from './defaultKeyPolicy';
import { aliasStoreKey, keyStoreKey, type EngineState, type GrantRecord, type KeyOrigin, type KeyRecord, type KeyUsage } from './engineState';

import { isKeyId, kmsKeyArn } from '../arn/kmsKeyReference';
import { newKeyMaterial } from './keyMaterialFactory';
import { KEY_SPECS } from './keySpecs';
import { newGrantToken } from './grantTokens';

/** A stable id for an environment key declared without one, so restarts find the same key. */
function derivedKeyId(key: EnvironmentKey, index: number): string {
  const hex = createHash('sha256').update(JSON.stringify([key.account, key.region, key.aliases, key.description ?? '', index])).digest('hex');
  if (key.multiRegion) return `mrk-${hex.slice(0, 32)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function policyText(environment: Environment, key: EnvironmentKey): string {
  if (key.keyPolicySource) return key.keyPolicySource.text;
  if (key.keyPolicy !== undefined) return JSON.stringify(key.keyPolicy, null, 2);
  return defaultKeyPolicy(environment.partition, key.account);
}

export async function seedEnvironmentKeys(state: EngineState, environment: Environment, now: number): Promise<boolean> {
  let changed = false;
  for (const [index, declared] of environment.keys.entries()) {
    const keyId = declared.keyId && isKeyId(declared.keyId) ? declared.keyId : derivedKeyId(declared, index);
    const regions = [declared.region, ...(declared.multiRegion ? declared.replicaRegions ?? [] : [])];
    for (const region of regions) {
      const storeKey = keyStoreKey(region, keyId);
      const existing = state.keys[storeKey];
      if (existing) {
        const text = policyText(environment, declared);
        if (existing.seeded && existing.policy !== text) {
          existing.policy = text;
          changed = true;
        }
        continue;
      }
      if (state.seededKeys.includes(storeKey)) continue; // seeded once, since deleted by the user
      const keySpec = declared.keySpec && KEY_SPECS[declared.keySpec] ? declared.keySpec : 'SYMMETRIC_DEFAULT';
      const keyUsage = (declared.keyUsage ?? KEY_SPECS[keySpec].usages[0]) as KeyUsage;
      const origin = (declared.origin === 'EXTERNAL' ? 'EXTERNAL' : 'AWS_KMS') as KeyOrigin;
      const arn = kmsKeyArn(environment.partition, region, declared.account, keyId);
      const primary = regions[0];
      const related = Object.values(state.keys).find((k) => k.keyId === keyId);
      const material = origin === 'AWS_KMS' ? related?.materials[0] ?? await newKeyMaterial(keySpec, now, 'CREATED') : undefined;
      const grants: GrantRecord[] = (declared.grants ?? []).map((g) => ({
        grantId: g.grantId ?? randomBytes(32).toString('hex'),
        grantToken: newGrantToken(),
        name: g.name,
        keyArn: arn,
        granteePrincipal: g.granteePrincipal,
        retiringPrincipal: g.retiringPrincipal,
        issuingAccount: `arn:${environment.partition}:iam::${declared.account}:root`,
        operations: g.operations,
        constraints: g.constraints ?? null,
        createdAt: now,
      }));
      const state0: KeyState = origin === 'EXTERNAL' ? 'PendingImport' : declared.state === 'Disabled' ? 'Disabled' : 'Enabled';
      const record: KeyRecord = {
        keyId,
        account: declared.account,
        region,
        arn,
        description: declared.description ?? '',
        keySpec,
        keyUsage,
        origin,
        state: state0,
        createdAt: now,
        policy: policyText(environment, declared),
        policyName: 'default',
        tags: Object.entries(declared.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
        materials: material ? [material] : [],
        currentMaterialId: material?.id,
        rotation: { enabled: false, periodDays: 365 },
        onDemandRotationCount: 0,
        multiRegion: declared.multiRegion ?? false,
        primaryRegion: declared.multiRegion ? primary : undefined,
        grants,
        seeded: true,
      };
      state.keys[storeKey] = record;
      state.seededKeys.push(storeKey);
      for (const alias of declared.aliases ?? []) {
        const name = alias.startsWith('alias/') ? alias : `alias/${alias}`;
        const aliasKey = aliasStoreKey(declared.account, region, name);
        if (!state.aliases[aliasKey]) {
          state.aliases[aliasKey] = { aliasName: name, account: declared.account, region, targetKeyId: keyId, createdAt: now, updatedAt: now };
        }
      }
      changed = true;
    }
  }
  return changed;
}
