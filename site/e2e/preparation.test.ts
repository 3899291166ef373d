// `./werkbank start` serves before Docker and the images are ready: the page shows the
// background preparation as German steps, the terminal waits for its sandbox and then
// connects by itself, "Cluster starten" stays off until the cluster pieces are there,
// and a failure says what went wrong, what to do and when the runner tries again by
// itself (it does, and the page follows). The steps are fakes the test
// finishes or fails; the runner, its HTTP API and the page are real.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterManager } from '../../runner/clusters/manager.ts';
import { FakeProvider } from '../../runner/clusters/testing/fake-provider.ts';
import { loadConfig, repoRoot } from '../../runner/config.ts';
import { startRunner, type Runner } from '../../runner/server.ts';
import { Preparation, type PreparationNeed, type PreparationStep } from '../../runner/setup/preparation.ts';
import { werkbankSteps } from '../../runner/setup/werkbank-steps.ts';
import { launchChromium, poll, terminalText, typeInTerminal, waitForPrompt, waitForTerminalText } from './browser.ts';

interface ControlledStep {
  step: PreparationStep;
  /** The preparation got to it (steps run one after another). */
  started(): boolean;
  finish(): void;
  fail(lines: string[]): void;
}

function controlledStep(id: string, label: string, needs: PreparationNeed[]): ControlledStep {
  return controlled({ id, label, needs, guessSeconds: 120, fix: `Führe „build ${id}“ aus, um den ganzen Fehler zu sehen.` });
}

/** The step's work is the test's: it finishes or fails when the test says so. */
function controlled(shown: Omit<PreparationStep, 'run'>): ControlledStep {
  let settle: { finish: () => void; fail: (lines: string[]) => void } | null = null;
  return {
    step: {
      ...shown,
      run: (onLine) =>
        new Promise<void>((resolve, reject) => {
          settle = {
            finish: resolve,
            fail: (lines) => {
              for (const line of lines) onLine(line);
              reject(new Error('beendet mit Code 1'));
            },
          };
        }),
    },
    started: () => settle !== null,
    finish: () => settle!.finish(),
    fail: (lines) => settle!.fail(lines),
  };
}

/** A runner with the given preparation: in the sandbox mode (its "sandbox" a plain bash,
 * whose cluster the test never finishes), or with clusters beside a host shell. */
