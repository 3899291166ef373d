// "Prüfen" end to end with a cluster: the real runner (labs API, real checks) serves the
// built site, and the learner's cluster is a namespace of the shared kwok cluster.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { kwokTest } from '../../checks/testing/kwok-test.ts';
import { loadConfig, repoRoot } from '../../runner/config.ts';
import { startRunner, type Runner } from '../../runner/server.ts';
import { labStep, launchChromium } from './browser.ts';

const siteDir = join(repoRoot, 'site', 'dist');
let browser: Browser;
let runner: Runner;
let dataDir: string;
/** The namespace the current test's learner works in (the fixture's fresh one). */
let learnerNamespace = 'default';

beforeAll(async () => {
  if (!existsSync(join(siteDir, 'index.html'))) {
    throw new Error('site/dist fehlt: dieser Test braucht die gebaute Website ("./werkbank setup").');
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(inject('kwokKubeconfig'));
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-labs-page-'));
  runner = await startRunner(
    { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir, terminalGraceMs: 5_000 },
    { clusterFor: async () => ({ kubeConfig, namespace: learnerNamespace, clusterName: 'kwok' }) },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await runner?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
});

kwokTest('"Prüfen" says in German what is missing, then "Geschafft" once the learner made it', async ({ kube, namespace }) => {
  learnerNamespace = namespace;
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  try {
    await page.goto(`${runner.url}/lektionen/konfiguration/`);
    const step = labStep(page, 'konfiguration', 'configmap');
    const result = step.locator('.wb-check-result');
    const progress = page.locator('.wb-lab[data-lab="konfiguration"] .wb-lab-progress-text');
    await expect.poll(() => progress.textContent(), { timeout: 10_000 }).toMatch(/^0 von \d+ Schritten geschafft$/);

    await step.getByRole('button', { name: 'Prüfen' }).click();
    await expect.poll(() => result.getAttribute('data-outcome'), { timeout: 20_000 }).toBe('failed');
    expect(await result.locator('.wb-check-item[data-passed="false"]').first().textContent()).toContain('app-config');
    expect(await step.locator('.wb-step-state').textContent()).toBe('Noch offen – bisher 1 Versuch');

    await kube.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'app-config' }, data: { DB_HOST: 'db', LOG_LEVEL: 'info', 'begruessung.txt': 'Hallo' } },
    });
    await step.getByRole('button', { name: 'Prüfen' }).click();
    await expect.poll(() => result.getAttribute('data-outcome'), { timeout: 20_000 }).toBe('passed');
    expect(await result.locator('.wb-check-title').textContent()).toBe('Geschafft');
    expect(await step.locator('.wb-step-state').textContent()).toBe('✓ Geschafft (2 Versuche)');
    expect(await progress.textContent()).toMatch(/^1 von \d+ Schritten geschafft$/);

    // Still there after a reload: the runner stored it.
    await page.reload();
    await expect.poll(() => step.locator('.wb-step-state').textContent(), { timeout: 10_000 }).toBe('✓ Geschafft (2 Versuche)');
  } finally {
    await context.close();
  }
});
