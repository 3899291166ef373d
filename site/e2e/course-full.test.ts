// A full course, as learners see it: the terminal says which place in the queue they have,
// asking again keeps it, and the first in line gets the shell that frees up.
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../runner/config.ts';
import { API } from '../../runner/http/contract.ts';
import { TICKET_PATH } from '../../runner/terminal/protocol.ts';
import { startTestRunner, type TestRunner } from '../../runner/testing/runner-fixture.ts';
import { launchChromium, poll, terminalText, waitForPrompt } from './browser.ts';

let runner: TestRunner;
let browser: Browser;
beforeAll(async () => {
  runner = await startTestRunner({ siteDir: process.env.WERKBANK_SITE_DIR ?? join(repoRoot, 'site', 'dist'), maxShells: 1, terminalGraceMs: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await runner?.stop();
});

async function learnerOnLesson(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${runner.url}/lektionen/grundlagen/`);
  return { context, page };
}

/** The terminal's text without spaces and line breaks (xterm wraps long lines anywhere). */
const squeezed = (text: string) => text.replace(/\s+/g, '');
const screen = async (page: Page) => squeezed(await terminalText(page));
const says = (text: string) => squeezed(text);

/** What the page does when the laptop comes back online: ask the runner right away. */
const askAgain = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('online')));

describe('a full course', () => {
  it('shows each waiting learner their place, keeps it when they ask again, and lets the first in line in', async () => {
    const first = await learnerOnLesson();
    await waitForPrompt(first.page, 20_000);
    const second = await learnerOnLesson();
    await poll(() => screen(second.page)).toContain(says('Du bist auf Platz 1 der Warteliste.'));
    expect((await screen(second.page)).startsWith(says('Der Kurs ist gerade voll: das eine Terminal ist belegt.'))).toBe(true);
    const third = await learnerOnLesson();
    await poll(() => screen(third.page)).toContain(says('Du bist auf Platz 2 der Warteliste.'));

    // Asking again and again does not move the third learner ahead.
    for (let ask = 0; ask < 3; ask++) await askAgain(third.page);
    await poll(() => runner.sessions.size).toBe(1);
    const stillSecond = await third.page.evaluate(async (path) => (await fetch(path, { method: 'POST' })).json(), TICKET_PATH);
    expect(stillSecond).toMatchObject({ ok: false, position: 2 });
    // Each answer redraws the notice (reset, then write): read it once it is written.
    await poll(() => screen(third.page)).toContain(says('Du bist auf Platz 2 der Warteliste.'));

    // The first learner leaves; the third asks first, but the second gets the terminal.
    await first.context.close();
    await poll(() => runner.sessions.size).toBe(0);
    const answer = third.page.waitForResponse((response) => response.url().endsWith(API.ticket));
    await askAgain(third.page);
    expect(await (await answer).json()).toMatchObject({ ok: false, position: 2 });
    await askAgain(second.page);
    await waitForPrompt(second.page, 20_000);
    await askAgain(third.page);
    await poll(() => screen(third.page)).toContain(says('Du bist auf Platz 1 der Warteliste.'));
    await Promise.all([second.context.close(), third.context.close()]);
  });
});
