// The course without a mouse and on a phone: the terminal can be reached, used and left
// by keyboard alone, controls keep the focus while they work, the dock's resize handle
// tells assistive technology its size, and a phone gets no side dock.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { NO_CLUSTER_MESSAGE } from '../../runner/http/labs.ts';
import { stubApi } from './api-stubs.ts';
import { LESSONS_DIR } from '../lessons.ts';
import { freshPagePerTest, labStep, poll, typeInTerminal, waitForPrompt, waitForTerminalText } from './browser.ts';

const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

/** What has the keyboard focus: the terminal's input or some other control's name. */
function focused(): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'body';
    if (active.closest('.xterm')) return 'terminal';
    return (active.getAttribute('aria-label') || active.textContent || active.tagName).trim();
  });
}

async function tabTo(name: string, maxPresses = 8): Promise<void> {
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    if ((await focused()) === name) return;
  }
  throw new Error(`"${name}" nach ${maxPresses}× Tab nicht erreicht (Fokus: ${await focused()})`);
}

describe('terminal by keyboard', () => {
  it('is reached by the "Zum Terminal" skip link, takes typing, and is left with Esc then Tab', async () => {
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    await tabTo('Zum Terminal', 3);
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('terminal');
    expect(await page.getByRole('textbox', { name: 'Terminal-Eingabe' }).count()).toBe(1);

    await page.keyboard.type('echo "per Tastatur"\n');
    await waitForTerminalText(page, /^per Tastatur$/m);

    // Tab alone belongs to the shell (completion).
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('terminal');

    // The way out is written in the terminal bar ...
    expect(await page.locator('.wb-dock-bar').textContent()).toContain('Esc, dann Tab: Terminal verlassen');
    // ... and works both ways.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).not.toBe('terminal');
    expect(await focused()).not.toBe('body');
    await page.locator('.wb-dock-screen .xterm').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await focused()).not.toBe('terminal');
    expect(await focused()).not.toBe('body');
  });

  it('still sends Escape alone to the program in the terminal (as vim needs it)', async () => {
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    await page.locator('.wb-dock-screen .xterm').click();
    await page.keyboard.type(`read -rsn1 key; printf 'Taste %d\\n' "'$key"\n`);
    await page.waitForTimeout(300);
    await page.keyboard.press('Escape');
    await waitForTerminalText(page, /^Taste 27$/m);
    // Escape and a key right after it arrive in that order (Alt-key combinations in bash).
    await page.keyboard.type(`read -rsn2 keys; printf '%s\\n' "$keys" | od -An -c\n`);
    await page.waitForTimeout(300);
    await page.keyboard.press('Escape');
    await page.keyboard.press('x');
    await waitForTerminalText(page, /^\s+033\s+x\s+\\n$/m);
  });

  it('offers a resize handle that tells its size and direction and moves with the arrow keys', async () => {
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    const separator = page.getByRole('separator', { name: /Größe des Terminals/ });
    expect(await separator.getAttribute('aria-orientation')).toBe('vertical');
    const [now, min, max] = await Promise.all(
      ['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map(async (name) => Number(await separator.getAttribute(name))),
    );
    expect(min).toBeGreaterThan(0);
    expect(now).toBeGreaterThanOrEqual(min!);
    expect(max).toBeGreaterThanOrEqual(now!);
    await separator.press('ArrowLeft');
    await poll(async () => Number(await separator.getAttribute('aria-valuenow'))).toBeGreaterThan(now!);

    await page.getByRole('button', { name: 'Nach unten' }).click();
    expect(await separator.getAttribute('aria-orientation')).toBe('horizontal');
  });
});

