// The workspace `npm start` opens: a copy of the demo (examples/ with the schemas its `$schema`
// paths name, `../schemas/...`) in the start profile, made once. code-server saves as you type,
// so trying a quick fix in it must never change the repository's tracked files.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './toolPaths.mjs';

/** Copies the demo under `profileRoot` unless an earlier start made it; returns the folder to open. */
export function prepareDemoWorkspace(profileRoot, repoRoot = REPO_ROOT) {
  const base = join(profileRoot, 'demo');
  const workspace = join(base, 'examples');
  if (!existsSync(workspace)) {
    mkdirSync(base, { recursive: true });
    cpSync(join(repoRoot, 'schemas'), join(base, 'schemas'), { recursive: true });
    cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
  }
  return workspace;
}

/** Settings of the start profile beyond the quiet ones: the Welcome page, with the extension's walkthrough, opens at start. */
export const START_SETTINGS = {
  'workbench.welcomePage.walkthroughs.openOnInstall': true,
  'workbench.startupEditor': 'welcomePage',
};
