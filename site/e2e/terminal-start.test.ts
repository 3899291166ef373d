// The terminal gets a head start (SkipLink.astro's inline script asks for the ticket and
// opens the socket, terminal/early.ts says hello): a lesson still gets its shell when
// that head start is missing, as on a page where those scripts did not run.
import type { Page, Route } from 'playwright-core';
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

  it('starts the shell before the terminal scripts have loaded, and shows what it printed meanwhile', async () => {
    // Both dock scripts (the early start and xterm.js) are held back: the page's inline
    // scripts alone must get the shell going.
    const held: Route[] = [];
    await page.route(/TerminalDock\.astro_astro_type_script_index_[01]_lang\.[\w-]+\.js$/, (route) => {
      held.push(route);
    });
    const shellOutput = new Promise<void>((resolve) => {
      page.on('websocket', (socket) =>
        socket.on('framereceived', (frame) => {
          if (typeof frame.payload !== 'string') resolve();
        }),
      );
    });
    await page.goto(`${baseUrl}/lektionen/grundlagen/`, { waitUntil: 'commit' });
    let timer: NodeJS.Timeout | undefined;
    const noOutput = new Promise<'none'>((resolve) => (timer = setTimeout(() => resolve('none'), 30_000)));
    expect(await Promise.race([shellOutput.then(() => 'output' as const), noOutput])).toBe('output');
    clearTimeout(timer);
    expect(held).toHaveLength(2);
    expect(await page.evaluate(() => window.werkbankTerminal === undefined)).toBe(true);
    for (const route of held) await route.continue();
    // The prompt the shell printed before xterm.js was there, then a command as usual.
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo vorab-$((40+2))\n');
    await waitForTerminalText(page, /^vorab-42$/m);
  });
});