async function runnerPreparing(
  steps: ControlledStep[],
  sandboxed = true,
  retryDelaysSeconds?: number[],
): Promise<{ runner: Runner; provider: FakeProvider; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-preparation-'));
  const provider = new FakeProvider({ autoFinish: false, ...(sandboxed ? { slotRoot: join(dataDir, 'slots') } : {}) });
  if (provider.sandbox) {
    (provider.sandbox as { shellCommand: (name: string, session: string) => string[] }).shellCommand = () => ['env', 'PS1=$ ', 'bash', '--noprofile', '--norc', '-i'];
  }
  const preparation = new Preparation({ steps: steps.map((controlled) => controlled.step), log: () => {}, ...(retryDelaysSeconds ? { retryDelaysSeconds } : {}) });
  const clusters = new ClusterManager({
    provider, dataDir, poolSize: 0, maxClusters: 3, idleTtlMs: 3600_000, memoryPerClusterMiB: 100, maxParallelCreates: 1,
    freeMemoryMiB: () => 16_000, log: () => {}, startAfter: preparation.whenReady(sandboxed ? 'terminal' : 'cluster'),
    ...(sandboxed ? { clusterAfter: preparation.whenDone('cluster') } : {}),
  });
  const config = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: join(repoRoot, 'site', 'dist'), rateLimitPerMinute: 100_000 };
  // No labs: their files would be written into the home while it moves into the "sandbox".
  const runner = await startRunner(config, { clusters, preparation, labs: [] });
  void preparation.start();
  return {
    runner,
    provider,
    async stop() {
      await runner.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

let browser: Browser;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(() => browser?.close());

async function lessonPage(runner: Runner): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  cleanups.unshift(() => context.close());
  const page = await context.newPage();
  await page.goto(`${runner.url}/lektionen/grundlagen/`);
  return page;
}

const summary = (page: Page) => page.locator('.wb-preparation-summary').textContent();
const steps = (page: Page) => page.locator('.wb-preparation-steps li').allTextContents();
const startButton = (page: Page) => page.getByRole('button', { name: 'Cluster starten' });
const dockStatus = (page: Page) => page.locator('#wb-terminal .wb-dock-status').textContent();

describe('a runner still preparing in the background', () => {
  it('shows the steps, connects the terminal when its sandbox can start, keeps "Cluster starten" off and tells a failure', async () => {
    const docker = controlledStep('docker', 'Docker-Engine wird bereitgestellt', ['terminal', 'cluster']);
    const images = controlledStep('lab-images', 'Images der Labs werden gebaut', ['cluster']);
    const { runner, provider, stop } = await runnerPreparing([docker, images]);
    cleanups.push(stop);
    const page = await lessonPage(runner);

    await poll(() => summary(page)).toBe('Die Lernumgebung wird vorbereitet … Schritt 1 von 2: Docker-Engine wird bereitgestellt – noch etwa 4 min.');
    expect(await steps(page)).toEqual(['… 1/2 Docker-Engine wird bereitgestellt', '· 2/2 Images der Labs werden gebaut']);
    await expect(startButton(page).isDisabled()).resolves.toBe(true);
    await poll(() => dockStatus(page)).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 1 von 2/);
    // The empty terminal tells why it waits: no queue place, the preparation.
    const screen = async () => (await terminalText(page)).replace(/\s+/g, '');
    await poll(screen).toContain('sobalddieVorbereitungfertigist');
    expect(await screen()).not.toContain('sobalddudranbist');
    expect(runner.sessions.size).toBe(0);

    // The sandbox's pieces are there: the terminal asks again on its own, and its shell
    // starts once the sandbox runs.
    docker.finish();
    await poll(() => provider.pending.length).toBe(1);
    provider.shellReadyNext();
    await waitForPrompt(page, 20_000);
    await poll(() => summary(page)).toBe('Die Lernumgebung wird vorbereitet … Schritt 2 von 2: Images der Labs werden gebaut – noch etwa 2 min.');

    images.fail(['[images] werkbank/nginx:1 …', 'no space left on device']);
    await poll(() => summary(page)).toMatch(
      /^Vorbereitung fehlgeschlagen bei „Images der Labs werden gebaut“ \(Schritt 2 von 2\)\. Führe „build lab-images“ aus, um den ganzen Fehler zu sehen\. Nächster Versuch von selbst in \d+ Sekunden\.$/,
    );
    const output = await page.locator('.wb-preparation-output').textContent();
    expect(output).toContain('no space left on device');
    expect(output).toContain('Was tun: Führe „build lab-images“ aus');
  });

  it('with the real steps of the sandbox mode, the terminal works while the node and lab images are still made', async () => {
    const real = werkbankSteps(repoRoot, true).map(({ run: _run, ...shown }) => controlled(shown));
    const { runner, provider, stop } = await runnerPreparing(real);
    cleanups.push(stop);
    const page = await lessonPage(runner);
    await poll(() => summary(page)).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 1 von 6: /);
    expect(runner.sessions.size).toBe(0);

    // Tools, Docker and the sandbox image: what the learner's shell needs.
    for (const step of real.slice(0, 4)) {
      await poll(() => step.started()).toBe(true);
      step.finish();
    }
    await poll(() => summary(page)).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 5 von 6: Node-Image für die Cluster wird geladen oder gebaut/);
    await poll(() => provider.pending.length).toBe(1);
    // The sandbox starts without the cluster's images, and knows its cluster waits for them.
    expect(provider.pending[0]!.clusterPiecesPending).toBeDefined();
    provider.shellReadyNext();
    await waitForPrompt(page, 20_000);
    await typeInTerminal(page, 'echo "eins plus eins = $((1 + 1))"\r');
    await waitForTerminalText(page, /eins plus eins = 2/);
    await expect(startButton(page).isDisabled()).resolves.toBe(true);
    expect(await summary(page)).toMatch(/Schritt 5 von 6/);
  });

  it('after a failed step, the runner tries again by itself, "Erneut versuchen" at once, and clusters can start when it succeeds', async () => {
    const docker = controlledStep('docker', 'Docker-Engine wird bereitgestellt', ['cluster']);
    // The first automatic retry after 3 s (30 s in a real runner), the next after 10 min.
    const { runner, stop } = await runnerPreparing([docker], false, [3, 600]);
    cleanups.push(stop);
    const page = await lessonPage(runner);
    const retry = page.getByRole('button', { name: 'Erneut versuchen' });
    await poll(() => summary(page)).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 1 von 1/);
    await expect(retry.isVisible()).resolves.toBe(false);

    await poll(() => docker.started()).toBe(true);
    const failed = 'Vorbereitung fehlgeschlagen bei „Docker-Engine wird bereitgestellt“ (Schritt 1 von 1). Führe „build docker“ aus, um den ganzen Fehler zu sehen.';
    docker.fail(['Cannot connect to the Docker daemon at unix:///var/run/docker.sock']);
    await poll(async () => (await summary(page))?.replace(failed, '')).toMatch(/^ Nächster Versuch von selbst in (\d Sekunden|1 Sekunde|gleich)\.$/);
    await poll(() => retry.isVisible()).toBe(true);
    await expect(startButton(page).isDisabled()).resolves.toBe(true);

    // Nobody presses anything: the step runs again by itself, and the page follows.
    await poll(() => summary(page), 15_000).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 1 von 1: Docker-Engine wird bereitgestellt/);
    await expect(retry.isVisible()).resolves.toBe(false);
    docker.fail(['Cannot connect to the Docker daemon at unix:///var/run/docker.sock']);
    await poll(() => summary(page)).toBe(`${failed} Nächster Versuch von selbst in 10 Minuten.`);
    await poll(() => retry.isVisible()).toBe(true);

    // The user started Docker; the step runs again from the page.
    await retry.click();
    await poll(() => summary(page)).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 1 von 1: Docker-Engine wird bereitgestellt/);
    await expect(retry.isVisible()).resolves.toBe(false);
    await expect(page.locator('.wb-preparation-output').isVisible()).resolves.toBe(false);
    docker.finish();
    await poll(() => page.locator('.wb-preparation').isVisible()).toBe(false);
    await poll(() => startButton(page).isEnabled()).toBe(true);
  });

  it('hides the preparation and lets clusters start once everything is ready', async () => {
    const docker = controlledStep('docker', 'Docker-Engine wird bereitgestellt', ['cluster']);
    const { runner, stop } = await runnerPreparing([docker], false);
    cleanups.push(stop);
    const page = await lessonPage(runner);
    await poll(() => page.locator('.wb-preparation').isVisible()).toBe(true);
    await expect(startButton(page).isDisabled()).resolves.toBe(true);
    docker.finish();
    await poll(() => page.locator('.wb-preparation').isVisible()).toBe(false);
    await poll(() => startButton(page).isEnabled()).toBe(true);
  });
});
