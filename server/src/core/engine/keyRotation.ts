// Rotation adds a new generation of material and makes it current; every older generation
// stays so ciphertexts made under it still decrypt. Multi-Region keys rotate together: the
// new material is shared by every related key, as AWS syncs it from the primary.
import { randomBytes } from 'node:crypto';
import type { EngineState, KeyMaterial, KeyRecord } from './engineState';
import { newMaterialId } from './keyIdentifiers';
import { findKeys } from './stateTracking';

export function rotateKeyMaterial(state: EngineState, key: KeyRecord, at: number, origin: 'AUTOMATIC' | 'ON_DEMAND'): KeyMaterial {
  const material: KeyMaterial = { id: newMaterialId(), secret: randomBytes(32).toString('base64'), createdAt: at, origin, rotatedAt: at };
  const related = key.multiRegion ? findKeys(state, (k) => k.keyId === key.keyId) : [key];
  for (const k of related) {
    k.materials.push(material);
    k.currentMaterialId = material.id;
  }
  return material;
}
