// The e2e tier: a real VS Code (code-server) in a real browser (Debian Chromium driven by
// playwright-core), with the extension installed as its .vsix ships it, opened on a copy of the
// demo workspace. Each step of the user journey runs in turn, prints its outcome and saves a
// screenshot under test/output/e2e. Exit codes: 0 all passed, 1 failures, 77 skipped because
// Chromium or code-server is not on this machine. KMS_STUDIO_E2E_WORKSPACE names another
// folder to copy instead of examples/. The copy is made a git repository with everything
// committed, as a user's checkout is (the access diff lens compares with HEAD).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, prepareProfile, startCodeServer } from '../../scripts/codeServer.mjs';
import { prepareDemoWorkspace } from '../../scripts/demoWorkspace.mjs';
import { REPO_ROOT, missingCodeServerTools } from '../../scripts/toolPaths.mjs';
import { missingChromium, openWorkbench } from '../support/workbenchBrowser';
import { journey, prepareJourneyWorkspace } from './userJourney';
import { WorkbenchDriver } from './workbenchDriver';

const SKIPPED = 77;
const OUTPUT_DIR = join(REPO_ROOT, 'test', 'output', 'e2e');
const STEP_TIMEOUT_MS = 120_000;

const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (message: string) => console.log(`[e2e] ${message}`);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Makes the workspace a git repository with every file committed, as a checkout is. */
function commitWorkspace(folder: string): void {
  const identity = ['-c', 'user.name=KMS Studio e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'The demo workspace as committed']]) {
    const git = spawnSync('git', [...identity, ...args], { cwd: folder, encoding: 'utf8' });
    if (git.status !== 0) throw new Error(`git ${args[0]} in ${folder} failed: ${git.stderr || git.error?.message}`);
  }
}

async function main(): Promise<number> {
  const missing = [...missingCodeServerTools(), missingChromium()].filter((m): m is string => Boolean(m));
  if (missing.length) {
    console.log(`e2e: skipped. Missing: ${missing.join('; ')}. \`npm run tools\` installs code-server; .ci/run installs everything.`);
    return SKIPPED;
  }
  if (!existsSync(join(REPO_ROOT, 'dist', 'client', 'extension.js'))) {
    log('building the extension (dist/ is missing) ...');
    if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' }).status !== 0) throw new Error('the build failed');
  }
  rmSync(OUTPUT_DIR, { recursive: true, force: true });
  mkdirSync(OUTPUT_DIR, { recursive: true });

  const profile = prepareProfile();
  // A copy of the demo workspace (as `npm start` opens it), so nothing the journey does can touch examples/.
  const other = process.env.KMS_STUDIO_E2E_WORKSPACE;
  const workspace = other ? join(profile.root, 'examples') : prepareDemoWorkspace(profile.root);
  if (other) cpSync(other, workspace, { recursive: true });
  prepareJourneyWorkspace(workspace);
  commitWorkspace(workspace);
  await installExtension(profile.extensionsDir);

  let t = Date.now();
  const server = await startCodeServer({ folder: workspace, profile });
  log(`code-server answered on ${server.url} in ${seconds(t)}`);
  let passed = 0;
  let failed = 0;
  let keepProfile = false;
  try {
    t = Date.now();
    const workbench = await openWorkbench(server.workbenchUrl());
    try {
      const vscode = new WorkbenchDriver(workbench.page);
      await vscode.waitUntilReady('examples');
      log(`workbench ready in Chromium in ${seconds(t)}`);
      for (const [index, step] of journey.entries()) {
        t = Date.now();
        const shot = join(OUTPUT_DIR, step.screenshot);
        try {
          await withTimeout(step.run(vscode), STEP_TIMEOUT_MS, step.name);
          await vscode.screenshot(shot);
          passed++;
          console.log(`  ok   ${index + 1}. ${step.name} (${seconds(t)}) -> ${shot}`);
        } catch (error) {
          failed++;
          const failedShot = shot.replace(/\.png$/, '-FAILED.png');
          await vscode.screenshot(failedShot).catch(() => undefined);
          console.log(`  FAIL ${index + 1}. ${step.name} (${seconds(t)}) -> ${failedShot}`);
          console.log(String(error instanceof Error ? error.message : error).split('\n').map((line) => `         ${line}`).join('\n'));
          // Leave whatever prompt or menu the failed step left open, so the next step starts clean.
          for (let i = 0; i < 3; i++) await workbench.page.keyboard.press('Escape').catch(() => undefined);
        }
      }
    } finally {
      await workbench.close();
    }
  } catch (error) {
    keepProfile = true;
    throw error;
  } finally {
    await server.stop();
    if (failed > 0 || keepProfile) log(`code-server log kept: ${server.logFile}`);
    else profile.remove();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed (${seconds(started)})`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[e2e] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
