// The engine's CloudTrail events on disk, beside its state in the store folder (whose lock the
// state file holds): `cloudtrail-events.kmsevents`, owner-only (0600). Header "KMSPEVENT" | 0x01
// | 6 zero bytes, then per record: length (u32 LE) | CRC-32 of the record (u32 LE) | record. The
// engine encrypts the records (core/engine/cloudTrailEventLog.ts); this file keeps them in order.
//
// Appends are not fsynced (events are not acknowledged writes; see cloudTrailEventLog.ts for what
// a crash loses). A torn or damaged frame ends the file: it and whatever follows are cut off when
// the file is read, so a crash mid-append costs that batch and never the store. A rewrite
// (compaction) goes to a temporary file that is fsynced and renamed over this one.
import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { CloudTrailEventBackend } from '../core/engine/cloudTrailEventLog';

export const CLOUDTRAIL_EVENT_FILE = 'cloudtrail-events.kmsevents';

const HEADER = Buffer.concat([Buffer.from('KMSPEVENT', 'ascii'), Buffer.from([1, 0, 0, 0, 0, 0, 0])]);
const FRAME_BYTES = 8;

function frame(record: Uint8Array): Buffer {
  const head = Buffer.alloc(FRAME_BYTES);
  head.writeUInt32LE(record.length, 0);
  head.writeUInt32LE(crc32(record), 4);
  return Buffer.concat([head, record]);
}

/** Opens (or creates) the event file in the store folder `directory`, which the caller holds locked. */
export async function openCloudTrailEventFile(directory: string): Promise<CloudTrailEventBackend> {
  const path = join(directory, CLOUDTRAIL_EVENT_FILE);
  let handle: FileHandle | undefined;
  let end = 0;

  /** The store is on read-only media (it opens and serves reads): events are read, not written. */
  let readOnly = false;
  const open = async (): Promise<FileHandle | undefined> => {
    let opened: FileHandle;
    try {
      opened = await fs.open(path, 'a+', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EROFS') throw error;
      readOnly = true;
      try {
        return await fs.open(path, 'r');
      } catch {
        return undefined; // no events were kept
      }
    }
    const { size } = await opened.stat();
    if (size === 0) await opened.write(HEADER, 0, HEADER.length, 0);
    return opened;
  };
  const readOnlyError = () => Object.assign(new Error('EROFS: the store is on a read-only file system'), { code: 'EROFS' });

  return {
    async read() {
      handle ??= await open();
      if (!handle) return [];
      const bytes = await handle.readFile();
      const records: Uint8Array[] = [];
      let offset = HEADER.length;
      if (bytes.length < HEADER.length || !bytes.subarray(0, HEADER.length).equals(HEADER)) {
        if (readOnly) return records;
        // Not ours, or a header torn when the file was created: start again.
        await handle.truncate(0);
        await handle.write(HEADER, 0, HEADER.length, 0);
        end = HEADER.length;
        return records;
      }
      while (offset + FRAME_BYTES <= bytes.length) {
        const length = bytes.readUInt32LE(offset);
        const record = bytes.subarray(offset + FRAME_BYTES, offset + FRAME_BYTES + length);
        if (record.length !== length || crc32(record) !== bytes.readUInt32LE(offset + 4)) break;
        records.push(Buffer.from(record));
        offset += FRAME_BYTES + length;
      }
      if (offset !== bytes.length && !readOnly) await handle.truncate(offset);
      end = offset;
      return records;
    },
    async append(record) {
      handle ??= await open();
      if (readOnly || !handle) throw readOnlyError();
      const bytes = frame(record);
      try {
        // 'a+' appends whatever the position; `end` is where the next frame starts.
        await handle.write(bytes, 0, bytes.length);
        end += bytes.length;
      } catch (error) {
        // Leave no partial frame behind a failed write (a full disk answers after a short one).
        await handle.truncate(end).catch(() => undefined);
        throw error;
      }
    },
    async replace(records) {
      if (readOnly) throw readOnlyError();
      const temporary = `${path}.${process.pid}.tmp`;
      const out = await fs.open(temporary, 'w', 0o600);
      try {
        await out.write(Buffer.concat([HEADER, ...records.map(frame)]));
        await out.sync();
      } finally {
        await out.close();
      }
      await handle?.close();
      handle = undefined;
      await fs.rename(temporary, path);
      const folder = await fs.open(directory, fsConstants.O_RDONLY);
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
      handle = await open();
      end = handle ? (await handle.stat()).size : 0;
    },
    async close() {
      if (!handle) return;
      const closing = handle;
      handle = undefined;
      try {
        if (!readOnly) await closing.sync();
      } finally {
        await closing.close();
      }
    },
  };
}
