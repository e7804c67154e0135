// A file's version in HEAD, read with `git show HEAD:./<name>` in the file's folder. Git runs the
// repository's configuration (fsmonitor, filters), so callers ask only in a trusted workspace.
// Every way of not having a HEAD version (no git, no repository, no commit, an untracked file) is
// an answer with a reason, never an error.
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export type HeadVersion = { readonly text: string } | { readonly notUnderGit: string };

const TIMEOUT_MS = 5000;
const MAX_BYTES = 8 * 1024 * 1024;

/** Why git gave no HEAD version, in words, from its exit and message. */
export function notUnderGitReason(error: Pick<ExecFileException, 'code' | 'killed' | 'message'>, stderr: string): string {
  if (error.code === 'ENOENT') return 'git is not installed (or not on the PATH)';
  if (error.killed) return `git did not answer within ${TIMEOUT_MS / 1000} s`;
  if (/not a git repository/i.test(stderr)) return 'the folder is not in a git repository';
  if (/exists on disk, but not in|does not exist in/i.test(stderr)) return 'the file is not in HEAD (untracked or new)';
  if (/invalid object name|bad revision|unknown revision|ambiguous argument 'HEAD'/i.test(stderr)) return 'the repository has no commit yet';
  if (/dubious ownership/i.test(stderr)) return 'git refuses the repository (owned by another user: see git config safe.directory)';
  return `git show failed: ${stderr.trim().split('\n')[0] || error.message}`;
}

export function gitHeadVersion(path: string): Promise<HeadVersion> {
  // A missing folder makes the spawn fail as a missing git would.
  if (!existsSync(dirname(path))) return Promise.resolve({ notUnderGit: 'the file is not saved on disk' });
  return new Promise((resolve) => {
    execFile(
      'git',
      ['--no-pager', 'show', `HEAD:./${basename(path)}`],
      { cwd: dirname(path), timeout: TIMEOUT_MS, maxBuffer: MAX_BYTES, encoding: 'utf8', windowsHide: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout, stderr) => resolve(error ? { notUnderGit: notUnderGitReason(error, String(stderr)) } : { text: stdout }),
    );
  });
}
