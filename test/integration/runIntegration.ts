// The integration tier: the mocha suite in test/integration/suite runs inside a real VS Code
// extension host, with the extension installed exactly as its .vsix ships it.
//   - Where VS Code desktop can be downloaded (and shown), @vscode/test-electron runs it.
//   - Otherwise code-server (from `npm run tools`) hosts it: a small test-runner extension
//     loads the suite named by KMS_STUDIO_TEST_SUITE and writes the outcome to
//     KMS_STUDIO_TEST_RESULTS. code-server starts an extension host only for a connected
//     window, so headless Chromium opens the workbench.
// Exit codes: 0 all passed, 1 failures, 77 skipped because the tools are not on this machine.
// KMS_STUDIO_INTEGRATION_HOST=electron|code-server forces a host.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, prepareProfile, startCodeServer } from '../../scripts/codeServer.mjs';
import { REPO_ROOT, missingCodeServerTools } from '../../scripts/toolPaths.mjs';
import { bundleSuite } from '../support/suiteBundle';
import { missingChromium, openWorkbench } from '../support/workbenchBrowser';
import type { SuiteResults } from './suite/index';
import { bundleYamlServerExtension } from './yamlServerExtension/bundleYamlServerExtension';

const SKIPPED = 77;
const OUTPUT_DIR = join(REPO_ROOT, 'test', 'output', 'integration');
const RESULTS_FILE = join(OUTPUT_DIR, 'results.json');
const DEMO_WORKSPACE = join(REPO_ROOT, 'examples');
// A stand-in for HashiCorp's Terraform extension (plain JavaScript, installed as it is): terraformCoexistence.test.ts.
const TERRAFORM_STAND_IN_EXTENSION = join(REPO_ROOT, 'test', 'integration', 'terraformStandInExtension');
const SUITE_TIMEOUT_MS = 5 * 60_000;

const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[integration] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ensureBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'dist', 'client', 'extension.js'))) return;
  log('building the extension (dist/ is missing) ...');
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
}

/** True when VS Code desktop could be downloaded and shown here; answers within a few seconds. */
async function desktopAvailable(): Promise<boolean> {
  if (process.platform === 'linux' && !process.env.DISPLAY) return false;
  try {
    const response = await fetch('https://update.code.visualstudio.com/api/releases/stable', { signal: AbortSignal.timeout(4_000) });
    return response.ok;
  } catch {
    return false;
  }
}

async function runInElectron(suiteEntry: string, yamlServerExtension: string): Promise<SuiteResults | null> {
  const { runTests } = await import('@vscode/test-electron');
  log('host: VS Code desktop via @vscode/test-electron');
  const code = await runTests({
    extensionDevelopmentPath: [REPO_ROOT, yamlServerExtension, TERRAFORM_STAND_IN_EXTENSION],
    extensionTestsPath: suiteEntry,
    launchArgs: [DEMO_WORKSPACE, '--disable-workspace-trust'],
    extensionTestsEnv: { KMS_STUDIO_TEST_RESULTS: RESULTS_FILE },
  }).catch(() => 1);
  return existsSync(RESULTS_FILE) ? readResults() : code === 0 ? null : { passed: 0, failed: 1, tests: [] };
}

function readResults(): SuiteResults {
  return JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as SuiteResults;
}

