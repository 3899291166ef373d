import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { repoRoot } from '../../runner/config.ts';
import type { LabProgressView } from '../../runner/http/contract.ts';
import { stubApi } from './api-stubs.ts';
import { freshPagePerTest, labStep, poll, waitForPrompt, waitForTerminalText } from './browser.ts';

// The shared test runner gives out no clusters: every learner here has none.
const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

const step = (id: string) => labStep(page, 'speicher', id);

describe('runnable code blocks', () => {
  it('puts a shell block’s command at the prompt with one click; Enter runs it', async () => {
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    await waitForPrompt(page);
    const block = page.locator('.expressive-code', { hasText: 'Grüße aus dem Terminal' }).first();
    const button = block.locator('xpath=following-sibling::div[1]').getByRole('button', { name: 'Ins Terminal' });
    await button.click();
    await waitForTerminalText(page, /\$ echo "Grüße aus dem Terminal"$/m);
    await page.keyboard.press('Enter');
    await waitForTerminalText(page, /^Grüße aus dem Terminal$/m);
  });

  it('gives yaml blocks no terminal button', async () => {
    await page.goto(`${baseUrl}/lektionen/grundlagen/`);
    const yamlBlocks = page.locator('.expressive-code:has(pre[data-language="yaml"])');
    expect(await yamlBlocks.count()).toBeGreaterThan(0);
    // Also the closed solutions' blocks have one (hidden until opened).
    const buttons = await page.locator('.wb-run-button').count();
    const shellBlocks = await page.locator('.sl-markdown-content .expressive-code:has(pre[data-language="bash"])').count();
    expect(buttons).toBe(shellBlocks);
  });
});

describe('hint and solution from the lab', () => {
  it('shows the step’s hint from lab.ts and, once opened, its solution script', async () => {
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const pvc = step('pvc');
    await pvc.locator('details.wb-hint summary').click();
    expect(await pvc.locator('details.wb-hint').textContent()).toContain('kubectl create namespace speicher, dann kubectl config set-context');
    // This step's script waits where a learner would watch; the page shows it as it is.
    const solution = step('ueberleben').locator('details.wb-solution');
    expect(await solution.locator('pre').isVisible()).toBe(false);
    await solution.locator('summary').click();
    const script = readFileSync(join(repoRoot, 'labs', 'speicher', 'solutions', 'ueberleben.sh'), 'utf8');
    const shown = await solution.locator('pre').innerText();
    for (const line of script.split('\n').filter((text) => text.trim() !== '' && !text.startsWith('#'))) {
      expect(shown).toContain(line);
    }
  });
});

