// Builds the test-only YAML server extension into a folder that can be installed as it is:
// its manifest, its schema and extension.js with vscode-languageclient bundled in. The server
// itself runs from the repository's node_modules (yaml-language-server, a devDependency), by
// the absolute path baked into the bundle, so the installed copy needs no node_modules.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const SOURCE_DIR = __dirname;

export async function bundleYamlServerExtension(outDir: string): Promise<string> {
  const require = createRequire(join(SOURCE_DIR, 'extension.ts'));
  const serverBin = join(dirname(require.resolve('yaml-language-server/package.json')), 'bin', 'yaml-language-server');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of ['package.json', 'cloudformation-kms.schema.json']) copyFileSync(join(SOURCE_DIR, file), join(outDir, file));
  await esbuild.build({
    entryPoints: [join(SOURCE_DIR, 'extension.ts')],
    outfile: join(outDir, 'extension.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    define: { YAML_LANGUAGE_SERVER_BIN: JSON.stringify(serverBin) },
    logLevel: 'warning',
  });
  return outDir;
}
