import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PORT, DEFAULT_STORE_DIR, parseServeArguments } from '../../../server/src/http/serveOptions';

describe('parseServeArguments', () => {
  it('defaults to loopback, the default port and the store folder in the working directory', () => {
    assert.deepEqual(parseServeArguments([]), {
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      allowedHosts: [],
      environmentFile: undefined,
      storeDir: DEFAULT_STORE_DIR,
      clock: undefined,
      maxBodyBytes: 1024 * 1024,
      log: false,
      help: false,
    });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    const options = parseServeArguments(['--port', '0', '--host=::1', '--environment', 'env.json', '--store', 's', '--clock', '+7d', '--max-body-bytes=4096']);
    assert.equal(options.port, 0);
    assert.equal(options.host, '::1');
    assert.equal(options.environmentFile, 'env.json');
    assert.equal(options.storeDir, 's');
    assert.deepEqual(options.clock, { advance: '7d' });
    assert.equal(options.maxBodyBytes, 4096);
    assert.deepEqual(parseServeArguments(['--clock', '2030-01-01T00:00:00Z']).clock, { to: '2030-01-01T00:00:00Z' });
    assert.equal(parseServeArguments(['--memory']).storeDir, undefined);
    assert.equal(parseServeArguments(['--log']).log, true);
    assert.deepEqual(parseServeArguments(['--allowed-host', 'kms.test', '--allowed-host=[::1]:8080']).allowedHosts, ['kms.test', '[::1]:8080']);
  });

  it('names the option in every mistake', () => {
    assert.throws(() => parseServeArguments(['--port', 'eighty']), /--port must be a number from 0 to 65535, not 'eighty'/);
    assert.throws(() => parseServeArguments(['--port', '70000']), /--port/);
    assert.throws(() => parseServeArguments(['--port']), /--port needs a value/);
    assert.throws(() => parseServeArguments(['--environment', '--memory']), /--environment needs a value/);
    assert.throws(() => parseServeArguments(['--clock', 'tomorrow']), /--clock takes a duration/);
    assert.throws(() => parseServeArguments(['--clock', '+7 weeks']), /Cannot read "7 weeks" as a duration/);
    assert.throws(() => parseServeArguments(['--store', 'x', '--memory']), /either --store DIR or --memory/);
    assert.throws(() => parseServeArguments(['--allowed-host', 'http://x/']), /--allowed-host takes a host name/);
    assert.throws(() => parseServeArguments(['--verbose']), /unknown option '--verbose'/);
  });
});
