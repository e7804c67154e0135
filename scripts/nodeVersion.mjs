// The Node.js range the project supports, and what `npm start` and `npm test` do on an older
// Node: run themselves again under the Node 24 that `.tools/` holds (the one code-server uses),
// or stop at once saying how to get a supported Node. Node 20 reached end of life in April 2026,
// VS Code's extension host runs Node 22+, and AWS SDK releases after early January 2027 need 22.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NODE_BIN } from './toolPaths.mjs';

export const MIN_NODE_MAJOR = 22;

/** The major version of `v20.20.2` or `20.20.2`; NaN when it is not a version. */
export function nodeMajor(version) {
  return Number(/^v?(\d+)\./.exec(String(version).trim())?.[1] ?? NaN);
}

/**
 * What a script started by `version` should do: run, run again under `toolsNode` (the version
 * that binary answers is `toolsNodeVersion`), or fail with a message naming the remedy.
 */
export function nodeVersionPlan(version, toolsNode, toolsNodeVersion) {
  if (nodeMajor(version) >= MIN_NODE_MAJOR) return { action: 'run' };
  if (toolsNode && nodeMajor(toolsNodeVersion) >= MIN_NODE_MAJOR) return { action: 'reexec', node: toolsNode, version: toolsNodeVersion };
  return {
    action: 'fail',
    message:
      `KMS Key Policy Studio needs Node.js ${MIN_NODE_MAJOR} or newer; this is Node ${version}.\n` +
      `Install Node ${MIN_NODE_MAJOR}+ (https://nodejs.org/en/download, or \`nvm install ${MIN_NODE_MAJOR}\`), or fetch Node 24 into .tools/ ` +
      'from npm with `node scripts/installTools.mjs --node` (a minute) and run this again: `npm start` and `npm test` then use it.',
  };
}

function toolsNodeVersion() {
  if (!existsSync(NODE_BIN)) return null;
  const probe = spawnSync(NODE_BIN, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/** Call first thing in a script: returns on a supported Node, otherwise re-runs the script under `.tools/`'s Node or exits. */
export function ensureSupportedNode(scriptPath, label) {
  const plan = nodeVersionPlan(process.version, NODE_BIN, nodeMajor(process.version) >= MIN_NODE_MAJOR ? null : toolsNodeVersion());
  if (plan.action === 'run') return;
  if (plan.action === 'fail') {
    console.error(`[${label}] ${plan.message}`);
    process.exit(1);
  }
  console.log(`[${label}] Node ${process.version} is older than ${MIN_NODE_MAJOR}; running under ${plan.version} from .tools/ (${plan.node}).`);
  const result = spawnSync(plan.node, [scriptPath, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