// A passing check needs a cluster with the learner's work in it; these tests let the page
// meet the runner's answers (as the API contract gives them) without one.
describe('lab steps with the runner’s answers stubbed', () => {
  const stepIds = ['pvc', 'schreiben', 'ueberleben', 'retain'];
  function labProgress(passed: string[], attempts = 1): LabProgressView {
    return {
      lab: 'speicher',
      title: 'Daten, die bleiben',
      steps: stepIds.map((id) => ({
        id,
        title: id,
        passed: passed.includes(id),
        attempts: passed.includes(id) ? attempts : 0,
        lastCheckedAt: null,
        passedAt: null,
        hintRevealed: false,
        solutionRevealed: false,
      })),
    };
  }

  beforeEach(async () => {
    await stubApi.labProgress(page, 'speicher', { json: labProgress([]) });
  });

  it('shows "Wird geprüft …" while checking, then "Geschafft", the step as done and the bar moved on', async () => {
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await stubApi.check(page, 'speicher', 'pvc', async () => {
      await answered;
      return {
        json: {
          lab: 'speicher',
          step: 'pvc',
          passed: true,
          results: [{ checkId: 'pvc-bound', passed: true, message: 'Der PVC „daten“ ist gebunden.' }],
          progress: labProgress(['pvc'], 2),
        },
      };
    });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const pvc = step('pvc');
    const progress = page.locator('.wb-lab[data-lab="speicher"] .wb-lab-progress-text');
    await poll(() => progress.textContent()).toBe('0 von 4 Schritten geschafft');

    await pvc.getByRole('button', { name: 'Prüfen' }).click();
    const busy = pvc.getByRole('button', { name: 'Wird geprüft …' });
    await poll(() => busy.isDisabled()).toBe(true);
    answer();

    const result = pvc.locator('.wb-check-result');
    await poll(() => result.getAttribute('data-outcome')).toBe('passed');
    expect(await result.textContent()).toBe('Geschafft✓ Der PVC „daten“ ist gebunden.');
    expect(await pvc.locator('.wb-step-state').textContent()).toBe('✓ Geschafft (2 Versuche)');
    expect(await progress.textContent()).toBe('1 von 4 Schritten geschafft');
    expect(await pvc.getByRole('button', { name: 'Prüfen' }).isEnabled()).toBe(true);
  });

  it('lists what is still wrong first, each with its hint', async () => {
    await stubApi.check(page, 'speicher', 'pvc', {
        json: {
          lab: 'speicher',
          step: 'pvc',
          passed: false,
          results: [
            { checkId: 'namespace-exists', passed: true, message: 'Den Namespace „speicher“ gibt es.' },
            {
              checkId: 'pvc-bound',
              passed: false,
              message: 'Den PVC „daten“ gibt es noch nicht.',
              hint: 'Leg ihn mit kubectl apply -f daten-pvc.yaml an.',
            },
          ],
          progress: { ...labProgress([]), steps: labProgress([]).steps.map((s) => (s.id === 'pvc' ? { ...s, attempts: 3 } : s)) },
        },
      });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const pvc = step('pvc');
    await pvc.getByRole('button', { name: 'Prüfen' }).click();
    const result = pvc.locator('.wb-check-result');
    await poll(() => result.getAttribute('data-outcome')).toBe('failed');
    const items = await result.locator('li').allTextContents();
    expect(items).toEqual([
      '✗ Den PVC „daten“ gibt es noch nicht.Tipp: Leg ihn mit kubectl apply -f daten-pvc.yaml an.',
      '✓ Den Namespace „speicher“ gibt es.',
    ]);
    expect(await result.locator('.wb-check-title').textContent()).toBe('Noch nicht geschafft – eine Prüfung schlägt fehl:');
    expect(await pvc.locator('.wb-step-state').textContent()).toBe('Noch offen – bisher 3 Versuche');
  });

  it('shows each step’s last state and last check again after a reload', async () => {
    const progress = labProgress(['pvc'], 1);
    const schreiben = progress.steps[1]!;
    Object.assign(schreiben, {
      attempts: 2,
      lastResults: [{ checkId: 'deployment-available', passed: false, message: 'Das Deployment „notizen“ fehlt.', hint: 'Wende notizen.yaml an.' }],
    });
    await stubApi.labProgress(page, 'speicher', { json: progress });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    await poll(() => step('pvc').locator('.wb-step-state').textContent()).toBe('✓ Geschafft (1 Versuch)');
    expect(await step('schreiben').locator('.wb-step-state').textContent()).toBe('Noch offen – bisher 2 Versuche');
    const result = step('schreiben').locator('.wb-check-result');
    expect(await result.getAttribute('data-outcome')).toBe('failed');
    expect(await result.textContent()).toContain('Das Deployment „notizen“ fehlt.Tipp: Wende notizen.yaml an.');
    expect(await step('ueberleben').locator('.wb-step-state').textContent()).toBe('');
  });

  it('on "no ready cluster" leads the learner to the cluster panel, even from a collapsed terminal', async () => {
    await stubApi.clusterEvents(page, { phase: 'none', provider: 'kind', message: 'Du hast noch keinen Cluster.', steps: [] });
    await stubApi.check(page, 'speicher', 'pvc', {
      status: 409,
      json: { ok: false, error: 'Für „Prüfen“ brauchst du einen fertigen Cluster. Starte ihn oben am Terminal.' },
    });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    await page.getByRole('button', { name: 'Einklappen' }).click();
    const pvc = step('pvc');
    await pvc.getByRole('button', { name: 'Prüfen' }).click();
    const result = pvc.locator('.wb-check-result');
    await poll(() => result.getAttribute('data-outcome')).toBe('no-cluster');
    expect(await result.locator('.wb-check-title').textContent()).toBe(
      'Für „Prüfen“ brauchst du einen fertigen Cluster. Starte ihn oben am Terminal.',
    );
    await pvc.getByRole('button', { name: 'Zum Cluster-Bereich am Terminal' }).click();
    expect(await page.getAttribute('html', 'data-wb-dock-collapsed')).toBe('false');
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cluster starten');
  });

  it('says what to do when the runner cannot be reached', async () => {
    await stubApi.check(page, 'speicher', 'pvc', 'connection-refused');
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const pvc = step('pvc');
    await pvc.getByRole('button', { name: 'Prüfen' }).click();
    const result = pvc.locator('.wb-check-result');
    await poll(() => result.getAttribute('data-outcome')).toBe('network');
    expect(await result.textContent()).toMatch(/Der Runner antwortet nicht\. .*versuche es dann noch einmal\./);
  });
});

