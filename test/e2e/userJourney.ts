// What a user does with KMS Key Policy Studio in one sitting, step by step, in a real VS Code:
// each step clicks and types as a person would and checks what the screen then shows.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { waitUntil, type WorkbenchDriver } from './workbenchDriver';

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
/** The CloudFormation example without its account-root statement: the finding whose quick fix adds it back, in YAML. */
const TEMPLATE = 'kms-key-without-root.yaml';
const ROOT_STATEMENT = 'Enable IAM User Permissions';

/**
 * The files the journey needs beside the demo, written into the workspace copy before VS Code
 * opens it: the CloudFormation example (examples/cloudformation/kms-key.yaml) with its root
 * statement taken out.
 */
export function prepareJourneyWorkspace(workspace: string): void {
  const folder = join(workspace, 'cloudformation');
  const example = readFileSync(join(folder, 'kms-key.yaml'), 'utf8');
  const withoutRoot = example.replace(/ {10}- Sid: Enable IAM User Permissions\n(?: {12}.*\n)+/, '');
  if (withoutRoot === example || withoutRoot.includes(ROOT_STATEMENT)) throw new Error('examples/cloudformation/kms-key.yaml no longer has the root statement the journey takes out');
  writeFileSync(join(folder, TEMPLATE), withoutRoot);
}

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
    name: 'runs "KMS: Simulate Access" on the key policy as KeyAdmin and sees the decision, the request and the deciding statement in the result view',
    screenshot: '07-simulate-access.png',
    run: async (vscode) => {
      await vscode.openFromExplorer(BAD_POLICY);
      await vscode.runCommand('KMS: Simulate Access');
      await vscode.pick(/who is calling/, /KeyAdmin/);
      // The action list is long: narrow it by typing, as a user does.
      await vscode.waitForQuickInput(/which action/);
      await vscode.quickInput.locator('input').first().fill('kms:PutKeyPolicy');
      await vscode.pick(/which action/, /kms:PutKeyPolicy/);
      const view = await vscode.webviewFrame(/^Simulation: Allow kms:PutKeyPolicy KeyAdmin$/);
      const decision = (await view.locator('#decision').innerText()).trim();
      if (!/^Allowed\s+Allow$/.test(decision)) throw new Error(`the view's decision reads "${decision}"`);
      const request = await view.locator('dl.request').innerText();
      if (!request.includes('arn:aws:iam::111122223333:role/KeyAdmin') || !request.includes('kms:PutKeyPolicy')) throw new Error(`the request shown is not the one asked: ${request}`);
      await view.locator('ul.deciding a.statement-link').filter({ hasText: 'Allow access for Key Administrators' }).waitFor({ timeout: 15_000 });
    },
  },
  {
    name: 'clicks the deciding statement in the result view and sees it selected in the policy',
    screenshot: '07b-deciding-statement-selected.png',
    run: async (vscode) => {
      const view = await vscode.webviewFrame(/^Simulation: Allow kms:PutKeyPolicy KeyAdmin$/);
      await view.locator('ul.deciding a.statement-link').filter({ hasText: 'Allow access for Key Administrators' }).click();
      await vscode.page.locator('.editor-group-container.active .tabs-container .tab.active').filter({ hasText: BAD_POLICY }).waitFor({ timeout: 15_000 });
      // The whole statement is selected: the status bar counts the characters, the editor highlights them.
      await vscode.page.locator('.statusbar').getByText(/\(\d+ selected\)/).first().waitFor({ timeout: 15_000 });
      await vscode.activeEditor.locator('.selected-text').first().waitFor({ timeout: 15_000 });
      const shown = await vscode.activeEditorText();
      if (!shown.includes('"Sid": "Allow access for Key Administrators"')) throw new Error(`the editor does not show the statement:\n${shown.slice(0, 400)}`);
    },
  },
  {
    name: 'opens the "KMS or CloudHSM?" advisor, answers a question in its form and sees the recommendation',
    screenshot: '08-decision-advisor.png',
    run: async (vscode) => {
      // The Problems panel has had its screenshot; the advisor gets the whole editor area.
      await vscode.runCommand('View: Hide Panel').catch(() => undefined);
      await vscode.runCommand('KMS: KMS or CloudHSM? Decision Advisor');
      const advisor = await vscode.webviewFrame('KMS or CloudHSM?');
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
      const view = await vscode.webviewFrame(/^Simulation: (ImplicitDeny|ExplicitDeny) kms:Encrypt /);
      const error = await view.locator('#error-message').innerText();
      if (!/^AccessDeniedException: User: arn:aws:[a-z]+::111122223333:[\w-]+\/KeyAdmin\b.* is not authorized to perform: kms:Encrypt/.test(error.trim())) {
        throw new Error(`the view does not show the error the caller saw: ${error}`);
      }
    },
  },
  {
    name: 'acts as root again, right-clicks the key in the Keys view, chooses "Disable Key", is told who used the key and asked again, and sees its state change',
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
      // The key was used earlier in the journey: the confirmation says who used it, and asks again.
      const dialogs = await vscode.answerDialogs(['Disable anyway', 'Disable Key']);
      if (!/Used in the last 90 days by/.test(dialogs[0] ?? '') || dialogs.length !== 2) throw new Error(`expected two confirmations naming who used the key, got: ${JSON.stringify(dialogs)}`);
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
  {
    name: 'right-clicks the demo key, chooses "Who Can Use This Key?", filters the matrix to the data actions and hides who can do none of them',
    screenshot: '13-who-can-use-matrix.png',
    run: async (vscode) => {
      await vscode.closeAllEditors();
      await vscode.openActivity('KMS');
      await expandTreeUntilVisible(vscode, 'demo-app');
      await vscode.treeContextMenu(/^demo-app/, 'Who Can Use This Key?');
      const matrix = await vscode.webviewFrame(/^Who can use demo-app/);
      const cell = matrix.locator('tr', { has: matrix.locator('th', { hasText: 'AppRole' }) }).locator('button.cell').first();
      const conditional = await cell.getAttribute('aria-label');
      if (conditional !== 'AppRole, kms:Decrypt: Conditional, only with encryption context team=billing (via key policy + IAM). Opens the simulation.') {
        throw new Error(`AppRole's Decrypt cell says: ${conditional}`);
      }
      await matrix.locator('#filter').fill('Decrypt GenerateDataKey');
      await matrix.getByLabel('Hide principals that can do nothing').check();
      const visibleRows = () => matrix.locator('tbody tr:not([hidden]) th .principal-name').allInnerTexts();
      await waitUntil(async () => {
        const rows = await visibleRows();
        return rows.length > 0 && !rows.includes('KeyAdmin') && rows.includes('AppRole');
      }, 'the filter to leave who can use the key for data, without KeyAdmin');
      const status = await matrix.locator('#filter-status').innerText();
      if (!/principals of 8 by 2 actions of 12/.test(status)) throw new Error(`the status line says: ${status}`);
      // By keyboard: the arrow keys move between the cells that are shown.
      const first = matrix.locator('tbody tr:not([hidden]) button.cell').first();
      await first.press('ArrowRight');
      const focused = await matrix.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
      if (!/kms:GenerateDataKey/.test(focused)) throw new Error(`ArrowRight focused "${focused}" instead of the next action`);
    },
  },
  {
    name: 'clicks the AppRole × kms:Decrypt cell and sees its simulation, with the encryption context the allow needs',
    screenshot: '14-matrix-cell-simulation.png',
    run: async (vscode) => {
      const matrix = await vscode.webviewFrame(/^Who can use demo-app/);
      await matrix.locator('tr', { has: matrix.locator('th', { hasText: 'AppRole' }) }).locator('button.cell').first().click();
      const view = await vscode.webviewFrame(/^Simulation: Allow kms:Decrypt AppRole$/);
      const request = await view.locator('dl.request').innerText();
      if (!/Encryption context\s+team=billing/.test(request)) throw new Error(`the simulation was not of the conditional request: ${request}`);
    },
  },
  {
    name: 'opens a CloudFormation template without the root statement, applies the quick fix from the Problems panel and the template stays valid YAML',
    screenshot: '15-cloudformation-quick-fix.png',
    run: async (vscode) => {
      await vscode.closeAllEditors();
      await vscode.openActivity('Explorer');
      const folder = vscode.page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: /^cloudformation$/ }).first();
      if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
      await vscode.openFromExplorer(TEMPLATE);
      await vscode.runCommand('Problems: Focus on Problems View');
      await vscode.filterProblems(`**/${TEMPLATE}`);
      await vscode.quickFixFromProblems('KMS_NO_ACCOUNT_ROOT_STATEMENT', "Add the statement that enables IAM policies of the stack's account");
      await vscode.waitForProblemGone('KMS_NO_ACCOUNT_ROOT_STATEMENT');
      const text = await vscode.copyAllFromEditor();
      const parsed = parseDocument(text);
      if (parsed.errors.length) throw new Error(`the template is no longer valid YAML: ${parsed.errors.map((e) => e.message).join('; ')}`);
      const template = parsed.toJS() as { Resources?: { DataKey?: { Properties?: { KeyPolicy?: { Statement?: { Sid?: string; Principal?: { AWS?: string } }[] } } } } };
      const statements = template.Resources?.DataKey?.Properties?.KeyPolicy?.Statement ?? [];
      const root = statements.find((st) => st.Sid === ROOT_STATEMENT);
      if (!root || root.Principal?.AWS !== 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root') {
        throw new Error(`the key policy has no root statement after the fix: ${JSON.stringify(statements.map((st) => st.Sid))}`);
      }
      if (statements.length !== 3) throw new Error(`the key policy has ${statements.length} statements, not the 2 it had plus the fix's`);
      // For the screenshot: the added statement, at the end of the key policy.
      await vscode.page.keyboard.press('Control+End');
      await vscode.filterProblems('');
    },
  },
  {
    name: 'edits the committed key policy so that it grants more, and sees the access diff lens count what it adds',
    screenshot: '16-access-diff-lens.png',
    run: async (vscode) => {
      await vscode.closeAllEditors();
      await vscode.runCommand('View: Hide Panel').catch(() => undefined);
      await vscode.openFromExplorer('key-policy.json');
      await vscode.codeLens(/No access change vs HEAD/).waitFor({ timeout: 45_000 });
      // Select "kms:DescribeKey" (only "Allow use of the key" names it) and type the wider list over it.
      await vscode.activeEditor.locator('.view-lines').click();
      await vscode.page.keyboard.press('Control+F');
      await vscode.page.locator('.find-widget textarea, .find-widget input').first().fill('"kms:DescribeKey"');
      await vscode.page.keyboard.press('Enter');
      await vscode.page.keyboard.press('Escape');
      await vscode.activeEditor.locator('.selected-text').first().waitFor({ timeout: 10_000 });
      await vscode.pasteIntoEditor('"kms:DescribeKey", "kms:CreateGrant"');
      await vscode.waitForEditorText((text) => /"kms:DescribeKey", "kms:CreateGrant"\s*$/m.test(text), 'the edited action list');
      // The lens sits on the policy's first line.
      await vscode.page.keyboard.press('Control+Home');
      const lens = vscode.codeLens(/Access diff vs HEAD: \+[1-9]\d* \/ \u22120/);
      await lens.waitFor({ timeout: 45_000 });
      await lens.click();
      await vscode.waitForEditorText((text) => /Access diff: key-policy\.json in HEAD/.test(text) && /^\+ .*kms:CreateGrant/m.test(text), 'the access diff naming kms:CreateGrant');
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

