// Debian's Chromium driven by playwright-core, opening code-server's workbench the way a user's
// browser does. Used by the integration tier (a window must connect before code-server starts
// its extension host) and by the e2e tier (which clicks through that window).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_BIN } from '../../scripts/toolPaths.mjs';

export interface Workbench {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Why Chromium cannot run here, or null when it can. */
export function missingChromium(): string | null {
  return existsSync(CHROMIUM_BIN) ? null : `Chromium (${CHROMIUM_BIN}; on Debian: apt-get install chromium)`;
}

/** Opens `url` in a fresh headless Chromium window of the given size. */
export async function openWorkbench(url: string, viewport = { width: 1400, height: 900 }): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  try {
    // Clipboard access lets tests read what VS Code copies, as a user's paste would.
    const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    return { browser, context, page, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
