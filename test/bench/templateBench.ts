// Time to diagnostics for a 1 MB CloudFormation template with 100 keys (target: 100 ms), YAML
// (plain, and commented with Windows line ends) and JSON, median of in-process runs, against
// parsing the whole text alone. The editor's
// diagnostics read in full only the resources the checks use (keys, aliases, IAM); `kms-policy
// check` reads the whole template, for its syntax problems anywhere, and is shown beside it.
// For YAML, diagnostics after an edit are what the editor does on a change: the edited key's
// slice is parsed again, the others come from the document's YamlSliceCache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getNodeValue } from 'jsonc-parser';
import { analyzeTemplate, validateTemplate } from '../../server/src/core/templates/templateLanguageService';
import { parseTemplateTree } from '../../server/src/core/templates/templateTree';
import { YamlSliceCache } from '../../server/src/core/templates/yamlSliceCache';

const example = readFileSync(join(import.meta.dirname, '../../examples/cloudformation/kms-key.yaml'), 'utf8');
const header = example.slice(0, example.indexOf('  AppRole:'));
const resources = example.slice(example.indexOf('  AppRole:'));
/** Non-KMS resources that make up the rest of a real stack (queues here: plain, like most). */
const filler = (i: number, n: number) =>
  Array.from({ length: n }, (_, j) => `  Queue${i}x${j}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub \${AWS::StackName}-queue-${i}-${j}\n      VisibilityTimeout: 300\n      Tags:\n        - { Key: team, Value: platform }\n`).join('');

const KEYS = 100;
let yaml = header;
const fillerPerKey = Math.ceil((1_000_000 / KEYS - resources.length) / filler(0, 1).length);
// Logical IDs only (`\bDataKey`): kms:GenerateDataKey* stays the action it is.
for (let i = 0; i < KEYS; i++) yaml += resources.replace(/\bAppRole/g, `AppRole${i}`).replace(/\bDataKey/g, `DataKey${i}`).replace('alias/app-data', `alias/app-data-${i}`) + filler(i, fillerPerKey);
// The same template as hand-written ones are: a full-line and a trailing comment in each key,
// alias and IAM resource, and Windows line ends.
const commented = yaml
  .replace(/^( +)Type: (AWS::(?:IAM|KMS)::\w+)\n/gm, '$1# What the resource is for\n$1Type: $2 # checked by the key policy checks\n')
  .replace(/^( +)Action: kms:\*\n/gm, '$1# The account root keeps full access\n$1Action: kms:* # not narrowed on purpose\n')
  .replace(/\n/g, '\r\n');
// The same template as JSON, intrinsics in their long form ({"Fn::Sub": ...}), as CDK writes it.
const json = JSON.stringify(getNodeValue(parseTemplateTree(yaml, 'yaml').root!), null, 1);

function median(work: () => void, runs: number): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const TARGET_MS = 100;
const RUNS = 11;
const WARM_UP_ROUNDS = 3;
const VARIANTS = [['YAML', yaml], ['YAML with comments and CRLF', commented], ['JSON', json]] as const;
// Every variant runs a few times before any is timed: otherwise the first one timed pays for
// the warm-up (compiling, growing the heap) of the code the others share.
for (let round = 0; round < WARM_UP_ROUNDS; round++) for (const [, text] of VARIANTS) validateTemplate(analyzeTemplate(text)!);
let missed = false;
for (const [format, text] of VARIANTS) {
  let keys = 0;
  let findings = 0;
  const diagnostics = median(() => {
    const analysis = analyzeTemplate(text)!;
    keys = analysis.policies.length;
    findings = validateTemplate(analysis).length;
  }, RUNS);
  const whole = median(() => validateTemplate(analyzeTemplate(text, undefined, { wholeTemplate: true })!), RUNS);
  const parsing = median(() => parseTemplateTree(text), RUNS);
  const ok = diagnostics <= TARGET_MS;
  if (!ok) missed = true;
  console.log(
    `${format} template (${text.length.toLocaleString('en-US')} bytes, ${keys} keys, ${findings} findings): diagnostics ${diagnostics.toFixed(1)} ms median of ${RUNS}` +
      ` | parsing the whole text alone ${parsing.toFixed(1)} ms | ratio ${(diagnostics / parsing).toFixed(2)}x | target <= ${TARGET_MS} ms: ${ok ? 'met' : 'MISSED'}` +
      ` | whole template read (kms-policy check) ${whole.toFixed(1)} ms`,
  );
  if (format === 'JSON') continue;
  // A change in the editor: one key's policy edited (a new text each time), the other slices
  // read by the previous analysis of the document.
  const slices = new YamlSliceCache();
  validateTemplate(analyzeTemplate(text, 'yaml', { slices })!);
  const policyId = text.indexOf('Id: data-key-policy', text.indexOf('DataKey7:')) + 'Id: data-key-policy'.length;
  let edits = 0;
  const edited = median(() => validateTemplate(analyzeTemplate(`${text.slice(0, policyId)}-${++edits}${text.slice(policyId)}`, 'yaml', { slices })!), RUNS);
  console.log(`  diagnostics after an edit (one key's policy changed, the rest read from the cache) ${edited.toFixed(1)} ms median of ${RUNS} | ratio ${(edited / parsing).toFixed(2)}x to parsing alone`);
}
process.exit(missed ? 1 : 0);
