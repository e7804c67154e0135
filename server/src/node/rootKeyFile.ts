// The CLI's root key, which encrypts the engine store at rest: from KMS_POLICY_ROOT_KEY (64 hex
// characters) when set, otherwise from a `root-key` file in the store directory, created with
// owner-only permissions (0600) on first use and refused if others can read it. A store that
// already holds state but has lost its key file is refused, never given a new key.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ensureStoreFolder } from './storeFolder';
import { SNAPSHOT_FILE } from './fileEngineStore';

export const ROOT_KEY_ENV = 'KMS_POLICY_ROOT_KEY';
export const ROOT_KEY_FILE = 'root-key';

function parseHexKey(text: string, where: string): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${where} must hold a 32-byte key as 64 hexadecimal characters.`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export interface RootKeySource {
  readonly key: Uint8Array;
  /** `env` or the file's path, to tell the user where the key lives. */
  readonly from: string;
}

/** Whether the file is an engine store (its magic), whatever its format version. */
async function holdsEngineState(path: string): Promise<boolean> {
  const handle = await fs.open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const magic = Buffer.alloc(9);
    await handle.read(magic, 0, magic.length, 0);
    return magic.toString('latin1') === 'KMSPSTATE';
  } finally {
    await handle.close();
  }
}

export async function loadRootKey(storeDirectory: string, env: NodeJS.ProcessEnv = process.env): Promise<RootKeySource> {
  const fromEnv = env[ROOT_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { key: parseHexKey(fromEnv, `The ${ROOT_KEY_ENV} environment variable`), from: ROOT_KEY_ENV };
  await ensureStoreFolder(storeDirectory);
  const path = join(storeDirectory, ROOT_KEY_FILE);
  // Written whole to a private temporary file, then linked into place: a kill never leaves a
  // half-written key, and two processes starting together agree on one key.
  const pending = join(storeDirectory, `${ROOT_KEY_FILE}.${process.pid}.tmp`);
  const exists = await fs.access(path).then(() => true, () => false);
  // A new key cannot open state encrypted under the old one: say so rather than make one.
  if (!exists && (await holdsEngineState(join(storeDirectory, SNAPSHOT_FILE)))) {
    throw new Error(
      `The engine store ${storeDirectory} holds encrypted state (${SNAPSHOT_FILE}) but its root key file ${path} is missing. ` +
        `Put the root key file back, or give the key in ${ROOT_KEY_ENV}; a new key could not decrypt the state, so none was made.`,
    );
  }
  if (!exists) try {
    const handle = await fs.open(pending, 'w', 0o600);
    try {
      await handle.writeFile(`${randomBytes(32).toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(pending, path);
      const dir = await fs.open(storeDirectory, 'r');
      await dir.sync().finally(() => dir.close());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    await fs.rm(pending, { force: true });
  }
  const stat = await fs.stat(path);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(`The root key file ${path} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${path}`);
  }
  return { key: parseHexKey(await fs.readFile(path, 'utf8'), `The root key file ${path}`), from: path };
}
