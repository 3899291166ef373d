import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { freshPagePerTest, labStep, poll } from './browser.ts';

// Labs against the real runner (its labs API and progress store). The shared test runner
// gives out no clusters: every learner here has none.
const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

const step = (id: string) => labStep(page, 'speicher', id);

describe('lab steps', () => {
  it('answers "Prüfen" on a runner without clusters in German, without pointing to a button it does not show', async () => {
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    // The page has heard from the runner that it gives out no clusters.
    await poll(() => page.evaluate(() => window.werkbankCluster?.status?.provider)).toBe('none');
    const pvc = step('pvc');
    await pvc.getByRole('button', { name: 'Prüfen' }).click();
    const result = pvc.locator('.wb-check-result');
    await poll(() => result.getAttribute('data-outcome')).toBe('no-cluster');
    expect(await result.textContent()).toMatch(/^Dieser Runner stellt keine eigenen Cluster bereit, .* Frag deine Kursleitung/);
    expect(await result.textContent()).not.toContain('Cluster starten');
    expect(await result.getAttribute('aria-live')).toBe('polite');
    // The button is usable again once the answer is there.
    expect(await pvc.getByRole('button', { name: 'Prüfen' }).isEnabled()).toBe(true);
    // This runner gives out no clusters, so there is no panel to point to.
    expect(await pvc.getByRole('button', { name: /Zum Cluster-Bereich/ }).count()).toBe(0);
  });

  it('shows the lab’s progress bar with no step done for a new learner', async () => {
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const progress = page.locator('.wb-lab[data-lab="speicher"] .wb-lab-progress-text');
    await poll(() => progress.isVisible()).toBe(true);
    expect(await progress.textContent()).toMatch(/^0 von [1-9]\d* Schritten geschafft$/);
  });

  it('records opening a hint once and keeps it recorded after a reload', async () => {
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const reveals: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/reveal')) reveals.push(request.postData() ?? '');
    });
    const hint = step('pvc').locator('details.wb-hint');
    await hint.locator('summary').click();
    await hint.locator('summary').click();
    await hint.locator('summary').click();
    await poll(() => reveals.length).toBe(1);
    await page.waitForTimeout(300);
    expect(reveals).toHaveLength(1);
    expect(JSON.parse(reveals[0] ?? '{}')).toEqual({ what: 'hint' });

    await page.reload();
    await poll(() => page.evaluate(() => window.werkbankLabs?.['speicher'] !== undefined)).toBe(true);
    expect(await page.evaluate(() => window.werkbankLabs?.['speicher']?.steps.find((s) => s.id === 'pvc')?.hintRevealed)).toBe(true);
  });
});


describe('instructor page', () => {
  it('shows a learner who opened a hint in the class, live, only with the right token', async () => {
    await page.goto(`${baseUrl}/lehrende/`);
    const token = page.getByLabel('Token für Lehrende');
    await token.fill('geraten');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await poll(() => page.locator('.wb-class-status').textContent()).toMatch(/^Das Token stimmt nicht/);
    await token.fill(inject('instructorToken'));
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await poll(() => page.locator('.wb-class-matrix section[data-lab="speicher"]').count()).toBe(1);
    const rowsBefore = await page.locator('section[data-lab="speicher"] tbody tr').count();

    // Meanwhile a learner (another browser) opens the first hint of the lab.
    const learnerContext = await page.context().browser()!.newContext();
    const learner = await learnerContext.newPage();
    await learner.goto(`${baseUrl}/lektionen/speicher/`);
    const revealed = learner.waitForResponse((response) => response.url().endsWith('/reveal') && response.ok());
    await learner.locator('.wb-step[data-step="pvc"] details.wb-hint summary').click();
    await revealed;
    await learnerContext.close();

    // The instructor's page picks it up by itself.
    const rows = page.locator('section[data-lab="speicher"] tbody tr');
    await poll(() => rows.count(), 10_000).toBe(rowsBefore + 1);
    expect(await rows.last().locator('td[data-step="pvc"]').textContent()).toBe('– · Hinweis');
  });
});
