// The terminal gets a head start (SkipLink.astro's inline script asks for the ticket,
// opens the socket and says hello, so the shell starts while the page's scripts load):
// what the shell prints before xterm.js stands is kept and shown, and a lesson still gets
// its shell when that head start is missing, as on a page where those scripts did not run.
import type { Page, Route } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { freshPagePerTest, typeInTerminal, waitForPrompt, waitForTerminalText } from './browser.ts';

const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

describe('the terminal head start', () => {
  it('still connects and runs commands', async () => {
    // Taken over at once and left unused: the inline script opens no socket of its own,
    // which would say hello and take the shell over from the page's later one.
    await page.addInitScript(() =>
      Object.defineProperty(window, 'werkbankPreconnect', { get: () => undefined, set: (preconnect: { take(): unknown }) => void preconnect.take() }),
    );
    await page.route(/TerminalDock\.astro_astro_type_script_index_0_lang\.[\w-]+\.js$/, (route) => route.abort());
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo ohne-$((40+2))\n');
    await waitForTerminalText(page, /^ohne-42$/m);
    expect(await page.evaluate(() => window.werkbankTerminal?.connection.currentState.kind)).toBe('connected');
  });

  it('starts the shell before the page scripts run and keeps what it printed meanwhile', async () => {
    // Both of the dock's scripts are held back until the shell's first output (its prompt)
    // has reached the browser: only the inline script at the top of the page can have
    // said hello, and only what it kept can show that prompt afterwards.
    const held: Route[] = [];
    let released = false;
    await page.route(/TerminalDock\.astro_astro_type_script_index_\d_lang\.[\w-]+\.js$/, (route) =>
      released ? route.continue() : void held.push(route),
    );
    const firstOutput = new Promise<void>((resolve) => {
      page.on('websocket', (socket) =>
        socket.on('framereceived', ({ payload }) => {
          if (typeof payload !== 'string') resolve();
        }),
      );
    });
    // Not until "load": that waits for the held scripts.
    await page.goto(`${baseUrl}/lektionen/grundlagen/`, { waitUntil: 'commit' });
    await expect(Promise.race([firstOutput.then(() => 'output'), new Promise((resolve) => setTimeout(resolve, 15_000, 'none'))])).resolves.toBe('output');
    expect(await page.evaluate(() => window.werkbankTerminal)).toBeUndefined();
    released = true;
    for (const route of held) await route.continue();
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo frueh-$((40+2))\n');
    await waitForTerminalText(page, /^frueh-42$/m);
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
