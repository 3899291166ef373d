// The "existing" provider on a real API server (the shared kwok test cluster standing in
// for an instructor's cluster): each learner gets a namespace and a token that may do
// everything there and nothing elsewhere; the instructor's credentials never leave.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { ExistingClusterProvider } from './existing-provider.ts';
import { ClusterManager } from './manager.ts';

const ALICE = 'existingaliceexisting1';
const BOB = 'existingbobexistingbob';
let dataDir: string;
let clusters: ClusterManager;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-clusters-existing-'));
  const provider = new ExistingClusterProvider({ stateDir: join(dataDir, 'clusters'), kubeconfigPath: inject('kwokKubeconfig') });
  clusters = new ClusterManager({
    provider,
    dataDir,
    poolSize: 0,
    maxClusters: 10,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 1,
    maxParallelCreates: 2,
    log: () => {},
  });
});

afterAll(async () => {
  await clusters.release(ALICE);
  await clusters.release(BOB);
  await clusters.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('each learner works in a namespace of their own with a token of their own, and cannot touch another learner\'s namespace', async () => {
  await clusters.start(ALICE);
  await clusters.start(BOB);
  await expect.poll(() => [clusters.status(ALICE).phase, clusters.status(BOB).phase], { timeout: 30_000 }).toEqual(['ready', 'ready']);

  const alice = (await clusters.clusterFor(ALICE))!;
  const bob = (await clusters.clusterFor(BOB))!;
  expect(alice.namespace).not.toBe(bob.namespace);
  const kubeconfig = await readFile(clusters.kubeconfigPathOf(ALICE), 'utf8');
  expect(kubeconfig).toContain('token:');
  expect(kubeconfig).not.toContain('client-key-data');

  const aliceCore = alice.kubeConfig.makeApiClient(CoreV1Api);
  await aliceCore.createNamespacedConfigMap({ namespace: alice.namespace, body: { metadata: { name: 'notiz' }, data: { a: '1' } } });
  await expect(aliceCore.listNamespacedConfigMap({ namespace: bob.namespace })).rejects.toMatchObject({ code: 403 });
  await expect(aliceCore.listNode()).rejects.toMatchObject({ code: 403 });

  // The learner's kubeconfig, loaded as kubectl would, defaults to their namespace.
  const loaded = new KubeConfig();
  loaded.loadFromString(kubeconfig);
  expect(loaded.getContextObject(loaded.getCurrentContext())?.namespace).toBe(alice.namespace);
});
