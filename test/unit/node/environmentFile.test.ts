// The one reader of environment files: references resolve against the environment file's own
// folder whatever the working directory, and an unreadable file says so with its absolute path.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parseEnvironmentFile, readEnvironmentFile, readFromDisk } from '../../../server/src/node/environmentFile';

test('policy files resolve relative to the environment file, and open documents can stand in for the disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
  try {
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'app.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }));
    writeFileSync(join(dir, 'kms-environment.json'), JSON.stringify({
      accounts: [{ id: '111122223333' }],
      principals: [{ arn: 'arn:aws:iam::111122223333:role/App', identityPolicies: [{ policyFile: 'policies/app.json' }] }],
    }));
    const viaRelativePath = readEnvironmentFile(relative(process.cwd(), join(dir, 'kms-environment.json')));
    assert.equal(viaRelativePath.principals[0]!.identityPolicies.length, 1);
    const unsaved = parseEnvironmentFile(join(dir, 'kms-environment.json'), (path) =>
      path.endsWith('app.json') ? JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }] }) : readFromDisk(path),
    );
    assert.equal((unsaved.environment!.principals[0]!.identityPolicies[0] as { Statement: { Effect: string }[] }).Statement[0]!.Effect, 'Deny');
    const missing = parseEnvironmentFile(join(dir, 'nope.json'));
    assert.equal(missing.unreadable, true);
    assert.match(missing.issues[0]!.message, /Cannot read the environment file .*nope\.json: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
