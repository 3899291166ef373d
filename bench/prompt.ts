// When the page's terminal first shows a shell prompt, for the benches that open pages.
import type { Page } from 'playwright-core';

/** Resolves (in page time, ms since navigation) when the cursor's line ends in the prompt. */
export function promptShownAt(page: Page): Promise<number> {
  return page
    .waitForFunction(
      () => {
        const term = window.werkbankTerminal?.term;
        if (!term) return false;
        const buffer = term.buffer.active;
        const line = buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '';
        return /\$ ?$/.test(line) ? performance.now() : false;
      },
      null,
      { polling: 'raf', timeout: 30_000 },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);
}
