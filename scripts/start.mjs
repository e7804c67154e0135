// `npm start`: the extension on a copy of the demo workspace `examples/` (made once under
// .tools/start-profile/demo/, so edits never touch tracked files), with the embedded engine.
//   - VS Code desktop when `code` is on PATH: `code --extensionDevelopmentPath=<repo> <copy>`.
//   - Otherwise code-server (VS Code in the browser) on 127.0.0.1, installing it first with
//     `npm run tools` when missing (after checking, in a moment, the Debian packages its build
//     needs), and printing the URL to open. The first run shows the walkthrough. Ctrl-C stops it.
// Options: --web (use code-server even when `code` exists), --port N (default 8080, or the
// next free port). Rebuild (`npm run build` or `npm run watch`) and reload the window to see changes.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, installExtension, prepareProfile, startCodeServer } from './codeServer.mjs';
import { prepareDemoWorkspace, START_SETTINGS } from './demoWorkspace.mjs';
import { missingBuildPrerequisites, prerequisitesMessage } from './prerequisites.mjs';
import { REPO_ROOT, TOOLS_DIR, missingCodeServerTools } from './toolPaths.mjs';
import { fileURLToPath } from 'node:url';
import { ensureSupportedNode } from './nodeVersion.mjs';

// First: an older Node re-runs this under .tools/'s Node 24 or stops here, before any work.
ensureSupportedNode(fileURLToPath(import.meta.url), 'start');

const PROFILE_ROOT = join(TOOLS_DIR, 'start-profile');
const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : Number(process.env.PORT ?? 8080);

function say(message) {
  console.log(`[start] ${message}`);
}

function build() {
  say('building the extension, language server and CLI ...');
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[start] the build failed; fix the errors above and run `npm start` again.');
    process.exit(1);
  }
}

function hasDesktopCode() {
  const probe = spawnSync('code', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return probe.status === 0;
}

function startDesktop() {
  const workspace = prepareDemoWorkspace(PROFILE_ROOT);
  say(`opening VS Code desktop on the demo workspace (${workspace}, a copy of examples/) with the extension loaded from this folder`);
  const child = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, workspace], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

/** The requested port when it is free, otherwise any free one. */
async function choosePort() {
  const { createServer } = await import('node:net');
  const free = await new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(portArg, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? portArg : freePort();
}

async function startWeb() {
  if (missingCodeServerTools().length) {
    say('VS Code desktop (`code`) is not on PATH, so the extension runs in code-server, VS Code in the browser.');
    say('code-server is not installed yet: installing it and Node 24 from npm into .tools/ (once, a few minutes) ...');
    const install = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'installTools.mjs')], { stdio: 'inherit' });
    if (install.status !== 0) process.exit(install.status ?? 1);
  }
  // A lasting profile, so settings and the engine's keys survive restarts; the extension is a
  // link to this working tree, so a rebuild plus "Developer: Reload Window" shows changes.
  const profile = prepareProfile({ root: PROFILE_ROOT, settings: START_SETTINGS, keepUserSettings: true });
  await installExtension(profile.extensionsDir, { link: true });
  const workspace = prepareDemoWorkspace(PROFILE_ROOT);
  const port = await choosePort();
  const server = await startCodeServer({ folder: workspace, profile, port });
  say(`code-server is running on the demo workspace ${workspace} (a copy of examples/). Open this URL in a browser:\n\n    ${server.workbenchUrl()}\n`);
  say(`log: ${server.logFile}. Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping code-server ...`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const exit = await server.exited;
  if (!stopping) {
    console.error(`[start] code-server exited on its own (${JSON.stringify(exit)}); see ${server.logFile}`);
    process.exit(1);
  }
}

const desktop = !forceWeb && hasDesktopCode();
// Stop in seconds, not minutes into code-server's install, when its native build cannot succeed.
if (!desktop && missingCodeServerTools().length) {
  const missing = prerequisitesMessage(missingBuildPrerequisites());
  if (missing) {
    console.error(`[start] ${missing}`);
    process.exit(1);
  }
}
build();
if (desktop) startDesktop();
else await startWeb();
