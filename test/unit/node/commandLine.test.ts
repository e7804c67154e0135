// Every kms-policy command reads its options through one reader (node:util parseArgs): both
// `--flag value` and `--flag=value`, repeated options, `--` before a file named like an option,
// and bad usage said the same way by every command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commaList, keyValuePair, readCommandLine, UsageError } from '../../../server/src/node/commandLine';

const SPEC = { format: { type: 'string' }, actions: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;

test('--flag value, --flag=value, repeated options and positionals in any order', () => {
  const line = readCommandLine(['a.json', '--format=json', '--actions', 'kms:Decrypt,kms:Encrypt', 'b.json', '--actions', 'kms:Sign', '--json'], SPEC);
  assert.notEqual(line, 'help');
  if (line === 'help') return;
  assert.deepEqual(line.positionals, ['a.json', 'b.json']);
  assert.equal(line.values.format, 'json');
  assert.deepEqual(commaList(line.values.actions), ['kms:Decrypt', 'kms:Encrypt', 'kms:Sign']);
  assert.equal(line.values.json, true);
});

test('-- ends the options, so a file may be named like one; --help and -h ask for usage', () => {
  const line = readCommandLine(['--', '--odd-name.json'], SPEC);
  assert.deepEqual(line !== 'help' && line.positionals, ['--odd-name.json']);
  assert.equal(readCommandLine(['x.json', '--help'], SPEC), 'help');
  assert.equal(readCommandLine(['-h'], SPEC), 'help');
});

test('bad usage is a UsageError that names the option', () => {
  assert.throws(() => readCommandLine(['--frmat', 'json'], SPEC), (e: unknown) => e instanceof UsageError && e.message === "unknown option '--frmat'");
  assert.throws(() => readCommandLine(['--format'], SPEC), (e: unknown) => e instanceof UsageError && e.message === '--format needs a value');
  assert.throws(() => readCommandLine(['--format', '--json'], SPEC), (e: unknown) => e instanceof UsageError && e.message === '--format needs a value');
  assert.throws(() => readCommandLine(['--json=yes'], SPEC), (e: unknown) => e instanceof UsageError && /^--json: /.test(e.message));
  assert.throws(() => keyValuePair('team', '--encryption-context'), /--encryption-context takes key=value, got "team"/);
  assert.deepEqual(keyValuePair('a=b=c', '--context'), ['a', 'b=c']);
});
