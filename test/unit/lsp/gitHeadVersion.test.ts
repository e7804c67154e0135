// Why git gave no HEAD version, in words: every case is "not under git" with a reason, never an error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notUnderGitReason } from '../../../server/src/lsp/gitHeadVersion';

const failed = (stderr: string) => notUnderGitReason({ code: 128, killed: false, message: 'Command failed' }, stderr);

describe('git HEAD version', () => {
  it('names each way a file has no HEAD version', () => {
    assert.equal(notUnderGitReason({ code: 'ENOENT', message: 'spawn git ENOENT' }, ''), 'git is not installed (or not on the PATH)');
    assert.equal(notUnderGitReason({ code: null, killed: true, message: 'killed' }, ''), 'git did not answer within 5 s');
    assert.equal(failed('fatal: not a git repository (or any of the parent directories): .git\n'), 'the folder is not in a git repository');
    assert.equal(failed("fatal: path 'k.json' exists on disk, but not in 'HEAD'\n"), 'the file is not in HEAD (untracked or new)');
    assert.equal(failed("fatal: path 'k.json' does not exist in 'HEAD'\n"), 'the file is not in HEAD (untracked or new)');
    assert.equal(failed("fatal: invalid object name 'HEAD'.\n"), 'the repository has no commit yet');
    assert.equal(failed("fatal: detected dubious ownership in repository at '/r'\n"), 'git refuses the repository (owned by another user: see git config safe.directory)');
    assert.equal(failed('fatal: something else\nmore\n'), 'git show failed: fatal: something else');
  });
});
