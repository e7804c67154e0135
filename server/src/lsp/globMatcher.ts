// Matches file paths against the globs of `kmsPolicyStudio.additionalKeyPolicyGlobs` with
// picomatch, the matcher of the glob libraries VS Code's ecosystem uses, rather than a
// hand-written glob-to-RegExp translation. A glob is relative to wherever the path lies: a glob
// without a slash matches the file name anywhere (`*.kms.json`), and one with a slash matches
// the end of the path (`policies/kms/*.json` as if written `**/policies/kms/*.json`).
import picomatch from 'picomatch';

type Matcher = (path: string) => boolean;

const cache = new Map<string, Matcher>();

function matcherFor(glob: string): Matcher {
  let matcher = cache.get(glob);
  if (!matcher) {
    const relative = glob.replace(/^\.\//, '');
    const anchored = relative.startsWith('/') || relative.startsWith('**/') ? relative : `**/${relative}`;
    matcher = picomatch(anchored, { dot: true });
    if (cache.size < 1_000) cache.set(glob, matcher);
  }
  return matcher;
}

export function matchesAnyGlob(path: string, globs: readonly string[]): boolean {
  const normalized = path.replace(/\\/g, '/');
  return globs.some((glob) => matcherFor(glob)(normalized));
}
