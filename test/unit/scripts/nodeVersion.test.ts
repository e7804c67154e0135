// The supported Node range, held the same by package.json, .ci/run and what `npm start` and
// `npm test` do on an older Node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MIN_NODE_MAJOR, nodeMajor, nodeVersionPlan } from '../../../scripts/nodeVersion.mjs';

const root = join(import.meta.dirname, '../../..');

describe('supported Node range', () => {
  it('is Node 22 or newer everywhere it is written', () => {
    assert.equal(MIN_NODE_MAJOR, 22);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.equal(pkg.engines.node, `>=${MIN_NODE_MAJOR}`);
    assert.match(readFileSync(join(root, '.ci/run'), 'utf8'), new RegExp(`-lt ${MIN_NODE_MAJOR} \\]`));
    assert.match(readFileSync(join(root, 'README.md'), 'utf8'), new RegExp(`Node\\.js ${MIN_NODE_MAJOR} or newer`));
  });

  it('runs on a supported Node, re-runs under the Node of .tools/ on an older one, and otherwise says what to install', () => {
    assert.equal(nodeMajor('v20.20.2'), 20);
    assert.deepEqual(nodeVersionPlan('v22.1.0', null, null), { action: 'run' });
    assert.deepEqual(nodeVersionPlan('v24.22.3', '/t/node', null), { action: 'run' });
    assert.deepEqual(nodeVersionPlan('v20.20.2', '/t/node', 'v24.22.3'), { action: 'reexec', node: '/t/node', version: 'v24.22.3' });
    const fail = nodeVersionPlan('v20.20.2', '/t/node', null);
    assert.equal(fail.action, 'fail');
    assert.match(fail.action === 'fail' ? fail.message : '', /needs Node\.js 22 or newer; this is Node v20\.20\.2\.\nInstall Node 22\+ .*`node scripts\/installTools\.mjs --node`/);
    assert.equal(nodeVersionPlan('v18.0.0', '/t/node', 'v20.1.0').action, 'fail');
  });
});
