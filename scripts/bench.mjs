// `npm run bench`: the benchmarks under a supported Node (see nodeVersion.mjs), each in its own
// process (test/bench/runAll.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureSupportedNode } from './nodeVersion.mjs';

ensureSupportedNode(fileURLToPath(import.meta.url), 'bench');
const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/runAll.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
