// Settings a workspace could use against the user: a cloned repository's .vscode/settings.json
// must not be able to make the editor log secrets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
};

describe('setting scopes', () => {
  it('lets only the user turn on the server trace, which logs engine requests (plaintext, data keys)', () => {
    // VS Code: "application - Settings that apply to all instances of VS Code and can only be configured in user settings."
    assert.equal(manifest.contributes.configuration.properties['kmsPolicyStudio.trace.server']?.scope, 'application');
  });
});