async function runInCodeServer(suiteEntry: string, yamlServerExtension: string): Promise<SuiteResults> {
  log('host: code-server (VS Code for the browser) with headless Chromium');
  const profile = prepareProfile();
  let keepProfile = false;
  const extension = await installExtension(profile.extensionsDir);
  await installExtension(profile.extensionsDir, { extensionRoot: join(REPO_ROOT, 'test', 'integration', 'hostExtension') });
  // Red Hat's YAML language server beside ours, in this test profile only (yamlCoexistence.test.ts).
  await installExtension(profile.extensionsDir, { extensionRoot: yamlServerExtension });
  await installExtension(profile.extensionsDir, { extensionRoot: TERRAFORM_STAND_IN_EXTENSION });
  log(`installed ${extension} as the .vsix ships it`);
  let t = Date.now();
  const server = await startCodeServer({
    folder: DEMO_WORKSPACE,
    profile,
    env: { KMS_STUDIO_TEST_SUITE: suiteEntry, KMS_STUDIO_TEST_RESULTS: RESULTS_FILE },
  });
  log(`code-server answered on ${server.url} in ${seconds(t)}`);
  let workbench: Awaited<ReturnType<typeof openWorkbench>> | undefined;
  try {
    t = Date.now();
    workbench = await openWorkbench(server.workbenchUrl());
    log(`workbench opened in Chromium in ${seconds(t)}; waiting for the suite ...`);
    const deadline = Date.now() + SUITE_TIMEOUT_MS;
    let serverExit: unknown = null;
    void server.exited.then((exit) => { serverExit = exit; });
    while (!existsSync(RESULTS_FILE)) {
      if (serverExit) throw new Error(`code-server exited before the suite finished: ${JSON.stringify(serverExit)}`);
      if (Date.now() > deadline) throw new Error(`the suite wrote no results within ${SUITE_TIMEOUT_MS / 1000} s`);
      await sleep(250);
    }
    log(`suite finished in ${seconds(t)}`);
    const results = readResults();
    if (results.failed > 0) await saveWorkbenchScreenshot(workbench);
    return results;
  } catch (error) {
    keepProfile = true;
    if (workbench) await saveWorkbenchScreenshot(workbench);
    log(`code-server log: ${server.logFile}`);
    throw error;
  } finally {
    await workbench?.close();
    await server.stop();
    if (!keepProfile) profile.remove();
  }
}

/** What the window showed when the suite failed (a modal dialog left open stalls a test, say). */
async function saveWorkbenchScreenshot(workbench: Awaited<ReturnType<typeof openWorkbench>>): Promise<void> {
  const path = join(OUTPUT_DIR, 'workbench-at-failure.png');
  await workbench.page.screenshot({ path }).then(() => log(`the window at the end: ${path}`), () => undefined);
}

function report(results: SuiteResults): void {
  for (const test of results.tests) {
    console.log(`  ${test.state === 'passed' ? 'ok  ' : 'FAIL'} ${test.title} (${Math.round(test.durationMs)} ms)`);
    for (const line of test.output) console.log(`         ${line}`);
    if (test.error) console.log(test.error.split('\n').map((line) => `         ${line}`).join('\n'));
  }
  console.log(`integration: ${results.passed} passed, ${results.failed} failed (${seconds(started)})`);
}

async function main(): Promise<number> {
  ensureBuilt();
  rmSync(RESULTS_FILE, { force: true });
  const suiteEntry = await bundleSuite(join(REPO_ROOT, 'test', 'integration', 'suite'), join(OUTPUT_DIR, 'suite'));
  const yamlServerExtension = await bundleYamlServerExtension(join(OUTPUT_DIR, 'yamlServerExtension'));

  const forced = process.env.KMS_STUDIO_INTEGRATION_HOST;
  if (forced === 'electron' || (!forced && (await desktopAvailable()))) {
    const results = await runInElectron(suiteEntry, yamlServerExtension);
    if (!results) throw new Error('VS Code desktop ran the suite but it wrote no results');
    report(results);
    return results.failed === 0 && results.passed > 0 ? 0 : 1;
  }

  const missing = [...missingCodeServerTools(), missingChromium()].filter((m): m is string => Boolean(m));
  if (missing.length) {
    console.log(`integration: skipped. VS Code desktop cannot be downloaded here, and code-server's tools are missing: ${missing.join('; ')}.`);
    console.log('Install them with `npm run tools` (and Debian chromium); .ci/run does both.');
    return SKIPPED;
  }
  const results = await runInCodeServer(suiteEntry, yamlServerExtension);
  report(results);
  return results.failed === 0 && results.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[integration] ${error instanceof Error ? error.message : String(error)}`);
    console.log('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
