// Runs the test tiers, cheapest first: build, type-check and lint, then unit, protocol, sdk,
// integration (a real VS Code extension host) and e2e (a real VS Code in Chromium).
// `node scripts/test.mjs [tier...]` runs only the named tiers. A tier whose tools are not on
// this machine reports itself skipped (exit code 77) and the run goes on.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSupportedNode } from './nodeVersion.mjs';
import { skipReasons, tierCounts } from './testSummary.mjs';

// First: an older Node re-runs this under .tools/'s Node 24 or stops here, before any work.
ensureSupportedNode(fileURLToPath(import.meta.url), 'test');

const NODE_TIERS = ['unit', 'protocol', 'sdk'];
const HOST_TIERS = { integration: 'test/integration/runIntegration.ts', e2e: 'test/e2e/runE2e.ts' };
const ALL = [...NODE_TIERS, ...Object.keys(HOST_TIERS)];
const SKIPPED = 77;

const requested = process.argv.slice(2);
const unknown = requested.filter((t) => !ALL.includes(t));
if (unknown.length) {
  console.error(`Unknown tier(s): ${unknown.join(', ')}. Tiers: ${ALL.join(', ')}`);
  process.exit(2);
}
const tiers = requested.length ? requested : ALL;

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  }).sort();
}

/** Runs a command, streaming its output, and returns its exit code and everything it printed. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { output += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const summary = [];
let failed = false;
const started = Date.now();

for (const step of [['build', ['esbuild.mjs']], ['typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']], ['lint', ['node_modules/eslint/bin/eslint.js', '.']]]) {
  const t = Date.now();
  const { code } = await run(process.execPath, step[1]);
  summary.push(`${step[0].padEnd(12)} ${code === 0 ? 'ok' : 'FAILED'} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  if (code !== 0) failed = true;
}

let totalPass = 0;
let totalFail = 0;
let totalSkipped = 0;
/** Why tests were skipped, over all tiers: shown at the end, where a reader looks. */
const skipped = [];
for (const tier of tiers) {
  const t = Date.now();
  let result;
  if (NODE_TIERS.includes(tier)) {
    const files = testFiles(join('test', tier));
    if (!files.length) {
      summary.push(`${tier.padEnd(12)} FAILED: no test files under test/${tier}`);
      failed = true;
      continue;
    }
    result = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files]);
  } else {
    result = await run(process.execPath, ['--import', 'tsx', HOST_TIERS[tier]]);
  }
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  if (result.code === SKIPPED) {
    summary.push(`${tier.padEnd(12)} skipped (tools not present; .ci/run installs them) (${seconds} s)`);
    continue;
  }
  const { pass, fail, skipped: skips } = tierCounts(result.output);
  totalPass += pass;
  totalFail += fail;
  totalSkipped += skips;
  for (const { reason, count } of skipReasons(result.output)) skipped.push(`${tier}: ${count} skipped: ${reason}`);
  const ok = result.code === 0 && fail === 0 && pass > 0;
  if (!ok) failed = true;
  summary.push(`${tier.padEnd(12)} ${ok ? 'ok' : 'FAILED'}: ${pass} passed, ${fail} failed${skips ? `, ${skips} skipped` : ''} (${seconds} s)`);
}

console.log(`\nTest tiers (${((Date.now() - started) / 1000).toFixed(1)} s in all):`);
for (const line of summary) console.log(`  ${line}`);
if (skipped.length) {
  console.log('Skipped tests:');
  for (const line of skipped) console.log(`  ${line}`);
}
console.log(`${totalPass} passed, ${totalFail} failed${totalSkipped ? `, ${totalSkipped} skipped (reasons above)` : ''}`);
process.exit(failed ? 1 : 0);
