// The integration suite's entry, loaded inside a VS Code extension host: by @vscode/test-electron
// (`extensionTestsPath`) on a desktop, or by the test-runner extension in code-server. It runs
// every bundled `*.test.js` beside it with mocha (TDD `suite`/`test` or BDD `describe`/`it`) and
// records each test's outcome and what it printed, so the runner outside can show them.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  /** Lines the test printed with console.log (figures such as the activation time). */
  output: string[];
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  tests: TestOutcome[];
}

/** Runs the suite and resolves with every test's outcome; never rejects for failing tests. */
export async function runWithResults(): Promise<SuiteResults> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  // Both styles work: `suite`/`test` from the TDD interface and `describe`/`it` from BDD.
  // Both styles work: `suite`/`test` from the TDD interface and `describe`/`it` from BDD.
  Mocha.interfaces.bdd(mocha.suite);
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(join(__dirname, file));

  const tests: TestOutcome[] = [];
  let captured: string[] = [];
  // VS Code's extension host guards console.log against plain assignment; redefining the
  // property (configurable there) lets the suite keep what each test printed.
  const originalLog = console.log;
  const originalDescriptor = Object.getOwnPropertyDescriptor(console, 'log');
  Object.defineProperty(console, 'log', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      captured.push(args.map(String).join(' '));
      originalLog.apply(console, args);
    },
  });
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('test', () => { captured = []; });
      runner.on('pass', (test) => {
        tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0, output: captured });
      });
      runner.on('fail', (test, error: Error) => {
        tests.push({
          title: test.fullTitle(),
          state: 'failed',
          durationMs: test.duration ?? 0,
          output: captured,
          error: error?.stack ?? String(error),
        });
      });
    });
  } finally {
    if (originalDescriptor) Object.defineProperty(console, 'log', originalDescriptor);
  }
  if (files.length === 0) {
    tests.push({ title: 'integration suite', state: 'failed', durationMs: 0, output: [], error: `no *.test.js files in ${__dirname}` });
  }
  const failed = tests.filter((t) => t.state === 'failed').length;
  return { passed: tests.length - failed, failed, tests };
}

/**
 * The entry @vscode/test-electron calls: rejects when any test failed. With
 * KMS_STUDIO_TEST_RESULTS set it also writes every outcome there as JSON.
 */
export async function run(): Promise<void> {
  const results = await runWithResults();
  const resultsFile = process.env.KMS_STUDIO_TEST_RESULTS;
  if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
}
