// `npm test`'s summary counts skipped tests and says why, reading the spec reporter's real output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skipReasons, tierCounts } from '../../../scripts/testSummary.mjs';

function specOutput(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kms-summary-')), 'sample.test.mjs');
  writeFileSync(file, source);
  // Without NODE_TEST_CONTEXT the child reports for itself, as a tier does under scripts/test.mjs.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], { encoding: 'utf8', env });
  return result.stdout;
}

describe('npm test summary', () => {
  it('counts skipped tests and groups them by the reason they give', () => {
    const output = specOutput(`
      import { describe, it } from 'node:test';
      const skip = 'ground truth not found at ../shared/ground-truth/catalog.json';
      describe('recorded errors', () => {
        it('one', { skip }, () => {});
        it('two', { skip }, () => {});
        it('three', (t) => t.skip('openssl missing'));
        it('runs', () => {});
      });
    `);
    assert.deepEqual(tierCounts(output), { pass: 1, fail: 0, skipped: 3 });
    assert.deepEqual(skipReasons(output), [
      { reason: 'ground truth not found at ../shared/ground-truth/catalog.json', count: 2 },
      { reason: 'openssl missing', count: 1 },
    ]);
  });

  it('reads the host tiers\' own counts and finds no skip where none was', () => {
    assert.deepEqual(tierCounts('integration suite\n12 passed, 0 failed\n'), { pass: 12, fail: 0, skipped: 0 });
    assert.deepEqual(skipReasons('✔ runs (1ms)\n'), []);
  });
});
