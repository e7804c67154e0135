// The KMS or CloudHSM? advisor opens as a webview panel and its recommendation follows the answers.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, studio, waitFor } from './studioTestSupport';

describe('Decision advisor', () => {
  after(async () => {
    await closeAllEditors();
  });

  it('opens the panel and recommends according to the answers', async () => {
    const api = await studio();
    await vscode.commands.executeCommand('kmsPolicyStudio.openAdvisor');
    const tab = await waitFor('the advisor tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('kmsPolicyStudio.advisor')),
    );
    assert.equal(tab.label, 'KMS or CloudHSM?');
    assert.equal(api.advisorState()?.recommendation.recommended, 'kms');

    assert.equal(api.updateAdvisor({ cryptoApis: ['pkcs11'], sslOffload: true, awsServices: [], availability: 'us' }), true);
    const state = api.advisorState();
    assert.equal(state?.recommendation.recommended, 'cloudHsm');
    assert.ok(state?.recommendation.reasons.some((r) => r.questionId === 'cryptoApis'));
    const hsm = state?.costs.find((c) => c.option === 'cloudHsm');
    console.log(`advisor: CloudHSM directly, ${hsm?.monthlyUsd} USD per month at list prices`);
    assert.equal(hsm?.monthlyUsd, 2117);
  });

  it('totals CloudHSM and KMS when it advises both, and never costs an external key manager at $0', async () => {
    const api = await studio();
    await vscode.commands.executeCommand('kmsPolicyStudio.openAdvisor');
    assert.equal(api.updateAdvisor({ sslOffload: true, awsServices: ['s3'] }), true);
    const state = api.advisorState();
    assert.deepEqual(state?.combinedCost?.options, ['cloudHsm', 'kms']);
    assert.equal(state?.combinedCost?.monthlyUsd, 2129.94);
    const xks = state?.costs.find((c) => c.option === 'kmsExternalKeyStore');
    assert.ok((xks?.monthlyUsd ?? 0) > 3000, `${xks?.monthlyUsd}`);
    assert.match(xks?.notes[0] ?? '', /your own infrastructure/);
  });
});
