// The lesson page in learner mode "namespace" (a shared cluster), with the runner's
// answers stubbed: a lab that needs a cluster of its own says so instead of offering
// "Prüfen", and a lab that works in a namespace shows the learner's real namespace.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { LAB_NEEDS_CLUSTER_MESSAGE, STEP_NEEDS_CLUSTER_MESSAGE, type LabScopeResponse } from '../../runner/http/contract.ts';
import { stubApi } from './api-stubs.ts';
import { freshPagePerTest, labStep, poll } from './browser.ts';

const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

describe('lesson pages in learner mode "namespace"', () => {
  it('a lab that needs a cluster shows the German notice at every step and no "Prüfen"', async () => {
    await stubApi.labScope(page, 'speicher', {
      json: { lab: 'speicher', shared: true, needs: 'cluster', clusterSteps: ['pvc', 'schreiben', 'ueberleben', 'retain'], labNamespace: 'speicher', namespace: null },
    });
    await page.goto(`${baseUrl}/lektionen/speicher/`);
    const pvc = labStep(page, 'speicher', 'pvc');
    await poll(() => pvc.locator('.wb-needs-cluster').count()).toBe(1);
    expect(await pvc.locator('.wb-needs-cluster').innerText()).toBe(STEP_NEEDS_CLUSTER_MESSAGE);
    expect(await page.locator('.wb-lab[data-lab="speicher"] .wb-lab-namespace').innerText()).toBe(LAB_NEEDS_CLUSTER_MESSAGE);
    expect(await page.locator('.wb-lab[data-lab="speicher"]').getByRole('button', { name: 'Prüfen' }).count()).toBe(0);
    expect(await page.locator('.wb-lab[data-lab="speicher"] .wb-needs-cluster').count()).toBe(5);
  });

  it('a namespace lab is started in the learner\'s namespace for it and shows its real name; its cluster steps say so', async () => {
    const scope: LabScopeResponse = {
      lab: 'konfiguration',
      shared: true,
      needs: 'namespace',
      clusterSteps: ['deployment', 'aenderung'],
      labNamespace: 'konfiguration',
      namespace: 'werkbank-1a2b3c4d-konfiguration',
    };
    let started = 0;
    await stubApi.labScope(page, 'konfiguration', { json: scope });
    await stubApi.labStart(page, 'konfiguration', () => {
      started += 1;
      return { json: scope };
    });
    await page.goto(`${baseUrl}/lektionen/konfiguration/`);
    const line = page.locator('.wb-lab[data-lab="konfiguration"] .wb-lab-namespace');
    await poll(() => line.isVisible()).toBe(true);
    expect(await line.innerText()).toMatch(/^Dein Namespace: werkbank-1a2b3c4d-konfiguration, schon eingestellt – .*„-n konfiguration“/);
    expect(started).toBe(1);
    expect(await labStep(page, 'konfiguration', 'configmap').getByRole('button', { name: 'Prüfen' }).count()).toBe(1);
    const deployment = labStep(page, 'konfiguration', 'deployment');
    expect(await deployment.getByRole('button', { name: 'Prüfen' }).count()).toBe(0);
    expect(await deployment.locator('.wb-needs-cluster').innerText()).toBe(STEP_NEEDS_CLUSTER_MESSAGE);
  });

  it('with clusters of their own nothing changes: "Prüfen" everywhere, no namespace line', async () => {
    await stubApi.labScope(page, 'konfiguration', {
      json: { lab: 'konfiguration', shared: false, needs: 'namespace', clusterSteps: ['deployment', 'aenderung'], labNamespace: 'konfiguration', namespace: 'konfiguration' },
    });
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/labs/konfiguration/scope'));
    await page.goto(`${baseUrl}/lektionen/konfiguration/`);
    await answered;
    expect(await page.locator('.wb-lab[data-lab="konfiguration"]').getByRole('button', { name: 'Prüfen' }).count()).toBe(4);
    expect(await page.locator('.wb-lab[data-lab="konfiguration"] .wb-lab-namespace').isVisible()).toBe(false);
  });
});
