// The Debian packages code-server's install needs to build its native modules (node-gyp: a C/C++
// toolchain and Python; its kerberos module: the Kerberos headers). Checked in a moment before
// the install, which otherwise fails minutes in with `gssapi/gssapi.h: No such file or directory`.
// `.ci/run` installs the same list (plus chromium and the AWS CLI for the tests).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Each package with the probe that says it is present. */
export const BUILD_PREREQUISITES = [
  { debianPackage: 'build-essential', what: 'a C/C++ compiler and make', present: (has) => has.command('g++') && has.command('make') },
  { debianPackage: 'python3', what: 'Python 3 (node-gyp)', present: (has) => has.command('python3') },
  { debianPackage: 'libkrb5-dev', what: 'the Kerberos headers (gssapi/gssapi.h)', present: (has) => has.file('/usr/include/gssapi/gssapi.h') },
];

const SYSTEM = {
  command: (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0,
  file: (path) => existsSync(path),
};

/** The prerequisites missing here (`has` probes commands and files; the real system by default). */
export function missingBuildPrerequisites(has = SYSTEM) {
  return BUILD_PREREQUISITES.filter((p) => !p.present(has));
}

/** The message that stops an install, naming the exact command to run; null when nothing is missing. */
export function prerequisitesMessage(missing) {
  if (!missing.length) return null;
  return (
    `code-server builds native modules while it installs, and this machine lacks ${missing.map((p) => p.what).join(', ')}.\n` +
    `Install them, then run this again:\n\n    sudo apt-get install -y ${missing.map((p) => p.debianPackage).join(' ')}\n`
  );
}

// `node scripts/prerequisites.mjs` prints the missing Debian packages, space-separated (for .ci/run).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(missingBuildPrerequisites().map((p) => p.debianPackage).join(' '));
}
