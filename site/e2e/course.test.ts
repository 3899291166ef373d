import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { freshPagePerTest, typeInTerminal, waitForPrompt, waitForTerminalText } from './browser.ts';

const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

async function openFirstLesson(): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole('link', { name: /Kubernetes-Grundlagen/ }).first().click();
  await page.waitForURL(/\/lektionen\/grundlagen\/$/);
}

async function shellSize(): Promise<{ rows: number; cols: number }> {
  const marker = `S${Date.now()}`;
  await typeInTerminal(page, `printf '%s %s\\n' ${marker} "$(stty size)"\n`);
  const text = await waitForTerminalText(page, new RegExp(`^${marker} \\d+ \\d+$`, 'm'));
  const match = new RegExp(`^${marker} (\\d+) (\\d+)$`, 'm').exec(text);
  return { rows: Number(match?.[1]), cols: Number(match?.[2]) };
}

describe('course site', () => {
  it('shows the course overview in German with every lesson and its duration', async () => {
    await page.goto(baseUrl);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await expect.poll(() => page.locator('h1').first().textContent()).toContain('Kubernetes zum Anfassen');
    const card = page.locator('.wb-lesson-card', { hasText: 'Kubernetes-Grundlagen' });
    expect(await card.textContent()).toMatch(/Lektion 1 · \d+ Min\./);
  });

  it('answers an unknown lesson with the German 404 page', async () => {
    const response = await page.goto(`${baseUrl}/lektionen/gibt-es-nicht/`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('body')).toContain('Seite nicht gefunden');
  });

  it('draws a lesson diagram inside the text column beside the terminal, described in words and readable in dark mode', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${baseUrl}/lektionen/postgres-statefulset/`);
    const diagram = page.locator('.sl-markdown-content figure svg[role="img"]').first();
    expect(await diagram.getAttribute('aria-label')).toMatch(/^PostgreSQL als StatefulSet mit Backup/);

    const [drawn, column] = await Promise.all([diagram.boundingBox(), page.locator('.sl-markdown-content').first().boundingBox()]);
    expect(drawn!.x).toBeGreaterThanOrEqual(column!.x - 1);
    expect(drawn!.x + drawn!.width).toBeLessThanOrEqual(column!.x + column!.width + 1);

    // The labels take the page's text colour: light on Starlight's dark background.
    const fill = await diagram.locator('text').first().evaluate((label) => getComputedStyle(label).fill);
    const [red = 0, green = 0, blue = 0] = (fill.match(/\d+/g) ?? []).map(Number);
    expect(0.2126 * red + 0.7152 * green + 0.0722 * blue).toBeGreaterThan(160);
  });

  it('reports its capabilities at /api/health', async () => {
    const response = await page.request.get(`${baseUrl}/api/health`);
    const health = await response.json();
    expect(health.ok).toBe(true);
    expect(health.capabilities.terminal.available).toBe(true);
    expect(typeof health.capabilities.docker.available).toBe('boolean');
  });
});

describe('lesson terminal', () => {
  it('opens a lesson beside a live shell where umlauts work both ways', async () => {
    await openFirstLesson();
    expect(await page.locator('main').textContent()).toContain('Kubernetes');
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo "Grüße aus $(basename $PWD), Straße"\n');
    await waitForTerminalText(page, /^Grüße aus home, Straße$/m);
  });

  it('has kubectl of the pinned Kubernetes version on the learner’s PATH', async () => {
    await openFirstLesson();
    await waitForPrompt(page);
    await typeInTerminal(page, 'kubectl version --client\n');
    await waitForTerminalText(page, /^Client Version: v1\.34\.\d+$/m);
  });

  it('gives the shell the size of the dock, also after resizing it', async () => {
    await openFirstLesson();
    await waitForPrompt(page);
    const before = await shellSize();
    const separator = page.getByRole('separator', { name: /Größe des Terminals/ });
    for (let step = 0; step < 5; step++) await separator.press('ArrowLeft');
    await expect.poll(shellSize, { timeout: 5000 }).toMatchObject({ rows: before.rows });
    const after = await shellSize();
    expect(after.cols).toBeGreaterThan(before.cols + 10);

    await page.getByRole('button', { name: 'Nach unten' }).click();
    await expect.poll(async () => (await shellSize()).cols, { timeout: 5000 }).toBeGreaterThan(after.cols);
  });

  it('collapses and expands, and remembers where the dock was', async () => {
    await openFirstLesson();
    await waitForPrompt(page);
    await page.getByRole('button', { name: 'Nach unten' }).click();
    await page.getByRole('button', { name: 'Einklappen' }).click();
    expect(await page.locator('.wb-dock-screen').isVisible()).toBe(false);
    await page.reload();
    expect(await page.getAttribute('html', 'data-wb-dock')).toBe('bottom');
    await page.getByRole('button', { name: 'Ausklappen' }).click();
    expect(await page.locator('.wb-dock-screen').isVisible()).toBe(true);
    await waitForPrompt(page);
  });

  it('reconnects by itself after the connection drops and keeps the shell and its screen', async () => {
    await openFirstLesson();
    await waitForPrompt(page);
    await typeInTerminal(page, 'export X=1; echo "vor dem Abbruch"\n');
    await waitForTerminalText(page, /^vor dem Abbruch$/m);

    // A network blip: the socket dies under the page.
    await page.evaluate(() => {
      const connection = window.werkbankTerminal?.connection as unknown as { socket: WebSocket | null };
      connection.socket?.close();
    });
    await expect.poll(() => page.locator('.wb-dock').getAttribute('data-connections')).toBe('2');
    expect(await page.locator('.wb-dock').getAttribute('data-state')).toBe('connected');
    // The page cleared its screen on reconnect; the server sends it back.
    await waitForTerminalText(page, /^vor dem Abbruch$/m);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo "X ist $X"\n');
    await waitForTerminalText(page, /^X ist 1$/m);
  });

  it('restores the screen and the shell after a page reload', async () => {
    await openFirstLesson();
    await waitForPrompt(page);
    await typeInTerminal(page, 'cd /tmp && echo "noch da nach dem Neuladen"\n');
    await waitForTerminalText(page, /^noch da nach dem Neuladen$/m);
    await page.reload();
    await waitForTerminalText(page, /^noch da nach dem Neuladen$/m);
    await typeInTerminal(page, 'pwd\n');
    await waitForTerminalText(page, /^\/tmp$/m);
  });
});