describe('screen-reader mode', () => {
  /** What assistive technology gets of the terminal (Playwright's view of the accessibility tree). */
  const heard = () => page.locator('#wb-terminal').ariaSnapshot();

  it('is off by default; switched on, the output is in the accessibility tree, and the browser remembers it', async () => {
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    const toggle = page.getByRole('button', { name: 'Bildschirmleser-Modus' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    // The output differs from the command, so only the output can match.
    await typeInTerminal(page, 'echo hallo-$((6*7))\n');
    await waitForTerminalText(page, /^hallo-42$/m);
    expect(await heard()).not.toContain('hallo-42');

    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await poll(heard).toContain('hallo-42');
    expect(await page.getByRole('list', { name: 'Terminal-Ausgabe' }).count()).toBe(1);
    await typeInTerminal(page, 'echo welt-$((6*7))\n');
    await poll(heard).toContain('welt-42');

    await page.reload();
    await waitForPrompt(page);
    expect(await page.getByRole('button', { name: 'Bildschirmleser-Modus' }).getAttribute('aria-pressed')).toBe('true');
    await poll(heard).toContain('welt-42');

    await page.getByRole('button', { name: 'Bildschirmleser-Modus' }).click();
    expect(await heard()).not.toContain('welt-42');
  });
});

describe('focus while a check runs', () => {
  it('stays on "Prüfen", which says it is busy and does not check twice', async () => {
    const noProgress = { lab: 'speicher', title: 'x', steps: [] };
    await stubApi.labProgress(page, 'speicher', { json: noProgress });
    let requests = 0;
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await stubApi.check(page, 'speicher', 'pvc', async () => {
      requests += 1;
      await answered;
      return {
        json: {
          lab: 'speicher',
          step: 'pvc',
          passed: false,
          results: [{ checkId: 'pvc-bound', passed: false, message: 'Den PVC „daten“ gibt es noch nicht.' }],
          progress: noProgress,
        },
      };
    });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const button = labStep(page, 'speicher', 'pvc').locator('.wb-check-button');
    await button.focus();
    await page.keyboard.press('Enter');
    await poll(() => button.getAttribute('aria-busy')).toBe('true');
    expect(await button.evaluate((node) => node === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    answer();
    await poll(() => labStep(page, 'speicher', 'pvc').locator('.wb-check-result').getAttribute('data-outcome')).toBe('failed');
    await poll(() => button.getAttribute('aria-busy')).toBeNull();
    expect(await button.evaluate((node) => node === document.activeElement)).toBe(true);
    expect(requests).toBe(1);
  });
});

describe('on a phone (390 × 844)', () => {
  it('docks the terminal below the lesson, offers no side dock, and nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // A learner who put the terminal on the right on their laptop.
    await page.addInitScript(() => localStorage.setItem('werkbank.terminal', JSON.stringify({ side: 'right', size: 600, collapsed: false })));
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    expect(await page.getAttribute('html', 'data-wb-dock')).toBe('bottom');
    expect(await page.getByRole('button', { name: 'Nach rechts' }).isVisible()).toBe(false);
    const lesson = await page.locator('.sl-markdown-content').first().boundingBox();
    expect(lesson!.width).toBeGreaterThan(300);
    await waitForPrompt(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

describe('a diagram on a phone (390 × 844)', () => {
  /** Rendered size of the diagram against its drawn size: 1 means labels as drawn (12–15 px). */
  const scaleOf = (svg: ReturnType<Page['locator']>) =>
    svg.evaluate((node: SVGSVGElement) => node.getBoundingClientRect().width / node.viewBox.baseVal.width);

  it('opens full size by keyboard, scrolls inside its dialog, and closes with Esc', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    const inline = page.locator('.sl-markdown-content figure > svg').first();
    expect(await scaleOf(inline)).toBeLessThan(0.7);

    const open = page.getByRole('button', { name: 'Diagramm vergrößern' }).first();
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /nur er greift auf etcd zu/ });
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await scaleOf(dialog.locator('svg').first())).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.keyboard.press('Escape');
    await poll(() => dialog.isVisible()).toBe(false);
    expect(await open.evaluate((node) => node === document.activeElement)).toBe(true);

    // A tap on the diagram opens it too.
    await inline.click();
    await poll(() => dialog.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Schließen' }).click();
    await poll(() => dialog.isVisible()).toBe(false);
  });
});

describe('on a tablet (768 × 1024), with the terminal docked below', () => {
  it('scrolls every focus stop of a lab lesson clear of the terminal and the header', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    expect(await page.getAttribute('html', 'data-wb-dock')).toBe('bottom');
    await waitForPrompt(page);
    const hidden: string[] = [];
    let stops = 0;
    for (let press = 0; press < 200; press++) {
      await page.keyboard.press('Tab');
      // Where the focused control is, and what covers the page at the top and bottom.
      const where = await page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        if (!active || active === document.body) return null;
        const dock = document.getElementById('wb-terminal')!;
        if (dock.contains(active)) return 'dock';
        const box = active.getBoundingClientRect();
        // Seen is what is on top in the middle of the control: not the terminal, not the
        // header, not a lab's sticky progress bar.
        const x = Math.min(innerWidth - 1, Math.max(0, box.left + box.width / 2));
        const y = box.top + box.height / 2;
        const onTop = y >= 0 && y < innerHeight ? document.elementFromPoint(x, y) : null;
        const visible = onTop !== null && (active.contains(onTop) || onTop.contains(active));
        const name = (active.getAttribute('aria-label') || active.getAttribute('title') || active.textContent || active.tagName).trim().slice(0, 40);
        return { name, visible, covered: onTop ? `${onTop.tagName}.${onTop.className}`.slice(0, 60) : `y=${Math.round(y)}` };
      });
      if (where === 'dock') break;
      if (where === null) continue;
      stops += 1;
      if (!where.visible) hidden.push(`${where.name} (unter ${where.covered})`);
    }
    expect(stops).toBeGreaterThan(20);
    expect(hidden).toEqual([]);
  });
});

describe('wording and ways back', () => {
  it('calls it "Dein Fortschritt" and "Übung" throughout, with spaces where they belong', async () => {
    await page.goto(baseUrl);
    expect(await page.locator('.wb-lesson-meta').first().textContent()).toMatch(/Minuten · Dein Fortschritt/);
    expect(await page.getByRole('link', { name: 'Dein Fortschritt' }).count()).toBeGreaterThan(0);
    expect(await page.getByText('Mein Fortschritt').count()).toBe(0);
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    expect(await page.locator('.wb-lab-workdir').textContent()).toMatch(/für diese Übung .* wechsle mit cd ~\/speicher dorthin/s);
  });

  it('never says where the terminal is: it may be beside the lesson, below it, or folded away', () => {
    const whereTerminal = /\b(rechts|links|unten|oben|neben)\b[^.\n]{0,30}\bTerminal|\bTerminal\b[^.\n]{0,30}\b(rechts|links|neben)\b/i;
    const texts = readdirSync(LESSONS_DIR)
      .filter((file) => file.endsWith('.mdx'))
      .flatMap((file) =>
        readFileSync(join(LESSONS_DIR, file), 'utf8')
          .split('\n')
          .map((line, index) => `lessons/${file}:${index + 1}: ${line}`),
      );
    texts.push(`runner/http/labs.ts: ${NO_CLUSTER_MESSAGE}`);
    expect(texts.filter((line) => whereTerminal.test(line))).toEqual([]);
  });

  it('leads from the 404 page back to the course', async () => {
    const response = await page.goto(`${baseUrl}/lektionen/gibt-es-nicht/`);
    expect(response?.status()).toBe(404);
    await page.getByRole('link', { name: 'Zur Kursübersicht' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.locator('h1').first().textContent()).toContain('Kubernetes zum Anfassen');
  });

  it('lists the labs for instructors in course order, not by id', async () => {
    const lab = (id: string) => ({ lab: id, title: id, steps: [{ id: 'a', title: 'a' }] });
    await stubApi.classProgress(page, { json: { labs: ['autoscaling', 'grundlagen', 'speicher'].map(lab), learners: [] } });
    await page.goto(`${baseUrl}/lehrende/`);
    await page.getByLabel('Token für Lehrende').fill('egal');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await poll(() => page.locator('.wb-class-matrix h2').allTextContents()).toEqual(['grundlagen', 'speicher', 'autoscaling']);
  });
});
