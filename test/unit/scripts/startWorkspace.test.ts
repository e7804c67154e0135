// What `npm start` checks and opens: the Debian packages code-server's build needs, named with
// the exact command before any long install, and a copy of the demo workspace, never examples/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { prepareDemoWorkspace, START_SETTINGS } from '../../../scripts/demoWorkspace.mjs';
import { missingBuildPrerequisites, prerequisitesMessage } from '../../../scripts/prerequisites.mjs';

const root = join(import.meta.dirname, '../../..');

describe('npm start on a fresh machine', () => {
  it('names the exact apt-get command for what code-server\'s build lacks', () => {
    const bare = { command: () => false, file: () => false };
    assert.equal(
      prerequisitesMessage(missingBuildPrerequisites(bare)),
      'code-server builds native modules while it installs, and this machine lacks a C/C++ compiler and make, Python 3 (node-gyp), the Kerberos headers (gssapi/gssapi.h).\n' +
        'Install them, then run this again:\n\n    sudo apt-get install -y build-essential python3 libkrb5-dev\n',
    );
    const noKerberos = { command: () => true, file: (path: string) => path !== '/usr/include/gssapi/gssapi.h' };
    assert.deepEqual(missingBuildPrerequisites(noKerberos).map((p) => p.debianPackage), ['libkrb5-dev']);
    assert.equal(prerequisitesMessage(missingBuildPrerequisites({ command: () => true, file: () => true })), null);
  });

  it('the README\'s Quick start and .ci/run name the same packages', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.match(readme, /sudo apt-get install -y build-essential python3 libkrb5-dev/);
    assert.match(readFileSync(join(root, '.ci/run'), 'utf8'), /node scripts\/prerequisites\.mjs/);
  });

  it('opens a copy of the demo whose $schema paths resolve, made once so edits survive a restart', () => {
    const profile = mkdtempSync(join(tmpdir(), 'kms-start-'));
    const workspace = prepareDemoWorkspace(profile);
    assert.notEqual(resolve(workspace), resolve(root, 'examples'));
    const environment = join(workspace, 'kms-environment.json');
    assert.equal(readFileSync(environment, 'utf8'), readFileSync(join(root, 'examples/kms-environment.json'), 'utf8'));
    const schemaRef = (JSON.parse(readFileSync(environment, 'utf8')) as { $schema: string }).$schema;
    assert.ok(existsSync(resolve(dirname(environment), schemaRef)), schemaRef);
    writeFileSync(join(workspace, 'key-policy.json'), '{"edited": true}');
    assert.equal(prepareDemoWorkspace(profile), workspace);
    assert.equal(readFileSync(join(workspace, 'key-policy.json'), 'utf8'), '{"edited": true}');
  });

  it('shows the walkthrough when it starts (the start profile only; test profiles stay quiet)', () => {
    assert.equal(START_SETTINGS['workbench.welcomePage.walkthroughs.openOnInstall'], true);
    assert.equal(START_SETTINGS['workbench.startupEditor'], 'welcomePage');
  });
});
