// The lesson page in learner mode "namespace" when the learner's session is not ready
// yet as the page opens (their session pod still starting, or they wait for a seat): the
// namespace lab starts by itself as soon as the session is ready, once, without a reload.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { ClusterStatus, LabScopeResponse } from '../../runner/http/contract.ts';
import { stubApi } from './api-stubs.ts';
import { freshPagePerTest, poll } from './browser.ts';

const baseUrl = inject('baseUrl');
let page: Page;
freshPagePerTest((fresh) => {
  page = fresh;
});

const NAMESPACE = 'werkbank-5e6f7a8b-konfiguration';

function scope(ready: boolean): LabScopeResponse {
  return {
    lab: 'konfiguration',
    shared: true,
    needs: 'namespace',
    clusterSteps: ['deployment', 'aenderung'],
    labNamespace: 'konfiguration',
    namespace: ready ? NAMESPACE : null,
  };
}

const WAITING: Record<'queued' | 'creating', ClusterStatus> = {
  queued: { phase: 'queued', provider: 'kubernetes', message: 'Du bist auf Platz 1 der Warteliste.', steps: [], queuePosition: 1 },
  creating: { phase: 'creating', provider: 'kubernetes', message: 'Deine Sitzung wird gestartet …', steps: [] },
};
const READY: ClusterStatus = { phase: 'ready', provider: 'kubernetes', message: 'Deine Sitzung läuft.', steps: [] };

/** The runner's answers for a learner whose session is `session()` now: the lab's scope,
 * its start (counted) and the session's status. Each status answer ends after one status
 * and the browser asks again after 100 ms (the runner keeps one stream open instead — for
 * the page the same sequence of statuses). */
async function stubSession(page: Page, session: () => ClusterStatus, answerStart: (start: number) => Promise<void> = async () => {}) {
  const counts = { started: 0, statusesSent: 0 };
  const ready = () => session().phase === 'ready';
  await stubApi.labScope(page, 'konfiguration', () => ({ json: scope(ready()) }));
  await stubApi.labStart(page, 'konfiguration', async () => {
    counts.started += 1;
    await answerStart(counts.started);
    return ready() ? { json: scope(true) } : { status: 409, json: { ok: false, error: 'Deine Sitzung ist noch nicht bereit.' } };
  });
  await page.route('**/api/cluster/events', (route) => {
    counts.statusesSent += 1;
    return route.fulfill({ headers: { 'Content-Type': 'text/event-stream' }, body: `retry: 100\nevent: status\ndata: ${JSON.stringify(session())}\n\n` });
  });
  return counts;
}

function namespaceLine(page: Page) {
  return page.locator('.wb-lab[data-lab="konfiguration"] .wb-lab-namespace');
}

const NOTICE = new RegExp(`^Dein Namespace: ${NAMESPACE}, schon eingestellt – `);

describe('a namespace lab and the learner\'s session', () => {
  it.each(['queued', 'creating'] as const)('starts by itself once the session becomes ready after the page opened (at first: %s)', async (waiting) => {
    let session = WAITING[waiting];
    const counts = await stubSession(page, () => session);
    await page.goto(`${baseUrl}/lektionen/konfiguration/`);
    const line = namespaceLine(page);
    await poll(() => page.evaluate(() => window.werkbankCluster?.status?.phase)).toBe(waiting);
    await poll(() => line.isVisible()).toBe(true);
    expect(await line.innerText()).not.toContain('Dein Namespace');

    session = READY;
    await poll(() => line.innerText()).toMatch(NOTICE);
    expect(counts.started).toBe(1);
    // The page goes on hearing "ready" (every change of the session's status): no second start.
    const heard = counts.statusesSent;
    await poll(() => counts.statusesSent >= heard + 3).toBe(true);
    expect(counts.started).toBe(1);
    expect(await line.innerText()).toMatch(NOTICE);
  });

  it('ready as the page opens: started once, though the session\'s status says "ready" again and again', async () => {
    const counts = await stubSession(page, () => READY);
    await page.goto(`${baseUrl}/lektionen/konfiguration/`);
    await poll(() => namespaceLine(page).innerText()).toMatch(NOTICE);
    const heard = counts.statusesSent;
    await poll(() => counts.statusesSent >= heard + 3).toBe(true);
    expect(counts.started).toBe(1);
  });

  it('a new session (reset, or the old one deleted while idle) gets the lab\'s namespace again when it is ready', async () => {
    let session = READY;
    const counts = await stubSession(page, () => session);
    await page.goto(`${baseUrl}/lektionen/konfiguration/`);
    await poll(() => namespaceLine(page).innerText()).toMatch(NOTICE);
    await poll(() => page.evaluate(() => window.werkbankCluster?.status?.phase)).toBe('ready');
    expect(counts.started).toBe(1);

    session = WAITING.creating;
    await poll(() => page.evaluate(() => window.werkbankCluster?.status?.phase)).toBe('creating');
    session = READY;
    await poll(() => counts.started).toBe(2);
    await poll(() => namespaceLine(page).innerText()).toMatch(NOTICE);
  });

  it('a start still under way when the session is replaced: the new session gets its own start', async () => {
    let session = READY;
    let answerFirst = () => {};
    const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
    const counts = await stubSession(page, () => session, (start) => (start === 1 ? firstAnswered : Promise.resolve()));
    const phase = () => page.evaluate(() => window.werkbankCluster?.status?.phase);
    await page.goto(`${baseUrl}/lektionen/konfiguration/`);
    await poll(() => counts.started).toBe(1);
    await poll(phase).toBe('ready');

    session = WAITING.creating;
    await poll(phase).toBe('creating');
    session = READY;
    await poll(phase).toBe('ready');
    expect(counts.started).toBe(1);
    answerFirst();
    await poll(() => counts.started).toBe(2);
    await poll(() => namespaceLine(page).innerText()).toMatch(NOTICE);
    const heard = counts.statusesSent;
    await poll(() => counts.statusesSent >= heard + 3).toBe(true);
    expect(counts.started).toBe(2);
  });
});
