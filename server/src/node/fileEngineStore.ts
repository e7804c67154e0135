// The engine's store on disk: one directory (owner-only, 0700) holding the encrypted state file
// (0600), a generation file that detects an older copy put back, and a lock file naming the
// process that holds the store.
//
// The state file is a header and framed records: "KMSPSTATE" | 0x02 | 2 zero bytes | generation
// (u32 LE), then per record: length (u32 LE) | CRC-32 of the record (u32 LE) | record. The engine
// encrypts the records (core/engine/engineJournal.ts); this file keeps them in order and durable.
//
// Durability: a record is appended at the end of the last good one and fdatasynced before the
// write is acknowledged; a kill during an append leaves a torn last frame (short, or failing its
// checksum), which the next open cuts off: it was never acknowledged. A good frame after a bad
// one is corruption, never a torn write, and is refused; so is a bad last frame that the
// generation file counts as acknowledged. Compaction writes the new snapshot to a
// temporary file that is fsynced, renamed over the state file, and then the directory is
// fsynced, so the state file is always either the old or the new one. A failed append is cut
// off again, so nothing of it remains.
//
// Rollback: the generation file holds "generation frames" of the last acknowledged write (the
// generation counts compactions). Opening a state file older than that (a backup copied back
// over it) is refused instead of silently losing the keys created since.
//
// Exclusivity: the lock is created atomically (link of a file already holding our pid); a
// second process is refused with the holder's pid, and a lock left by a dead process is taken
// over.
import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { EngineStoreError } from '../core/engine/engineSnapshot';
import type { EngineStoreBackend, StoredEngineRecords } from '../core/engine/kmsEngineApi';

export const SNAPSHOT_FILE = 'engine-state.kmsstate';
export const GENERATION_FILE = 'engine-state.generation';
export const LOCK_FILE = 'engine.lock';

const MAGIC = Buffer.from('KMSPSTATE', 'ascii');
const VERSION = 2;
const HEADER_BYTES = 16;
const FRAME_BYTES = 8;
/** The smallest record the engine writes: kind, sequence, IV and tag. */
const MIN_RECORD_BYTES = 1 + 8 + 12 + 16;
const GENERATION_BYTES = 32;

export class EngineStoreLockedError extends Error {
  constructor(readonly directory: string, readonly pid: number) {
    super(`The engine store ${directory} is in use by process ${pid}. Stop that process or use another --store directory.`);
    this.name = 'EngineStoreLockedError';
  }
}

/** The state file is older than the last write this store acknowledged. */
export class EngineStoreRolledBackError extends EngineStoreError {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStoreRolledBackError';
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

/**
 * Writes every byte at `position`. A write may be short (the disk filling up answers with fewer
 * bytes before it answers ENOSPC): go on until all is written or the next write fails.
 */
async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    if (bytesWritten === 0) throw Object.assign(new Error('ENOSPC: no bytes could be written'), { code: 'ENOSPC' });
    written += bytesWritten;
  }
}

