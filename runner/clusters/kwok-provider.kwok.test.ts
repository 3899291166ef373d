// The simulated provider end to end through the manager: a learner's kwok cluster is
// made, reachable with their own kubeconfig, adopted after a restart and deleted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { KwokProvider } from './kwok-provider.ts';
import { ClusterManager } from './manager.ts';

const LEARNER = 'kwokkwokkwokkwokkwok01';
let dataDir: string;
let provider: KwokProvider;

function manager(): ClusterManager {
  return new ClusterManager({
    provider,
    dataDir,
    poolSize: 0,
    maxClusters: 2,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 300,
    maxParallelCreates: 1,
    log: () => {},
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-clusters-kwok-'));
  provider = new KwokProvider({ stateDir: join(dataDir, 'clusters'), tools: toolchain() });
});

afterAll(async () => {
  for (const name of await provider.listOurs()) await provider.delete(name);
  await rm(dataDir, { recursive: true, force: true });
});

test('a learner\'s kwok cluster becomes ready with one Ready node and a default StorageClass, and survives a runner restart', async () => {
  const first = manager();
  const steps: string[] = [];
  first.subscribe(LEARNER, (status) => {
    for (const step of status.steps) if (!steps.includes(step.label)) steps.push(step.label);
  });
  expect((await first.start(LEARNER)).phase).toBe('creating');
  await expect.poll(() => first.status(LEARNER).phase, { timeout: 120_000, interval: 250 }).toBe('ready');
  expect(steps).toEqual([
    'Control Plane startet (simuliert mit kwok)',
    'Simulierter Knoten und StorageClass werden angelegt',
    'Warten auf Knoten und StorageClass',
  ]);
  const access = await first.clusterFor(LEARNER);
  const nodes = await access!.kubeConfig.makeApiClient(CoreV1Api).listNode();
  expect(nodes.items.map((node) => node.metadata?.name)).toEqual(['kwok-node']);
  expect(access!.kubeConfig.getCurrentUser()?.name).toMatch(/^werkbank-[0-9a-f]{8}@kwok-werkbank-/);
  expect(first.envFor(LEARNER).KIND_CLUSTER_NAME).toBeUndefined();
  await first.close();

  const second = manager();
  await second.ready;
  expect(second.status(LEARNER).phase).toBe('ready');
  await expect(provider.loadImages()).rejects.toThrow('keine Container-Runtime');
  await second.release(LEARNER);
  expect(await provider.listOurs()).toEqual([]);
  await second.close();
});
