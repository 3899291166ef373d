// Learner mode "namespace" over the API: where a lab works for the learner, starting it
// in their namespace for it, and refusing (never failing) what needs a cluster of one's own.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LearnerCluster } from '../clusters/index.ts';
import { loadConfig } from '../config.ts';
import { startRunner, type Runner } from '../server.ts';
import { newLearner, type Learner } from '../testing/terminal-client.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import konfiguration from '../../labs/konfiguration/lab.ts';
import speicher from '../../labs/speicher/lab.ts';
import { labSchema } from '../labs/schema.ts';
import { LAB_NEEDS_CLUSTER_MESSAGE, labScopePath, STEP_NEEDS_CLUSTER_MESSAGE, stepPath, type ApiError, type LabScopeResponse } from './contract.ts';

// konfiguration as a namespace lab with one step that needs a cluster, and speicher, a
// cluster lab.
const labs = [
  labSchema.parse({ ...konfiguration, steps: konfiguration.steps.map((step) => (step.id === 'deployment' ? { ...step, needs: 'cluster' } : step)) }),
  labSchema.parse(speicher),
];
const started: string[] = [];
const cluster: LearnerCluster = {
  kubeConfig: new KubeConfig(),
  namespace: 'werkbank-1a2b3c4d',
  clusterName: 'werkbank-1a2b3c4d',
  labNamespaces: {
    nameFor: (labNamespace) => `werkbank-1a2b3c4d-${labNamespace}`,
    start: async (labNamespace) => {
      started.push(labNamespace);
      return `werkbank-1a2b3c4d-${labNamespace}`;
    },
  },
};

async function runnerWith(sharedCluster: boolean): Promise<{ runner: Runner; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'werkbank-lab-scope-'));
  const runner = await startRunner(
    { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir: dir, siteDir: null, rateLimitPerMinute: 100_000 },
    { sharedCluster, clusterFor: async () => cluster, labs },
  );
  return { runner, dir };
}

let shared: { runner: Runner; dir: string };
let own: { runner: Runner; dir: string };
let learner: Learner;

beforeAll(async () => {
  shared = await runnerWith(true);
  own = await runnerWith(false);
  learner = await newLearner(shared.runner.url);
});

afterAll(async () => {
  for (const { runner, dir } of [shared, own]) {
    await runner.close();
    await rm(dir, { recursive: true, force: true });
  }
});

const post = (url: string, path: string) => fetch(`${url}${path}`, { method: 'POST', headers: { origin: url, cookie: learner.cookie } });

describe('labs in learner mode "namespace"', () => {
  it('says where konfiguration works for the learner and starts it in their namespace for it', async () => {
    const scope = (await (await fetch(`${shared.runner.url}${labScopePath('konfiguration', 'scope')}`, { headers: { cookie: learner.cookie } })).json()) as LabScopeResponse;
    expect(scope).toEqual({ lab: 'konfiguration', shared: true, needs: 'namespace', clusterSteps: ['deployment'], labNamespace: 'konfiguration', namespace: 'werkbank-1a2b3c4d-konfiguration' });
    const start = await post(shared.runner.url, labScopePath('konfiguration', 'start'));
    expect(start.status).toBe(200);
    expect(((await start.json()) as LabScopeResponse).namespace).toBe('werkbank-1a2b3c4d-konfiguration');
    expect(started).toEqual(['konfiguration']);
  });

  it('refuses to start a lab that needs a cluster, and to check its steps or a cluster step of a namespace lab, in German', async () => {
    started.length = 0;
    const start = await post(shared.runner.url, labScopePath('speicher', 'start'));
    expect(start.status).toBe(409);
    expect(((await start.json()) as ApiError).error).toBe(LAB_NEEDS_CLUSTER_MESSAGE);
    const labCheck = await post(shared.runner.url, stepPath('speicher', 'pvc', 'check'));
    expect(labCheck.status).toBe(409);
    expect(((await labCheck.json()) as ApiError).error).toBe(LAB_NEEDS_CLUSTER_MESSAGE);
    const stepCheck = await post(shared.runner.url, stepPath('konfiguration', 'deployment', 'check'));
    expect(stepCheck.status).toBe(409);
    expect(((await stepCheck.json()) as ApiError).error).toBe(STEP_NEEDS_CLUSTER_MESSAGE);
    expect(started).toEqual([]);
  });

  it('with clusters of their own, a lab works in its own namespace and nothing is refused for its needs', async () => {
    const scope = (await (await fetch(`${own.runner.url}${labScopePath('speicher', 'scope')}`)).json()) as LabScopeResponse;
    expect(scope).toMatchObject({ shared: false, needs: 'cluster', namespace: 'speicher' });
  });
});
