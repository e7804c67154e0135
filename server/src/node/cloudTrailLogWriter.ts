// Writes the engine's CloudTrail events as a trail delivers them: gzipped `{"Records": [...]}`
// files in the AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ layout under a folder.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cloudTrailLogFiles } from '../core/engine/cloudTrailLogFiles';
import type { JsonObject } from '../core/engine/kmsEngineApi';

/** Writes the log files under `directory` (created if missing); answers their paths. */
export function writeCloudTrailLogFiles(directory: string, events: Iterable<JsonObject>): string[] {
  const root = resolve(directory);
  // CloudTrail names each delivery with a 16-character unique string.
  const fileId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
  const written: string[] = [];
  for (const file of cloudTrailLogFiles(events, fileId)) {
    const path = join(root, ...file.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gzipSync(JSON.stringify(file.content)));
    written.push(path);
  }
  return written;
}
