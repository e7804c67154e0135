// What a user does with KMS Key Policy Studio in one sitting, step by step, in a real VS Code:
// each step clicks and types as a person would and checks what the screen then shows.
import type { WorkbenchDriver } from './workbenchDriver';

export interface JourneyStep {
  /** What the user does and sees; printed as the test's name. */
  name: string;
  /** The screenshot file (under test/output/e2e) taken when the step has passed. */
  screenshot: string;
  run(vscode: WorkbenchDriver): Promise<void>;
}

export const BAD_POLICY = 'bad-key-policy.json';
const KEY_ALIAS = 'e2e-secrets';
const PLAINTEXT = 'db-password: correct horse battery staple';

/** What one step leaves for a later one, so that a later step never passes on a stale screen. */
const state: { ciphertext?: string } = {};

export const journey: JourneyStep[] = [
  {
    name: 'opens the demo workspace',
    screenshot: '01-workspace.png',
    run: async (vscode) => {
      await vscode.page.locator('.explorer-folders-view').getByText(BAD_POLICY).first().waitFor({ timeout: 30_000 });
    },
  },
  {
    name: 'opens the bad key policy from the Explorer and sees its rule codes in the Problems panel',
    screenshot: '02-bad-policy-problems.png',
    run: async (vscode) => {
      await vscode.openFromExplorer(BAD_POLICY);
      await vscode.runCommand('Problems: Focus on Problems View');
      const problems = vscode.page.locator('.markers-panel');
      for (const code of ['KMS_NO_ACCOUNT_ROOT_STATEMENT', 'KMS_RESOURCE_NOT_STAR']) {
        await problems.getByText(code).first().waitFor({ timeout: 45_000 });
      }
    },
  },
  {
    name: 'opens the KMS view in the activity bar and sees the Keys view with the embedded engine',
    screenshot: '03-keys-view.png',
    run: async (vscode) => {
      await vscode.openActivity('KMS');
      const sidebar = vscode.page.locator('.sidebar');
      await sidebar.getByText(/keys/i).first().waitFor({ timeout: 30_000 });
      const engineRow = sidebar.locator('.monaco-list-row').filter({ hasText: 'Embedded engine' }).first();
      await engineRow.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
        // Say what the view shows instead (an error row names the failed call).
        const rows = await sidebar.locator('.monaco-list-row').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.textContent));
        throw new Error(`the Keys view shows ${JSON.stringify(rows)} instead of the embedded engine: ${String(error)}`);
      });
    },
  },
  {
    name: 'creates a key from the Keys view title, answering the pickers, and sees it in the tree',
    screenshot: '04-key-created.png',
    run: async (vscode) => {
      const sidebar = vscode.page.locator('.sidebar');
      const titleAction = sidebar.locator('.title-actions a[aria-label^="Create Key"], .pane-header .actions a[aria-label^="Create Key"]').first();
      await titleAction.click({ timeout: 15_000 });
      await vscode.pick(/key type/, /Symmetric encryption/);
      await vscode.pick(/key material/, /KMS generates/);
      await vscode.pick(/Regions/, /Single-Region/);
      await vscode.answer(/alias/i, KEY_ALIAS);
      await vscode.answer(/description/i, 'Created by clicking through VS Code');
      await vscode.waitForNotification(`alias/${KEY_ALIAS}`);
      await expandTreeUntilVisible(vscode, KEY_ALIAS);
      // Opening the key's node in the tree (its twistie) shows its alias among its children.
      const keyRow = sidebar.locator('.monaco-list-row').filter({ hasText: KEY_ALIAS }).first();
      if ((await keyRow.getAttribute('aria-expanded')) !== 'true') await keyRow.locator('.monaco-tl-twistie').click();
      await sidebar.locator('.monaco-list-row').filter({ hasText: `alias/${KEY_ALIAS}` }).first().waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'selects text, right-clicks "Encrypt Selection with CMK", picks the key, skips the context and sees ciphertext',
    screenshot: '05-encrypted-selection.png',
    run: async (vscode) => {
      await vscode.clearNotifications();
      await vscode.runCommand('File: New Untitled Text File');
      await vscode.activeEditor.locator('.view-lines').waitFor({ timeout: 15_000 });
      await vscode.activeEditor.locator('.view-lines').click();
      await vscode.page.keyboard.type(PLAINTEXT);
      await vscode.waitForEditorText((text) => text.includes(PLAINTEXT), 'the typed text');
      await vscode.editorContextMenu('Encrypt Selection with CMK');
      await vscode.pick(/Encrypt Selection with CMK/, KEY_ALIAS);
      await vscode.answer(/encryption context/i, '');
      const ciphertext = await vscode.waitForEditorText(
        (text) => !text.includes(PLAINTEXT) && text.trim().length > 40,
        'the ciphertext in place of the plaintext',
      );
      if (!/^[A-Za-z0-9+/=\s:-]+$/.test(ciphertext.trim().split('\n')[0] ?? '')) {
        throw new Error(`the replacement does not look like base64 or an armored block: ${ciphertext.slice(0, 120)}`);
      }
      state.ciphertext = ciphertext;
    },
  },
  {
    name: 'selects the ciphertext, right-clicks "Decrypt Selection" and gets the plaintext back',
    screenshot: '06-decrypted-selection.png',
    run: async (vscode) => {
      const shown = await vscode.activeEditorText();
      if (!state.ciphertext || shown !== state.ciphertext) throw new Error('the editor does not show the ciphertext of the previous step');
      await vscode.editorContextMenu('Decrypt Selection');
      await vscode.waitForEditorText((text) => text.trim() === PLAINTEXT, 'the original plaintext');
    },
  },
  {
    name: 'runs "KMS: Simulate Access" on the key policy and reads the decision',
    screenshot: '07-simulate-access.png',
    run: async (vscode) => {
      await vscode.openFromExplorer(BAD_POLICY);
      await vscode.runCommand('KMS: Simulate Access');
      await vscode.pick(/who is calling/, /App|Enter a principal ARN/);
      // Without a principal of that name in the environment, the user types the ARN.
      await vscode.waitForQuickInput(/principal ARN|which action/);
      if (await vscode.quickInput.filter({ hasText: /principal ARN/ }).isVisible()) {
        await vscode.answer(/principal ARN/, 'arn:aws:iam::111122223333:role/App');
      }
      await vscode.pick(/which action/, /kms:Decrypt/);
      await vscode.waitForEditorText((text) => /^Decision: (Allow|ExplicitDeny|ImplicitDeny)\b/.test(text), 'a first line "Decision: ..."');
    },
  },
  {
    name: 'opens the "KMS or CloudHSM?" advisor, answers a question in its form and sees the recommendation',
    screenshot: '08-decision-advisor.png',
    run: async (vscode) => {
      // The Problems panel has had its screenshot; the advisor gets the whole editor area.
      await vscode.runCommand('View: Hide Panel').catch(() => undefined);
      await vscode.runCommand('KMS: KMS or CloudHSM? Decision Advisor');
      const advisor = await vscode.webview('KMS or CloudHSM?');
      const form = advisor.locator('form#questions');
      await form.locator('input').first().waitFor({ timeout: 30_000 });
      const result = advisor.locator('#result');
      await result.locator('#recommendation').waitFor({ timeout: 30_000 });
      const before = (await result.innerText()).trim();
      // Applications that call PKCS #11 need CloudHSM: the advice must follow, naming that answer.
      await form.getByLabel('PKCS #11', { exact: true }).check();
      await waitUntil(async () => {
        const after = (await result.innerText().catch(() => '')).trim();
        return after !== before && /pkcs ?#?11/i.test(after) && /CloudHSM/.test(after);
      }, 'the recommendation to follow the PKCS #11 answer');
      // For the screenshot: the advisor's group gets the whole editor area, the advice in view.
      await vscode.runCommand('View: Toggle Maximize Editor Group').catch(() => undefined);
      await result.locator('#recommendation').scrollIntoViewIfNeeded();
    },
  },
  {
    name: 'clicks the "Act As" status-bar item, picks another principal and sees the status bar follow',
    screenshot: '09-act-as-principal.png',
    run: async (vscode) => {
      const item = vscode.statusBarItem(/KMS: /);
      await item.waitFor({ timeout: 15_000 });
      const before = (await item.innerText()).trim();
      await item.click();
      await vscode.waitForQuickInput(/Act As/);
      // KeyAdmin administers keys but may not use them: the next step is refused as that role.
      const other = vscode.quickInput.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'KeyAdmin' }).filter({ hasNotText: 'current' }).first();
      await other.waitFor({ timeout: 15_000 });
      const chosen = (await other.locator('.label-name').first().innerText()).trim();
      await other.click();
      await waitUntil(async () => {
        const now = (await item.innerText().catch(() => '')).trim();
        return now !== before && now.includes(chosen);
      }, `the status bar to show ${chosen} instead of "${before}"`);
    },
  },
  {
    name: 'as KeyAdmin, encrypting is refused with AWS\'s AccessDenied message; "Why?" opens the simulation of that request',
    screenshot: '10-denied-why.png',
    run: async (vscode) => {
      await vscode.clearNotifications();
      await vscode.runCommand('File: New Untitled Text File');
      await vscode.activeEditor.locator('.view-lines').click();
      await vscode.page.keyboard.type('quarterly numbers');
      await vscode.waitForEditorText((text) => text.includes('quarterly numbers'), 'the typed text');
      await vscode.editorContextMenu('Encrypt Selection with CMK');
      // The demo workspace's key, whose policy (examples/key-policy.json) lets KeyAdmin manage it only.
      await vscode.pick(/Encrypt Selection with CMK/, 'demo-app');
      await vscode.answer(/encryption context/i, '');
      const toast = vscode.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /AccessDenied|not authorized/ }).first();
      await toast.waitFor({ timeout: 30_000 });
      if (!(await toast.innerText()).includes('KeyAdmin')) throw new Error(`the denial does not name the caller: ${await toast.innerText()}`);
      await toast.getByRole('button', { name: 'Why?' }).click();
      await vscode.waitForEditorText(
        (text) => /^Decision: (ImplicitDeny|ExplicitDeny)\b/.test(text) && text.includes('KeyAdmin') && text.includes('kms:Encrypt'),
        'the simulation of the denied Encrypt as KeyAdmin',
      );
    },
  },
  {
    name: 'acts as root again, right-clicks the key in the Keys view, chooses "Disable Key" and sees its state change',
    screenshot: '11-tree-disable-key.png',
    run: async (vscode) => {
      await vscode.clearNotifications();
      const item = vscode.statusBarItem(/KMS: /);
      await item.click();
      // By keyboard this time: filter the list to the account root and press Enter.
      await vscode.answer(/Act As/, 'root');
      await waitUntil(async () => /root/.test(await item.innerText().catch(() => '')), 'the status bar to show root');
      await vscode.openActivity('KMS');
      await expandTreeUntilVisible(vscode, KEY_ALIAS);
      await vscode.treeContextMenu(KEY_ALIAS, 'Disable Key');
      const row = vscode.page.locator('.sidebar .monaco-list-row').filter({ hasText: KEY_ALIAS }).first();
      await waitUntil(async () => /Disabled/.test(await row.innerText().catch(() => '')), `the key ${KEY_ALIAS} to show Disabled in the tree`);
    },
  },
  {
    name: 'enables the key again from its context menu, then opens its live key policy with the key-policy language features',
    screenshot: '12-live-key-policy.png',
    run: async (vscode) => {
      await vscode.treeContextMenu(KEY_ALIAS, 'Enable Key');
      const row = vscode.page.locator('.sidebar .monaco-list-row').filter({ hasText: KEY_ALIAS }).first();
      await waitUntil(async () => !/Disabled/.test(await row.innerText().catch(() => 'Disabled')), `the key ${KEY_ALIAS} to be enabled again`);
      await vscode.treeContextMenu(KEY_ALIAS, 'Open Key Policy');
      await vscode.page.locator('.tabs-container .tab.active').filter({ hasText: '.key-policy.json' }).waitFor({ timeout: 30_000 });
      // The default key policy of a new key: the account root delegation statement.
      await vscode.waitForEditorText((text) => text.includes('"Version"') && text.includes(':root'), 'the live key policy');
      await vscode.page.locator('.statusbar').getByText('KMS Key Policy').first().waitFor({ timeout: 15_000 });
    },
  },
];

async function expandTreeUntilVisible(vscode: WorkbenchDriver, label: string): Promise<void> {
  const sidebar = vscode.page.locator('.sidebar');
  const target = sidebar.locator('.monaco-list-row').filter({ hasText: label }).first();
  for (let round = 0; round < 6; round++) {
    if (await target.isVisible().catch(() => false)) return;
    const collapsed = sidebar.locator('.monaco-list-row[aria-expanded="false"]');
    const count = await collapsed.count();
    if (!count) break;
    // Backends, then Regions: expanding the first levels is enough to reach keys.
    for (let i = 0; i < Math.min(count, 3); i++) await collapsed.nth(0).click().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await target.waitFor({ state: 'visible', timeout: 15_000 });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}
