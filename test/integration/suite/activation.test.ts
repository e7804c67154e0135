// The extension as VS Code loads it: installed, activated, its language registered and bound
// to key-policy file names.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'kms-policy-studio.kms-key-policy-studio';

suite('Activation', () => {
  test('the extension is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
    const wasActive = extension.isActive;
    const started = performance.now();
    const api: unknown = await extension.activate();
    const measured = performance.now() - started;
    assert.equal(extension.isActive, true);

    const reported = (api as { activationTimeMs?: unknown } | undefined)?.activationTimeMs;
    if (typeof reported === 'number') {
      console.log(`activation time: ${reported.toFixed(1)} ms (reported by the extension's activate())`);
    } else if (!wasActive) {
      console.log(`activation time: ${measured.toFixed(1)} ms (load and activate, measured by the test)`);
    } else {
      console.log('activation time: not reported (the extension was already active and exports no activationTimeMs)');
    }
  });

  test('the kms-key-policy language is registered', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('kms-key-policy'), `registered languages lack kms-key-policy`);
  });

  test('a file named key-policy.json opens as a KMS key policy', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kms-studio-activation-'));
    const file = join(folder, 'key-policy.json');
    writeFileSync(file, '{ "Version": "2012-10-17", "Statement": [] }\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    assert.equal(document.languageId, 'kms-key-policy');
  });
});