async function writeDurably(path: string, parts: readonly Uint8Array[]): Promise<void> {
  const handle = await fs.open(path, 'w', 0o600);
  try {
    let position = 0;
    for (const part of parts) {
      await writeAll(handle, part, position);
      position += part.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Stores this process holds: a second open in the same process is refused too. */
const heldByThisProcess = new Set<string>();

/** The lock's path, or undefined for a store on a read-only file system: nobody can change it. */
async function acquireLock(directory: string): Promise<string | undefined> {
  if (heldByThisProcess.has(directory)) throw new EngineStoreLockedError(directory, process.pid);
  const lockPath = join(directory, LOCK_FILE);
  const pending = join(directory, `${LOCK_FILE}.${process.pid}`);
  try {
    await writeDurably(pending, [Buffer.from(`${process.pid}\n`)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EROFS') return undefined;
    throw error;
  }
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

function frameHeader(parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  let crc = 0;
  for (const part of parts) {
    // Node 20's crc32 answers 0 for an empty buffer after a running value above 2^31.
    if (!part.length) continue;
    length += part.length;
    crc = crc32(part, crc);
  }
  const header = Buffer.alloc(FRAME_BYTES);
  header.writeUInt32LE(length, 0);
  header.writeUInt32LE(crc, 4);
  return header;
}

/**
 * A whole, intact frame at `offset`: its record and where the next frame starts. The snapshot
 * (the first frame) is only ever written whole, by rename: its checksum is left to the
 * engine's authentication tag, which a damaged byte fails as surely, instead of being computed
 * over tens of megabytes on every open.
 */
function frameAt(file: Buffer, offset: number, checksum = true): { record: Buffer; end: number } | undefined {
  if (offset + FRAME_BYTES > file.length) return undefined;
  const length = file.readUInt32LE(offset);
  const end = offset + FRAME_BYTES + length;
  if (length < MIN_RECORD_BYTES || end > file.length) return undefined;
  const record = file.subarray(offset + FRAME_BYTES, end);
  return !checksum || crc32(record) === file.readUInt32LE(offset + 4) ? { record, end } : undefined;
}

/** The whole file in as few reads as the kernel allows (readFile goes 512 KB at a time). */
async function readWhole(path: string): Promise<Buffer> {
  const file = await fs.open(path, 'r');
  try {
    const { size } = await file.stat();
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await file.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } finally {
    await file.close();
  }
}

interface Position {
  readonly generation: number;
  readonly frames: number;
}

function olderThan(found: Position, recorded: Position): boolean {
  return found.generation < recorded.generation || (found.generation === recorded.generation && found.frames < recorded.frames);
}

/** Opens (creating when absent) the store directory and takes its lock. */
export async function openFileEngineStore(directory: string): Promise<FileEngineStore> {
  const dir = resolve(directory);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const lockPath = await acquireLock(dir);
  heldByThisProcess.add(dir);
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const temporaryPath = `${snapshotPath}.tmp`;
  const generationPath = join(dir, GENERATION_FILE);
  let closed = false;
  /** The state file, open for appends once read. */
  let handle: FileHandle | undefined;
  let generationHandle: FileHandle | undefined;
  /** Where the next frame goes: the end of the last good one. */
  let appendAt = 0;
  let position: Position = { generation: 0, frames: 0 };

  const readRecordedPosition = async (): Promise<Position | undefined> => {
    const text = await fs.readFile(generationPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const match = text === undefined ? null : /^(\d+) (\d+)\s*$/.exec(text);
    return match ? { generation: Number(match[1]), frames: Number(match[2]) } : undefined;
  };

  /** Records the position of the last acknowledged write; fsynced only when asked (it only detects). */
  const recordPosition = async (sync: boolean): Promise<void> => {
    generationHandle ??= await fs.open(generationPath, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o600);
    const line = Buffer.alloc(GENERATION_BYTES, ' ');
    line.write(`${position.generation} ${position.frames}`);
    line[GENERATION_BYTES - 1] = 0x0a;
    await writeAll(generationHandle, line, 0);
    if (sync) await generationHandle.sync();
  };

  const refuseOlder = (found: Position, recorded: Position | undefined): void => {
    if (!recorded || !olderThan(found, recorded)) return;
    throw new EngineStoreRolledBackError(
      `The engine store ${dir} holds older state than it last acknowledged (${SNAPSHOT_FILE} is at write ${found.generation}.${found.frames}, ` +
        `${GENERATION_FILE} recorded ${recorded.generation}.${recorded.frames}): an older copy seems to have been put back, and opening it would ` +
        `silently lose the keys and changes made since. It was left untouched. To open this older state anyway, delete ${generationPath}.`,
    );
  };

  /** Why appends cannot be made (a read-only store still opens, and every write then fails). */
  let readOnly: unknown;
  const reopenForAppends = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    try {
      handle = await fs.open(snapshotPath, fsConstants.O_RDWR);
      readOnly = undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM') throw error;
      readOnly = error;
    }
  };

  return {
    directory: dir,
    snapshotPath,
    async read(): Promise<StoredEngineRecords | undefined> {
      // A temporary file is what a kill during compaction leaves: the state file is intact.
      await fs.rm(temporaryPath, { force: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EROFS') throw error;
      });
      const recorded = await readRecordedPosition();
      let file: Buffer;
      try {
        file = await readWhole(snapshotPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        if (recorded && (recorded.generation > 0 || recorded.frames > 0)) {
          throw new EngineStoreRolledBackError(
            `The engine store ${dir} has lost its state file ${SNAPSHOT_FILE}, although ${GENERATION_FILE} records ${recorded.generation}.${recorded.frames} writes: ` +
              `starting empty would silently lose every key. Put the file back, or delete ${generationPath} to start with an empty store.`,
          );
        }
        return undefined;
      }
      if (file.length < MAGIC.length + 1 || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new EngineStoreError(`The engine store ${snapshotPath} is not a KMS Key Policy Studio engine store (unrecognized file format); it was left untouched.`);
      }
      const version = file[MAGIC.length];
      if (version === 1) {
        // The whole-state format written before records: opened as it is, rewritten on the first write.
        position = { generation: 0, frames: 1 };
        refuseOlder(position, recorded);
        return { records: [file], legacy: true };
      }
      if (version !== VERSION || file.length < HEADER_BYTES) {
        throw new EngineStoreError(`The engine store ${snapshotPath} was written in store format version ${version}, which this version cannot read; it was left untouched.`);
      }
      const records: Buffer[] = [];
      let offset = HEADER_BYTES;
      for (let frame = frameAt(file, offset, false); frame; frame = frameAt(file, offset)) {
        records.push(frame.record);
        offset = frame.end;
      }
      if (offset < file.length) {
        if (!records.length) {
          throw new EngineStoreError(`The engine store ${snapshotPath} is corrupt: its snapshot fails its checksum; it was left untouched.`);
        }
        // A torn write is the last thing in the file; an intact frame after a bad one is not.
        const declared = offset + FRAME_BYTES <= file.length ? file.readUInt32LE(offset) : 0;
        if (declared >= MIN_RECORD_BYTES && frameAt(file, offset + FRAME_BYTES + declared)) {
          throw new EngineStoreError(`The engine store ${snapshotPath} is corrupt: record ${records.length + 1} fails its checksum while later ones are intact; it was left untouched.`);
        }
      }
      position = { generation: file.readUInt32LE(12), frames: records.length };
      if (offset < file.length && recorded && olderThan(position, recorded)) {
        // The bad frame is one whose write was acknowledged: damage, not a torn write.
        throw new EngineStoreError(`The engine store ${snapshotPath} is corrupt: record ${records.length + 1} was acknowledged but fails its checksum; it was left untouched.`);
      }
      refuseOlder(position, recorded);
      if (offset < file.length) {
        // Cut off the torn frame of a write that was never acknowledged.
        await fs.truncate(snapshotPath, offset);
      }
      appendAt = offset;
      await reopenForAppends();
      return { records };
    },
    async append(record) {
      if (closed) throw new Error('The engine store is closed.');
      if (readOnly) throw readOnly;
      if (!handle) throw new Error('The engine store was not read before writing.');
      const frame = Buffer.concat([frameHeader([record]), record]);
      try {
        await writeAll(handle, frame, appendAt);
        await handle.datasync();
      } catch (error) {
        // Leave nothing of the failed write: the next append starts where this one did.
        await handle.truncate(appendAt).catch(() => undefined);
        throw error;
      }
      appendAt += frame.length;
      position = { generation: position.generation, frames: position.frames + 1 };
      await recordPosition(false).catch(() => undefined);
    },
    async replace(snapshot) {
      if (closed) throw new Error('The engine store is closed.');
      const generation = position.generation + 1;
      const header = Buffer.alloc(HEADER_BYTES);
      MAGIC.copy(header);
      header[MAGIC.length] = VERSION;
      header.writeUInt32LE(generation, 12);
      const frame = frameHeader(snapshot);
      try {
        await writeDurably(temporaryPath, [header, frame, ...snapshot]);
        await fs.rename(temporaryPath, snapshotPath);
      } catch (error) {
        await fs.rm(temporaryPath, { force: true }).catch(() => undefined);
        throw error;
      }
      await fsyncDirectory(dir);
      appendAt = HEADER_BYTES + frame.length + snapshot.reduce((total, part) => total + part.length, 0);
      position = { generation, frames: 1 };
      await reopenForAppends();
      await recordPosition(true);
    },
    async close() {
      if (closed) return;
      closed = true;
      heldByThisProcess.delete(dir);
      await handle?.close().catch(() => undefined);
      await generationHandle?.sync().catch(() => undefined);
      await generationHandle?.close().catch(() => undefined);
      if (!lockPath) return;
      const holder = await fs.readFile(lockPath, 'utf8').catch(() => '');
      // A lock that cannot be removed (the disk became read-only) is taken over as stale later.
      if (Number.parseInt(holder, 10) === process.pid) await fs.rm(lockPath, { force: true }).catch(() => undefined);
    },
  };
}
