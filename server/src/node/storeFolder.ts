// The engine store's folder: owner-only (0700), and ignored by git from the moment it exists.
// `serve` puts it in the current folder by default, often a repository, and it holds the
// encrypted state and possibly the root key: like Python's venv, it carries a `.gitignore`
// of `*` so that `git add .` never takes it.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export const STORE_GITIGNORE = '.gitignore';

/** Creates the folder (and its parents) when missing, with its `.gitignore`; an existing folder is left as it is. */
export async function ensureStoreFolder(directory: string): Promise<void> {
  const created = await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  await fs.writeFile(join(directory, STORE_GITIGNORE), '# Created by kms-policy: the engine store (encrypted state, root key) stays out of git.\n*\n', { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
