// The labs API end to end: a runner with one small lab checks a learner's step against
// the shared kwok cluster, records every attempt, and still knows it after a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { kwokTest } from '../../checks/testing/kwok-test.ts';
import type { LearnerCluster } from '../clusters/index.ts';
import { loadConfig, type RunnerConfig } from '../config.ts';
import { labSchema, type Lab } from '../labs/schema.ts';
import { startRunner, type Runner } from '../server.ts';
import { LEARNER_COOKIE } from './learner.ts';
import { NO_CLUSTER_MESSAGE } from './labs.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'werkbank-labs-api-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function smallLab(namespace: string): Lab {
  return labSchema.parse({
    id: 'konfig-mini',
    title: 'Konfiguration im Kleinen',
    lesson: 'konfiguration',
    needs: 'namespace',
    namespace,
    steps: [
      {
        id: 'configmap',
        title: 'ConfigMap anlegen',
        checks: [{ check: 'config-data', params: { name: 'shop-config', keys: ['farbe'] } }],
        hint: 'kubectl create configmap hilft.',
        solution: 'solutions/configmap.sh',
      },
      {
        id: 'zweiter',
        title: 'Noch ein Schritt',
        checks: [{ check: 'config-data', params: { name: 'noch-eine' } }],
        hint: 'Wie oben.',
        solution: 'solutions/zweiter.sh',
      },
    ],
  });
}

interface Client {
  runner: Runner;
  cookie: string;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** A browser of the runner's own origin that keeps its learner cookie. */
function client(runner: Runner, cookie = ''): Client {
  const self: Client = {
    runner,
    cookie,
    async post(path, body, headers = {}) {
      const response = await fetch(`${runner.url}${path}`, {
        method: 'POST',
        headers: {
          Origin: runner.url,
          ...(self.cookie ? { Cookie: self.cookie } : {}),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const set = response.headers.getSetCookie().find((value) => value.startsWith(`${LEARNER_COOKIE}=`));
      if (set) self.cookie = set.split(';')[0]!;
      return response;
    },
    get(path, headers = {}) {
      return fetch(`${runner.url}${path}`, { headers: { ...(self.cookie ? { Cookie: self.cookie } : {}), ...headers } });
    },
  };
  return self;
}

async function start(dataDir: string, lab: Lab, clusterFor: (learnerId: string) => Promise<LearnerCluster | null>): Promise<Runner> {
  const config: RunnerConfig = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null };
  const runner = await startRunner(config, { labs: [lab], clusterFor });
  let closed = false;
  const close = async () => {
    if (!closed) await runner.close();
    closed = true;
  };
  cleanups.push(close);
  return { ...runner, close };
}

const CHECK = '/api/labs/konfig-mini/steps/configmap/check';

kwokTest('a step fails, passes after the learner acts, and the progress survives a restart', async ({ kube, namespace }) => {
  const dataDir = await tempDataDir();
  const lab = smallLab(namespace);
  // The learner's own cluster: the checks must look in the lab's namespace.
  const cluster: LearnerCluster = { kubeConfig: kube.config, namespace: 'default', clusterName: 'kwok' };
  const browser = client(await start(dataDir, lab, async () => cluster));

  const before = await browser.post(CHECK);
  expect(before.status).toBe(200);
  const failed = (await before.json()) as { passed: boolean; results: { checkId: string; passed: boolean; message: string }[] };
  expect(failed.passed).toBe(false);
  expect(failed.results).toHaveLength(1);
  expect(failed.results[0]).toMatchObject({ checkId: 'config-data', passed: false });
  expect(failed.results[0]!.message).toContain('shop-config');
  expect(failed.results[0]!.message).toContain(`kubectl create configmap shop-config`);
  expect(Object.keys(failed.results[0]!)).not.toContain('error');

  await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'shop-config' }, data: { farbe: 'blau' } } });
  const after = await browser.post(CHECK);
  const passed = (await after.json()) as { passed: boolean; progress: { steps: { id: string; passed: boolean; attempts: number }[] } };
  expect(passed.passed).toBe(true);
  expect(passed.progress.steps[0]).toMatchObject({ id: 'configmap', passed: true, attempts: 2 });

  const reveal = await browser.post('/api/labs/konfig-mini/steps/zweiter/reveal', { what: 'solution' });
  expect(reveal.status).toBe(200);
  expect(((await reveal.json()) as { progress: { steps: { solutionRevealed: boolean }[] } }).progress.steps[1]!.solutionRevealed).toBe(true);
  expect((await browser.post('/api/labs/konfig-mini/steps/zweiter/reveal', { what: 'alles' })).status).toBe(400);

  const progress = await (await browser.get('/api/labs/konfig-mini/progress')).json();
  expect(progress).toMatchObject({
    lab: 'konfig-mini',
    title: 'Konfiguration im Kleinen',
    steps: [
      {
        id: 'configmap',
        title: 'ConfigMap anlegen',
        passed: true,
        attempts: 2,
        hintRevealed: false,
        solutionRevealed: false,
        // After a reload the page shows the last check again.
        lastResults: [{ checkId: 'config-data', passed: true }],
      },
      { id: 'zweiter', title: 'Noch ein Schritt', passed: false, attempts: 0, hintRevealed: false, solutionRevealed: true },
    ],
  });
  await browser.runner.close();

