// Time to diagnostics for a typical 2 KB key policy and a 32 KB one (parse + every rule),
// median of many in-process runs, against JSON.parse of the same text as the baseline.
// Targets: under 1 ms for 2 KB, under 10 ms for 32 KB.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyPolicyLanguageService } from '../../server/src/core/analysis/keyPolicyLanguageService';

const service = createKeyPolicyLanguageService();
const consoleDefault = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/policies/console-default-key-policy.json'), 'utf8')) as {
  Statement: Record<string, unknown>[];
};

function policyOfSize(bytes: number): string {
  const statements: Record<string, unknown>[] = [];
  let text = '';
  for (let i = 0; ; i++) {
    const base = consoleDefault.Statement[i % consoleDefault.Statement.length]!;
    const next = [...statements, { ...base, Sid: `${String(base['Sid'] ?? 'Statement')} ${i}` }];
    const candidate = JSON.stringify({ Version: '2012-10-17', Id: 'bench', Statement: next }, null, 2);
    if (candidate.length > bytes) return text;
    statements.push(next.at(-1)!);
    text = candidate;
  }
}

function median(work: () => void, runs: number): number {
  for (let i = 0; i < Math.min(50, runs); i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const cases = [
  { name: 'typical key policy', text: policyOfSize(2_048), runs: 2_000, targetMs: 1 },
  { name: 'largest key policy', text: policyOfSize(32_768), runs: 300, targetMs: 10 },
];

let missed = false;
for (const c of cases) {
  let findings = 0;
  const diagnostics = median(() => {
    findings = service.doValidation(service.parse(c.text)).length;
  }, c.runs);
  const baseline = median(() => JSON.parse(c.text), c.runs);
  const ok = diagnostics < c.targetMs;
  if (!ok) missed = true;
  console.log(
    `${c.name} (${c.text.length.toLocaleString('en-US')} bytes, ${findings} findings): diagnostics ${diagnostics.toFixed(3)} ms median of ${c.runs}` +
      ` | JSON.parse ${baseline.toFixed(4)} ms | ratio ${(diagnostics / baseline).toFixed(1)}x | target < ${c.targetMs} ms: ${ok ? 'met' : 'MISSED'}`,
  );
}
process.exit(missed ? 1 : 0);
