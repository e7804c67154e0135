// New key material for a key spec: random bytes for symmetric and HMAC keys, a fresh key pair
// (PKCS#8) for RSA and elliptic-curve keys.
import { randomBytes } from 'node:crypto';
import { generateAsymmetricKeyPair } from './asymmetricCrypto';
import type { KeyMaterial } from './engineState';
import { newMaterialId } from './keyIdentifiers';
import { KEY_SPECS } from './keySpecs';

export async function newSecret(keySpec: string): Promise<Buffer> {
  const info = KEY_SPECS[keySpec];
  if (info.family === 'symmetric' || info.family === 'hmac') return randomBytes(info.secretBytes ?? 32);
  return (await generateAsymmetricKeyPair(keySpec)).privateKey;
}

export async function newKeyMaterial(keySpec: string, now: number, origin: KeyMaterial['origin']): Promise<KeyMaterial> {
  return { id: newMaterialId(), secret: (await newSecret(keySpec)).toString('base64'), createdAt: now, origin };
}