  // A new runner on the same data directory: the learner comes back with their cookie.
  const again = client(await start(dataDir, lab, async () => cluster), browser.cookie);
  const overview = (await (await again.get('/api/progress')).json()) as { labs: { lab: string; steps: { passed: boolean; attempts: number; passedAt: string | null }[] }[] };
  expect(overview.labs).toHaveLength(1);
  expect(overview.labs[0]!.steps[0]).toMatchObject({ passed: true, attempts: 2 });
  expect(Date.parse(overview.labs[0]!.steps[0]!.passedAt ?? '')).not.toBeNaN();
  expect(overview.labs[0]!.steps[1]).toMatchObject({ passed: false, attempts: 0 });
});

kwokTest('without a ready cluster "Prüfen" says so in German and records nothing', async ({ namespace }) => {
  const browser = client(await start(await tempDataDir(), smallLab(namespace), async () => null));
  const response = await browser.post(CHECK);
  expect(response.status).toBe(409);
  expect(await response.json()).toEqual({ ok: false, error: NO_CLUSTER_MESSAGE });
  const progress = (await (await browser.get('/api/labs/konfig-mini/progress')).json()) as { steps: { attempts: number }[] };
  expect(progress.steps[0]!.attempts).toBe(0);

  // A foreign page cannot check (and so record) on the learner's behalf.
  expect((await browser.post(CHECK, undefined, { Origin: 'https://example.org' })).status).toBe(403);
  const unknownLab = await browser.post('/api/labs/gibt-es-nicht/steps/configmap/check');
  expect(unknownLab.status).toBe(404);
  expect(((await unknownLab.json()) as { error: string }).error).toContain('„gibt-es-nicht“');
  expect((await browser.post('/api/labs/konfig-mini/steps/gibt-es-nicht/check')).status).toBe(404);
});

kwokTest('a second "Prüfen" while the first still runs shares its answer and counts once', async ({ kube, namespace }) => {
  const cluster: LearnerCluster = { kubeConfig: kube.config, namespace: 'default', clusterName: 'kwok' };
  let lookups = 0;
  // Finding the cluster takes a moment, long enough for the second click to arrive.
  const slowClusterFor = async () => {
    lookups += 1;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return cluster;
  };
  const browser = client(await start(await tempDataDir(), smallLab(namespace), slowClusterFor));
  await browser.post('/api/labs/konfig-mini/steps/zweiter/reveal', { what: 'hint' }); // gets the cookie
  const [first, second] = await Promise.all([browser.post(CHECK), browser.post(CHECK)]);
  expect([first.status, second.status]).toEqual([200, 200]);
  const answers = (await Promise.all([first.json(), second.json()])) as { progress: { steps: { attempts: number }[] } }[];
  expect(answers[0]).toEqual(answers[1]);
  expect(lookups).toBe(1);
  const progress = (await (await browser.get('/api/labs/konfig-mini/progress')).json()) as { steps: { attempts: number }[] };
  expect(progress.steps[0]!.attempts).toBe(1);
});

kwokTest('the class overview needs the instructor token and hides learner ids', async ({ kube, namespace }) => {
  const dataDir = await tempDataDir();
  const lab = smallLab(namespace);
  const cluster: LearnerCluster = { kubeConfig: kube.config, namespace: 'default', clusterName: 'kwok' };
  const runner = await start(dataDir, lab, async () => cluster);
  const learner = client(runner);
  await learner.post(CHECK);
  await learner.post(CHECK);

  const path = '/api/lehrende/progress';
  const anonymous = await learner.get(path);
  expect(anonymous.status).toBe(401);
  expect(((await anonymous.json()) as { error: string }).error).toMatch(/nur für Lehrende/);
  expect((await learner.get(path, { Authorization: 'Bearer falsch' })).status).toBe(401);

  const token = runner.instructorToken.token;
  expect(runner.instructorToken.source).toBe('new');
  const response = await learner.get(path, { Authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).not.toContain(learner.cookie.split('=')[1]);
  const matrix = JSON.parse(text) as {
    labs: { lab: string; steps: { id: string }[] }[];
    learners: { learner: string; labs: { lab: string; steps: { id: string; passed: boolean; attempts: number }[] }[] }[];
  };
  expect(matrix.labs.map((entry) => entry.lab)).toEqual(['konfig-mini']);
  expect(matrix.learners).toHaveLength(1);
  expect(matrix.learners[0]!.labs[0]!.steps[0]).toMatchObject({ id: 'configmap', passed: false, attempts: 2 });

  // The token is kept: a restarted runner accepts the same one.
  await runner.close();
  const restarted = await start(dataDir, lab, async () => cluster);
  expect(restarted.instructorToken).toMatchObject({ token, source: 'file' });
});
