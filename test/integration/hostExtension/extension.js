// Runs the bundled integration suite inside this extension host (code-server has no
// `--extensionTestsPath`): KMS_STUDIO_TEST_SUITE names the suite's entry, and the outcome of
// every test is written as JSON to KMS_STUDIO_TEST_RESULTS for the runner outside to read.
'use strict';
const { writeFileSync, renameSync } = require('node:fs');

function writeResults(file, results) {
  // Written whole, then renamed, so the runner never reads half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${file}.tmp`, file);
}

async function activate() {
  const suite = process.env.KMS_STUDIO_TEST_SUITE;
  const resultsFile = process.env.KMS_STUDIO_TEST_RESULTS;
  if (!suite || !resultsFile) return;
  try {
    const { runWithResults } = require(suite);
    writeResults(resultsFile, await runWithResults());
  } catch (error) {
    writeResults(resultsFile, {
      passed: 0,
      failed: 1,
      tests: [{ title: 'load the integration suite', state: 'failed', durationMs: 0, output: [], error: String(error && error.stack || error) }],
    });
  }
}

module.exports = { activate, deactivate() {} };
