// Reads CloudTrail logs from disk: one file (`.json` or gzipped `.json.gz`, as a trail delivers
// them), or a folder searched recursively, such as a copy of a trail's bucket in the
// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ layout or what `kms-policy serve` exports.
// Digest and Insights files share the layout but hold no API calls (AWS CloudTrail User Guide,
// "CloudTrail log file integrity validation": digest files go to a CloudTrail-Digest folder;
// Insights events to CloudTrail-Insight): they are passed over.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CloudTrailLogError, parseCloudTrailLog, type CloudTrailRecord } from '../core/cloudtrail/cloudTrailLogParser';

export interface CloudTrailLogs {
  readonly records: CloudTrailRecord[];
  readonly files: readonly string[];
}

const LOG_FILE = /\.json(\.gz)?$/i;
const NOT_API_CALLS = new Set(['CloudTrail-Digest', 'CloudTrail-Insight']);

/** Every record of the log file or of the log files under the folder; throws CloudTrailLogError naming the file at fault. */
export function readCloudTrailLogs(path: string): CloudTrailLogs {
  const files = findCloudTrailLogFiles(path);
  return { records: [...cloudTrailRecords(files)], files };
}

/** The log file itself, or the log files under the folder, in name order. */
export function findCloudTrailLogFiles(path: string): string[] {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CloudTrailLogError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`);
  }
  const files = folder ? logFilesUnder(path) : [path];
  if (!files.length) throw new CloudTrailLogError(`${path} holds no CloudTrail log files (*.json, *.json.gz)`);
  return files;
}

/**
 * The records of the files, one file at a time: a day of a busy trail is hundreds of megabytes
 * of JSON, and a file's records can be let go once they are read.
 */
export function* cloudTrailRecords(files: readonly string[]): Generator<CloudTrailRecord> {
  for (const file of files) yield* parseCloudTrailLog(readLogText(file), file);
}

function logFilesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_API_CALLS.has(entry.name)) walk(path);
      } else if (entry.isFile() && LOG_FILE.test(entry.name)) {
        found.push(path);
      }
    }
  };
  walk(folder);
  return found;
}

function readLogText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CloudTrailLogError(`cannot read ${file}: ${(error as Error).message}`);
  }
  // Gzip by its magic number, whatever the name says: CloudTrail's files are gzipped JSON.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new CloudTrailLogError(`${file} is not a readable gzip file: ${(error as Error).message}`);
    }
  }
  return bytes.toString('utf8');
}
