// The engine's store on disk: one directory (owner-only, 0700) holding the encrypted state
// snapshot (0600) and a lock file naming the process that holds it.
//
// Durability: every write goes to a temporary file that is fsynced, renamed over the snapshot,
// and then the directory is fsynced, so after a kill at any instant the snapshot is either the
// previous or the new one, never a torn mixture. Exclusivity: the lock is created atomically
// (link of a file already holding our pid); a second process is refused with the holder's pid,
// and a lock left by a dead process is taken over.
import { constants as fsConstants, promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineStoreBackend } from '../core/engine/kmsEngineApi';

export const SNAPSHOT_FILE = 'engine-state.kmsstate';
export const LOCK_FILE = 'engine.lock';

export class EngineStoreLockedError extends Error {
  constructor(readonly directory: string, readonly pid: number) {
    super(`The engine store ${directory} is in use by process ${pid}. Stop that process or use another --store directory.`);
    this.name = 'EngineStoreLockedError';
  }
}

export interface FileEngineStore extends EngineStoreBackend {
  readonly directory: string;
  readonly snapshotPath: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Stores this process holds: a second open in the same process is refused too. */
const heldByThisProcess = new Set<string>();

async function acquireLock(directory: string): Promise<string> {
  if (heldByThisProcess.has(directory)) throw new EngineStoreLockedError(directory, process.pid);
  const lockPath = join(directory, LOCK_FILE);
  const pending = join(directory, `${LOCK_FILE}.${process.pid}`);
  await writeDurably(pending, Buffer.from(`${process.pid}\n`));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.link(pending, lockPath);
        await fsyncDirectory(directory);
        return lockPath;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(await fs.readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new EngineStoreLockedError(directory, holder);
      }
      // The holder is gone (or the pid was reused by this process after a restart).
      await fs.rm(lockPath, { force: true });
    }
    throw new Error(`Could not lock the engine store ${directory}; another process keeps taking it.`);
  } finally {
    await fs.rm(pending, { force: true });
  }
}

/** Opens (creating when absent) the store directory and takes its lock. */
export async function openFileEngineStore(directory: string): Promise<FileEngineStore> {
  const dir = resolve(directory);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const lockPath = await acquireLock(dir);
  heldByThisProcess.add(dir);
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const temporaryPath = `${snapshotPath}.tmp`;
  let closed = false;
  return {
    directory: dir,
    snapshotPath,
    async read() {
      // A temporary file is what a kill during a write leaves: the snapshot itself is intact.
      await fs.rm(temporaryPath, { force: true });
      try {
        return new Uint8Array(await fs.readFile(snapshotPath));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(bytes) {
      if (closed) throw new Error(`The engine store ${dir} is closed.`);
      await writeDurably(temporaryPath, bytes);
      await fs.rename(temporaryPath, snapshotPath);
      await fsyncDirectory(dir);
    },
    async close() {
      if (closed) return;
      closed = true;
      heldByThisProcess.delete(dir);
      const holder = await fs.readFile(lockPath, 'utf8').catch(() => '');
      if (Number.parseInt(holder, 10) === process.pid) await fs.rm(lockPath, { force: true });
    },
  };
}
