// Random bytes for the engine's per-call needs (AES-GCM IVs, data keys, journal nonces): the one
// door through which the engine draws randomness, straight from Node's CSPRNG.
import { randomBytes } from 'node:crypto';

/** `count` fresh bytes from the CSPRNG, in a buffer of their own. */
export function freshRandomBytes(count: number): Buffer {
  return randomBytes(count);
}
