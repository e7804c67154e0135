// How a user operates VS Code's workbench, expressed with playwright-core on code-server's web
// UI: the command palette, quick picks and input boxes, the Explorer, editors and their context
// menu, panels, notifications and the status bar. Every wait is bounded; focus-sensitive actions
// retry, because a freshly opened widget can miss the first keystroke.
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class WorkbenchDriver {
  constructor(readonly page: Page, private readonly timeoutMs = 30_000) {}

  /** Waits until the workbench has rendered and the Explorer shows the folder. */
  async waitUntilReady(folderName: string): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    await this.page.locator('.sidebar').getByText(folderName, { exact: false }).first().waitFor({ timeout: 60_000 });
  }

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the command palette and runs the command whose label matches `label` exactly. */
  async runCommand(label: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('F1');
        await this.quickInput.waitFor({ state: 'visible', timeout: 5_000 });
        const input = this.quickInput.locator('input').first();
        await input.fill(`>${label}`);
        const row = this.quickInput.locator('.monaco-list-row').filter({ hasText: label }).first();
        await row.waitFor({ state: 'visible', timeout: 10_000 });
        await row.click();
        return;
      } catch (error) {
        if (attempt >= 3) throw new Error(`could not run "${label}" from the command palette: ${String(error)}`);
        await sleep(1_000);
      }
    }
  }

  /** Waits for a quick input showing `text` (its title, prompt or an item). */
  async waitForQuickInput(text: string | RegExp): Promise<void> {
    await this.quickInput.filter({ hasText: text }).waitFor({ state: 'visible', timeout: this.timeoutMs });
  }

  /** In the quick pick showing `text`, chooses the row showing `item` (or the first row). */
  async pick(text: string | RegExp, item?: string | RegExp): Promise<void> {
    await this.waitForQuickInput(text);
    const rows = this.quickInput.locator('.quick-input-list .monaco-list-row');
    const row = item === undefined ? rows.first() : rows.filter({ hasText: item }).first();
    await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    const before = await this.quickInputSnapshot();
    await row.click();
    await this.waitForQuickInputChange(before);
  }

  /** What the quick input shows now (empty when hidden): its title, prompt, value and rows. */
  private async quickInputSnapshot(): Promise<string> {
    if (!(await this.quickInput.isVisible())) return '';
    const value = await this.quickInput.locator('input').first().inputValue().catch(() => '');
    return `${await this.quickInput.innerText().catch(() => '')}\u0000${value}`;
  }

  /** Waits until the quick input closes or shows something else (the next prompt may reuse it). */
  private async waitForQuickInputChange(before: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.quickInputSnapshot()) !== before) return;
      await sleep(100);
    }
    throw new Error('the quick input did not move on after the choice');
  }

  /** In the input box showing `prompt`, types `text` (possibly nothing) and presses Enter. */
  async answer(prompt: string | RegExp, text = ''): Promise<void> {
    await this.waitForQuickInput(prompt);
    const input = this.quickInput.locator('input').first();
    await input.fill(text);
    const before = await this.quickInputSnapshot();
    await input.press('Enter');
    await this.waitForQuickInputChange(before);
  }

  /** Clicks an activity-bar entry (e.g. "KMS", "Explorer") by its accessible name. */
  async openActivity(name: string): Promise<void> {
    const item = this.page.locator(`.activitybar .action-item a[aria-label^="${name}"], .activitybar .action-item[aria-label^="${name}"]`).first();
    await item.waitFor({ state: 'visible', timeout: this.timeoutMs });
    const checked = await item.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false);
    if (!checked) await item.click();
  }

  /** Opens a file of the workspace by clicking it in the Explorer (its name exactly: key-policy.json is not bad-key-policy.json). */
  async openFromExplorer(fileName: string): Promise<void> {
    await this.openActivity('Explorer');
    const exactly = { hasText: new RegExp(`(^|\\s)${fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) };
    const row = this.page.locator('.explorer-folders-view .monaco-list-row').filter(exactly).first();
    await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await row.dblclick();
    await this.page.locator('.editor-group-container.active .tabs-container .tab.active').filter(exactly).waitFor({ timeout: this.timeoutMs });
  }

  /** The active editor's visible text, lines joined with newlines. */
  async activeEditorText(): Promise<string> {
    const lines = this.activeEditor.locator('.view-lines .view-line');
    const texts = await lines.evaluateAll((els) =>
      els
        .map((el) => ({ top: parseFloat((el as HTMLElement).style.top || '0'), text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text),
    );
    return texts.join('\n');
  }

  get activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /** Polls the active editor until its text satisfies `check`; returns the text. */
  async waitForEditorText(check: (text: string) => boolean, what: string, timeoutMs = this.timeoutMs): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.activeEditorText().catch(() => '');
      if (check(text)) return text;
      await sleep(250);
    }
    throw new Error(`the editor never showed ${what}; it shows:\n${text.slice(0, 500)}`);
  }

  /** Selects everything in the active editor by keyboard, as a user would. */
  async selectAllInEditor(): Promise<void> {
    await this.activeEditor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
  }

  /**
   * Selects text with `select` (everything, by default), right-clicks inside the selection and
   * chooses `item` from the editor's context menu. Each attempt selects again: the Escape that
   * closes a menu that did not take the choice also clears the editor's selection.
   */
  async editorContextMenu(item: string, select: () => Promise<void> = () => this.selectAllInEditor()): Promise<void> {
    await this.contextMenu(`the editor context menu has no "${item}"`, item, async () => {
      await select();
      // Monaco paints the selection on a later animation frame: wait for its highlight, then
      // right-click the middle of its visible part (a long line may be scrolled sideways).
      const deadline = Date.now() + 5_000;
      for (;;) {
        const target = await this.visibleSelectionPoint();
        if (target) {
          await this.page.mouse.click(target.x, target.y, { button: 'right' });
          return;
        }
        if (Date.now() > deadline) throw new Error('no selected text is visible in the editor');
        await sleep(100);
      }
    });
  }

  /** The middle of the first visible part of the active editor's selection highlight, if any. */
  private async visibleSelectionPoint(): Promise<{ x: number; y: number } | undefined> {
    const editorBox = await this.activeEditor.boundingBox();
    const highlights = await this.activeEditor.locator('.selected-text').evaluateAll((els) =>
      els.map((el) => el.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
    );
    return highlights
      .map((r) => {
        const left = Math.max(r.x, editorBox?.x ?? r.x);
        const right = Math.min(r.x + r.width, (editorBox?.x ?? 0) + (editorBox?.width ?? Infinity) - 30);
        return { x: (left + right) / 2, y: r.y + r.height / 2, visible: right - left > 4 && r.height > 0 };
      })
      .find((r) => r.visible);
  }

  /** Right-clicks the row of the side bar's tree that shows `rowText` and chooses `item` from its context menu. */
  async treeContextMenu(rowText: string | RegExp, item: string): Promise<void> {
    const row = this.page.locator('.sidebar .monaco-list-row').filter({ hasText: rowText }).first();
    await this.contextMenu(`the tree row "${String(rowText)}" has no context menu entry "${item}"`, item, () =>
      row.click({ button: 'right', timeout: 10_000 }),
    );
  }

  /** Opens a context menu with `open` and runs its entry `item`, retrying a menu that did not take the choice. */
  private async contextMenu(failure: string, item: string, open: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await open();
        const entry = this.page.locator('.monaco-menu .action-item').filter({ hasText: item }).first();
        await entry.waitFor({ state: 'visible', timeout: 5_000 });
        // VS Code's menu ignores a click that lands right after it opened; hovering focuses the
        // entry and Enter runs it, as with a keyboard.
        await entry.hover();
        await this.page.locator('.monaco-menu .action-item.focused').filter({ hasText: item }).waitFor({ timeout: 5_000 });
        await this.page.keyboard.press('Enter');
        await entry.waitFor({ state: 'hidden', timeout: 5_000 });
        return;
      } catch (error) {
        await this.page.keyboard.press('Escape');
        if (attempt >= 3) throw new Error(`${failure}: ${String(error)}`);
        await sleep(500);
      }
    }
  }

  /** Waits for a notification toast containing `text`; returns its text. */
  async waitForNotification(text: string | RegExp): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: this.timeoutMs });
    return (await toast.textContent()) ?? '';
  }

  /** Closes every notification toast so they do not cover what the next screen shows. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  /** The content of the webview panel whose tab is titled `title`. */
  async webview(title: string): Promise<FrameLocator> {
    await this.page.locator('.tabs-container .tab.active').filter({ hasText: title }).waitFor({ timeout: this.timeoutMs });
    // A webview is an iframe hosting another iframe (#active-frame) with the extension's HTML.
    const outer = this.page.locator('iframe.webview.ready').last();
    await outer.waitFor({ state: 'attached', timeout: this.timeoutMs });
    return this.page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
  }

  /**
   * The document of the webview whose page title matches `title` (the extension's `<title>`),
   * whichever editor group shows it. Ask again after the view re-renders: a new page is a new frame.
   */
  async webviewFrame(title: string | RegExp, timeoutMs = this.timeoutMs): Promise<Frame> {
    const matches = (text: string) => (typeof title === 'string' ? text.includes(title) : title.test(text));
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    for (;;) {
      seen = [];
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        // A frame being replaced may never answer: ask each for its title for one second at most.
        const text = await Promise.race([frame.title().catch(() => ''), sleep(1_000).then(() => '')]);
        if (text) seen.push(text);
        if (text && matches(text) && (await frame.locator('main').count().catch(() => 0)) > 0) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview titled ${String(title)}; webviews open: ${JSON.stringify(seen)}`);
      await sleep(200);
    }
  }

  /** The whole text of the active editor, copied as a user would (select all, copy) and read from the clipboard. */
  async copyAllFromEditor(): Promise<string> {
    await this.selectAllInEditor();
    await this.page.keyboard.press('Control+C');
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /** Pastes `text` where the editor's cursor or selection is (a paste: no auto-closed quotes, no completion). */
  async pasteIntoEditor(text: string): Promise<void> {
    await this.page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await this.page.keyboard.press('Control+V');
  }

  /** A code lens of the active editor whose title matches `text`. */
  codeLens(text: string | RegExp): Locator {
    return this.activeEditor.locator('.codelens-decoration a, .codelens-decoration span').filter({ hasText: text }).first();
  }

  /**
   * Answers the modal dialogs that follow an action, one after another: each time a dialog shows,
   * the first of `buttons` it offers is clicked. Returns the dialogs' texts, in order; throws when
   * no dialog came at all.
   */
  async answerDialogs(buttons: readonly string[], settleMs = 3_000): Promise<string[]> {
    const dialog = this.page.locator('.monaco-dialog-box');
    const texts: string[] = [];
    let deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      if (await dialog.isVisible().catch(() => false)) {
        texts.push(((await dialog.innerText().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim());
        let clicked = false;
        for (const name of buttons) {
          const button = dialog.getByRole('button', { name, exact: true });
          if (await button.isVisible().catch(() => false)) {
            await button.click();
            clicked = true;
            break;
          }
        }
        if (!clicked) throw new Error(`the dialog offers none of ${buttons.join(', ')}: ${texts.at(-1)}`);
        // The dialog closes, or the next one takes its place at once.
        const answered = texts.at(-1);
        await waitUntil(
          async () => !(await dialog.isVisible().catch(() => false)) || ((await dialog.innerText().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim() !== answered,
          'the answered dialog to close',
          this.timeoutMs,
        );
        // Another dialog may follow (a second confirmation); stop once none comes.
        deadline = Date.now() + settleMs;
      }
      await sleep(100);
    }
    if (!texts.length) throw new Error('no dialog was shown');
    return texts;
  }

  /** Closes every editor, answering "Don't Save" for untitled files the journey typed into. */
  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    const dialog = this.page.locator('.monaco-dialog-box');
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      if (await dialog.isVisible().catch(() => false)) {
        await dialog.getByRole('button', { name: "Don't Save" }).click();
        await dialog.waitFor({ state: 'hidden', timeout: this.timeoutMs });
        return;
      }
      if ((await this.page.locator('.editor-group-container .tabs-container .tab').count()) === 0) return;
      await sleep(100);
    }
    throw new Error(`editors are still open: ${JSON.stringify(await this.page.locator('.tabs-container .tab').allInnerTexts())}`);
  }

  /** Types `text` into the Problems panel's filter box (a glob such as `**\/file.yaml` keeps that file's problems). */
  async filterProblems(text: string): Promise<void> {
    const input = this.page.locator('.part.panel .viewpane-filter input, .markers-panel-action-filter input').first();
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(text);
  }

  /** Waits until the Problems panel no longer lists a problem showing `code`. */
  async waitForProblemGone(code: string): Promise<void> {
    const rows = this.page.locator('.markers-panel .monaco-list-row').filter({ hasText: code });
    const deadline = Date.now() + this.timeoutMs;
    while ((await rows.count()) > 0) {
      if (Date.now() > deadline) throw new Error(`the Problems panel still lists ${code}`);
      await sleep(250);
    }
  }

  /**
   * Selects the problem showing `code` in the Problems panel, asks for its fixes by keyboard
   * (Ctrl+.) and chooses the one titled `fix`.
   */
  async quickFixFromProblems(code: string, fix: string | RegExp): Promise<void> {
    const row = this.page.locator('.markers-panel .monaco-list-row').filter({ hasText: code }).first();
    await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    for (let attempt = 1; ; attempt++) {
      try {
        await row.click();
        await this.page.keyboard.press('Control+.');
        // The Problems panel lists fixes in a context menu; an editor shows its action widget.
        const entry = this.page.locator('.monaco-menu .action-item, .action-widget .monaco-list-row').filter({ hasText: fix }).first();
        await entry.waitFor({ state: 'visible', timeout: 5_000 });
        await entry.hover();
        await this.page.keyboard.press('Enter');
        await entry.waitFor({ state: 'hidden', timeout: 5_000 });
        return;
      } catch (error) {
        await this.page.keyboard.press('Escape');
        if (attempt >= 3) throw new Error(`the problem ${code} offers no fix "${String(fix)}": ${String(error)}`);
        await sleep(500);
      }
    }
  }

  /** A status-bar entry whose text or accessible name matches `text`. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar .statusbar-item').filter({ hasText: text }).first();
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }
}
