// Debian's Chromium driven by Playwright, never a browser Playwright downloads itself.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { waitUntil } from '../../runner/wait.ts';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.WERKBANK_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
}

/** The visible terminal text, read from xterm's buffer (what the learner sees). */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = window.werkbankTerminal?.term;
    if (!term) return '';
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return lines.join('\n').trimEnd();
  });
}

export async function waitForTerminalText(page: Page, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  let text = '';
  return waitUntil(
    `Terminal zeigt ${String(pattern)}`,
    async () => {
      text = await terminalText(page);
      return pattern.test(text) && text;
    },
    {
      timeoutMs,
      intervalMs: 25,
      retryErrors: false,
      timeoutError: () => new Error(`Terminal zeigt nach ${timeoutMs} ms nicht ${String(pattern)}:\n${text.slice(-1500)}`),
    },
  );
}

/** Waits until the shell prompt is the last thing on screen. */
export function waitForPrompt(page: Page, timeoutMs?: number): Promise<string> {
  // xterm trims trailing blanks from a line, so the prompt "~ $ " reads "~ $".
  return waitForTerminalText(page, /\$ ?$/, timeoutMs);
}

/** Types like a learner: focus the terminal, then keys. */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.wb-dock-screen .xterm').click();
  await page.keyboard.type(text);
}

/** One Chromium per test file and a fresh context per test: a new learner (no cookies) on
 * a laptop-sized screen. Call at the top of a test file; `use` gets each test's page. */
export function freshPagePerTest(use: (page: Page) => void): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async (context) => {
    const browserContext = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
    use(await browserContext.newPage());
    context.onTestFinished(() => browserContext.close());
  });
}

/** The page may be slow on a busy machine; what counts is that it gets there. */
export function poll<T>(read: () => T | Promise<T>, timeout = 10_000) {
  return expect.poll(read, { timeout });
}

/** One step of a lab on the current lesson page. */
export function labStep(page: Page, lab: string, step: string) {
  return page.locator(`.wb-lab[data-lab="${lab}"] .wb-step[data-step="${step}"]`);
}
