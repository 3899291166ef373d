// The terminal gets a head start (SkipLink.astro's inline script asks for the ticket and
// opens the socket, terminal/early.ts says hello): a lesson still gets its shell when
// that head start is missing, as on a page where those scripts did not run.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { freshPagePerTest, typeInTerminal, waitForPrompt, waitForTerminalText } from './browser.ts';

const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

describe('the terminal without its head start', () => {
  it('still connects and runs commands', async () => {
    await page.addInitScript(() => Object.defineProperty(window, 'werkbankPreconnect', { get: () => undefined, set: () => {} }));
    await page.route(/TerminalDock\.astro_astro_type_script_index_0_lang\.[\w-]+\.js$/, (route) => route.abort());
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo ohne-$((40+2))\n');
    await waitForTerminalText(page, /^ohne-42$/m);
    expect(await page.evaluate(() => window.werkbankTerminal?.connection.currentState.kind)).toBe('connected');
  });

  it('connects with it, using the socket the page opened first', async () => {
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo mit-$((40+2))\n');
    await waitForTerminalText(page, /^mit-42$/m);
    // One socket: the head start's, taken over (a second would mean a wasted ticket).
    expect(sockets).toHaveLength(1);
  });
});