describe('progress pages with the runner’s answers stubbed', () => {
  const speicher: LabProgressView = {
    lab: 'speicher',
    title: 'Daten, die bleiben',
    steps: [
      { id: 'pvc', title: 'Speicher anfordern', passed: true, attempts: 2, lastCheckedAt: null, passedAt: null, hintRevealed: true, solutionRevealed: false },
      { id: 'schreiben', title: 'Einen Pod schreiben lassen', passed: false, attempts: 1, lastCheckedAt: null, passedAt: null, hintRevealed: false, solutionRevealed: false },
    ],
  };

  it('shows on the course overview how far the learner got in each lesson’s lab', async () => {
    await stubApi.progress(page, { json: { labs: [speicher] } });
    await page.goto(baseUrl);
    const card = page.locator('.wb-lesson-card', { hasText: 'Persistente Daten' });
    await poll(() => card.locator('.wb-lesson-progress').textContent()).toBe('Übung: 1 von 2 Schritten geschafft');
    // A lab the learner has not touched says nothing yet.
    expect(await page.locator('.wb-lesson-card', { hasText: 'Kubernetes-Grundlagen' }).locator('.wb-lesson-progress').textContent()).toBe('');
  });

  it('lists the learner’s labs and steps on the progress page', async () => {
    await stubApi.progress(page, { json: { labs: [speicher] } });
    await page.goto(`${baseUrl}/fortschritt/`);
    const section = page.locator('.wb-progress-lab[data-lab="speicher"]');
    await poll(() => section.locator('.wb-progress-summary').textContent()).toBe('Daten, die bleiben: 1 von 2 Schritten geschafft.');
    expect(await section.locator('li').allTextContents()).toEqual([
      'Speicher anfordern: ✓ geschafft, 2 Versuche, Hinweis angesehen',
      'Einen Pod schreiben lassen: noch offen, 1 Versuch',
    ]);
    expect(await section.getByRole('link', { name: /Zur Lektion „Persistente Daten“/ }).count()).toBe(1);
  });

  it('asks instructors for the token, shows the class and asks again when the token is wrong', async () => {
    const seen: string[] = [];
    await stubApi.classProgress(page, (request) => {
      const auth = request.headers()['authorization'] ?? '';
      seen.push(auth);
      if (auth !== 'Bearer richtig') return { status: 401, json: { ok: false, error: 'Falsches Token.' } };
      return {
        json: {
          labs: [{ lab: 'speicher', title: 'Daten, die bleiben', steps: speicher.steps.map(({ id, title }) => ({ id, title })) }],
          learners: [{ learner: 'abcdefghijklmnopqrstuv', labs: [speicher] }],
        },
      };
    });
    await page.goto(`${baseUrl}/lehrende/`);
    const token = page.getByLabel('Token für Lehrende');
    await token.fill('falsch');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await poll(() => page.locator('.wb-class-status').textContent()).toMatch(/Das Token stimmt nicht/);

    await token.fill('richtig');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    const row = page.locator('tr[data-learner="abcdefghijklmnopqrstuv"]');
    await poll(() => row.locator('td').allTextContents()).toEqual(['✓ (2) · Hinweis', '✗ 1', '1 von 2']);
    // Live: it asks again by itself, and the token survives a reload of the tab.
    const asked = seen.length;
    await poll(() => seen.length, 10_000).toBeGreaterThan(asked);
    await page.reload();
    await poll(() => row.count()).toBe(1);
    expect(await token.isVisible()).toBe(false);
  });
});
