// Runs every benchmark (`test/bench/*Bench.ts`) in sequence, each in its own process so one
// bench's warm caches and garbage do not colour the next one's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(benchDir)
  .filter((name) => name.endsWith('Bench.ts'))
  .sort();

if (!benches.length) {
  console.error(`No *Bench.ts files in ${benchDir}.`);
  process.exit(1);
}

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, name)], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed++;
    console.log(`=== ${name} FAILED (exit ${result.status ?? result.signal}) after ${seconds} s ===`);
  } else {
    console.log(`=== ${name} done in ${seconds} s ===`);
  }
}
console.log(`\n${benches.length - failed} of ${benches.length} benchmarks ran.`);
process.exit(failed ? 1 : 0);
