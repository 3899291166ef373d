// The cluster lifecycle a learner notices (pool hit, queue, idle deletion, reset,
// adoption after a restart), driven with an in-memory provider: kind itself is proven
// in manager.kind.test.ts.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { waitUntil } from '../wait.ts';
import { dockerDown } from './errors.ts';
import { ClusterManager, type ClusterManagerOptions, type ClusterPhase } from './manager.ts';
import { FakeProvider } from './testing/fake-provider.ts';

const ALICE = 'aaaaaaaaaaaaaaaaaaaaaa';
const BOB = 'bbbbbbbbbbbbbbbbbbbbbb';
let dataDir: string;
const managers: ClusterManager[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-clusters-'));
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  await rm(dataDir, { recursive: true, force: true });
});

function manager(provider: FakeProvider, options: Partial<ClusterManagerOptions> = {}): ClusterManager {
  const created = new ClusterManager({
    provider,
    dataDir,
    poolSize: 0,
    maxClusters: 5,
    idleTtlMs: 2 * 3600_000,
    memoryPerClusterMiB: 600,
    maxParallelCreates: 2,
    freeMemoryMiB: () => 16_000,
    log: () => {},
    ...options,
  });
  managers.push(created);
  return created;
}

async function until(manager: ClusterManager, learnerId: string, phase: ClusterPhase): Promise<void> {
  await waitUntil(`${learnerId} in ${phase}`, () => manager.status(learnerId).phase === phase, {
    timeoutMs: 5_000,
    intervalMs: 5,
    timeoutError: () => new Error(`${learnerId} blieb in ${manager.status(learnerId).phase}, erwartet ${phase}`),
  });
}

test('a learner without a pool gets a cluster of their own, with progress steps and KUBECONFIG once ready', async () => {
  const provider = new FakeProvider({ autoFinish: false });
  const changed: string[] = [];
  const clusters = manager(provider, { onEnvChanged: (id) => changed.push(id) });
  const started = await clusters.start(ALICE);
  expect(started.phase).toBe('creating');
  expect(started.message).toMatch(/wird erstellt, das dauert etwa \d+ Sekunden/);
  expect(started.steps.map((step) => step.label)).toContain('Control Plane startet (kubeadm)');
  expect(clusters.envFor(ALICE).KIND_CLUSTER_NAME).toBeUndefined();
  expect(existsSync(clusters.envFor(ALICE).KUBECONFIG!)).toBe(false);

  provider.finishNext();
  await until(clusters, ALICE, 'ready');
  const env = clusters.envFor(ALICE);
  expect(env.KIND_CLUSTER_NAME).toMatch(/^werkbank-[0-9a-f]{8}$/);
  expect(await readFile(env.KUBECONFIG!, 'utf8')).toContain(`u-${ALICE}`);
  expect(changed).toEqual([ALICE]);
  expect((await clusters.clusterFor(ALICE))?.namespace).toBe('default');
  expect(await clusters.clusterFor(BOB)).toBeNull();
});

test('the labs\' starting state is set up before the learner gets the cluster; a failed setup shows as a failed step on a working cluster', async () => {
  const prepared: string[] = [];
  let learner = ALICE;
  let failing = false;
  const clusters = manager(new FakeProvider(), {
    prepareCluster: async (handle, progress) => {
      progress.start('lab-setup', 'Ausgangszustand der Labs wird eingerichtet');
      // Nobody may reach the cluster before its starting state is there.
      expect(clusters.status(learner).phase).toBe('creating');
      prepared.push(handle.name);
      if (failing) throw new Error('Für „Services“ fehlt der Ausgangszustand.');
    },
  });
  await clusters.start(ALICE);
  await until(clusters, ALICE, 'ready');
  expect(prepared).toEqual([clusters.status(ALICE).clusterName]);
  expect(clusters.status(ALICE).steps.map((step) => [step.label, step.state])).toContainEqual(['Ausgangszustand der Labs wird eingerichtet', 'done']);

  learner = BOB;
  failing = true;
  await clusters.start(BOB);
  await until(clusters, BOB, 'ready');
  const setupStep = clusters.status(BOB).steps.find((step) => step.id === 'lab-setup');
  expect(setupStep).toMatchObject({ state: 'failed', detail: 'Für „Services“ fehlt der Ausgangszustand.' });
  expect(await readFile(clusters.envFor(BOB).KUBECONFIG!, 'utf8')).toContain(`u-${BOB}`);
});

test('with a warm pool the learner is ready at once and the pool refills', async () => {
  const provider = new FakeProvider();
  const clusters = manager(provider, { poolSize: 1 });
  await clusters.ready;
  await expect.poll(() => provider.created.length).toBe(1);
  const poolName = provider.created[0]!;
  expect(poolName).toMatch(/^werkbank-pool-/);
  await new Promise((resolve) => setTimeout(resolve, 10));

  const status = await clusters.start(ALICE);
  expect(status.phase).toBe('ready');
  expect(status.clusterName).toBe(poolName);
  await expect.poll(() => provider.created.length).toBe(2);
});

test('a provider that keeps no warm pool (sandbox pods with homes on claims) gets none, asked for or left by an earlier runner', async () => {
  const provider = new FakeProvider();
  Object.assign(provider.info, { noWarmPool: 'Home-Volumes der Lernenden' });
  // A ready pool cluster an earlier runner (homes in the pods then) left behind.
  await mkdir(join(dataDir, 'clusters'), { recursive: true });
  const old = { name: 'werkbank-pool-alt', owner: null, phase: 'ready', namespace: 'default', startedAt: 1, lastUsedAt: 1 };
  await writeFile(join(dataDir, 'clusters', 'state.json'), JSON.stringify({ version: 1, provider: 'kind', createSeconds: [], clusters: [old] }));
  provider.existing.add(old.name);

  const clusters = manager(provider, { poolSize: 1 });
  await clusters.ready;
  clusters.setPoolSize(2);
  await clusters.start(ALICE);
  await until(clusters, ALICE, 'ready');
  // Alice's cluster was made for her (with her home), not taken from a pool.
  expect(clusters.status(ALICE).clusterName).not.toMatch(/pool/);
  expect(provider.created.filter((name) => name.includes('pool'))).toEqual([]);
  expect(provider.deleted).toEqual([old.name]);
});

test('a full machine queues learners with their position in German and continues when a place frees up', async () => {
  const provider = new FakeProvider();
  const clusters = manager(provider, { maxClusters: 1 });
  await clusters.start(ALICE);
  await until(clusters, ALICE, 'ready');

  const queued = await clusters.start(BOB);
  expect(queued.phase).toBe('queued');
  expect(queued.queuePosition).toBe(1);
  expect(queued.message).toContain('Alle 1 Cluster-Plätze dieses Rechners sind belegt. Du bist auf Platz 1 der Warteschlange');

  await clusters.release(ALICE);
  await until(clusters, BOB, 'ready');
  expect(clusters.status(ALICE).phase).toBe('none');
});

test('too little free memory fails with a German explanation instead of creating a cluster', async () => {
  const provider = new FakeProvider();
  const clusters = manager(provider, { freeMemoryMiB: () => 300 });
  await clusters.start(ALICE);
  const status = clusters.status(ALICE);
  expect(status.phase).toBe('failed');
  expect(status.error?.code).toBe('low-memory');
  expect(status.message).toContain('Zu wenig freier Arbeitsspeicher');
  expect(provider.created).toEqual([]);
});

test('a failed creation shows the last lines of the output, and starting again retries (fake provider)', async () => {
  const provider = new FakeProvider({ autoFinish: false });
  const clusters = manager(provider);
  await clusters.start(ALICE);
  provider.failNext('ERROR: failed to init node with kubeadm\nexit status 1');
  await until(clusters, ALICE, 'failed');
  const failed = clusters.status(ALICE);
  expect(failed.error?.output).toContain('failed to init node with kubeadm');
  expect(failed.error?.retryable).toBe(true);
  expect(failed.message).toContain('ließ sich nicht erstellen');

  expect((await clusters.start(ALICE)).phase).toBe('creating');
  provider.finishNext();
  await until(clusters, ALICE, 'ready');
});

test('an idle cluster is deleted after the TTL, but not while the learner has a terminal open', async () => {
  const provider = new FakeProvider();
  let now = 1_000_000;
  let terminalOpen = true;
  const clusters = manager(provider, { idleTtlMs: 60_000, now: () => now, isActive: () => terminalOpen });
  await clusters.start(ALICE);
  await until(clusters, ALICE, 'ready');
  const name = clusters.status(ALICE).clusterName!;

  now += 10 * 60_000;
  await clusters.sweepNow();
  expect(clusters.status(ALICE).phase).toBe('ready');

  terminalOpen = false;
  now += 59_000;
  await clusters.sweepNow();
  expect(clusters.status(ALICE).phase).toBe('ready');
  now += 2_000;
  await clusters.sweepNow();
  expect(clusters.status(ALICE).phase).toBe('none');
  expect(provider.deleted).toEqual([name]);
  expect(clusters.envFor(ALICE).KIND_CLUSTER_NAME).toBeUndefined();
  expect(existsSync(clusters.envFor(ALICE).KUBECONFIG!)).toBe(false);
});

test('reset gives the learner a fresh cluster without waiting for the old one to be deleted', async () => {
  const provider = new FakeProvider({ deleteDelayMs: 200 });
  const clusters = manager(provider);
  await clusters.start(ALICE);
  await until(clusters, ALICE, 'ready');
  const first = clusters.status(ALICE).clusterName!;
  await clusters.reset(ALICE);
  await until(clusters, ALICE, 'ready');
  const second = clusters.status(ALICE).clusterName!;
  expect(second).not.toBe(first);
  expect(second.startsWith(`${first}-`)).toBe(true);
  expect(provider.deleted).toEqual([]);
  await expect.poll(() => provider.deleted).toEqual([first]);
  expect([...provider.existing]).toEqual([second]);
});

test('after a restart the learners\' clusters are adopted and orphans, half-made ones included, are deleted', async () => {
  const provider = new FakeProvider();
  const before = manager(provider);
  await before.start(ALICE);
  await until(before, ALICE, 'ready');
  const alices = before.status(ALICE).clusterName!;
  await before.close();

  // What a kill -9 leaves behind: a pool cluster mid-creation and one nobody recorded.
  const statePath = join(dataDir, 'clusters', 'state.json');
  const state = JSON.parse(await readFile(statePath, 'utf8'));
  state.clusters.push({ name: 'werkbank-pool-half', owner: null, phase: 'creating', namespace: 'default', startedAt: 1, lastUsedAt: 1 });
  await writeFile(statePath, JSON.stringify(state));
  provider.existing.add('werkbank-pool-half');
  provider.existing.add('werkbank-orphan');
  await rm(before.kubeconfigPathOf(ALICE));

  const after = manager(provider);
  await after.ready;
  expect(after.status(ALICE).phase).toBe('ready');
  expect(after.status(ALICE).clusterName).toBe(alices);
  expect(existsSync(after.kubeconfigPathOf(ALICE))).toBe(true);
  expect(provider.deleted.sort()).toEqual(['werkbank-orphan', 'werkbank-pool-half']);
  expect([...provider.existing]).toEqual([alices]);
});

test('with Docker down at start-up the records are kept, and starting tells the learner in German (fake provider)', async () => {
  const provider = new FakeProvider();
  const before = manager(provider);
  await before.start(ALICE);
  await until(before, ALICE, 'ready');
  const name = before.status(ALICE).clusterName!;
  await before.close();

  provider.listOurs = async () => {
    throw dockerDown('Cannot connect to the Docker daemon');
  };
  provider.create = async () => {
    throw dockerDown('Cannot connect to the Docker daemon');
  };
  const after = manager(provider);
  await after.ready;
  expect(after.status(ALICE).clusterName).toBe(name);
  expect(provider.deleted).toEqual([]);
  await after.start(BOB);
  await until(after, BOB, 'failed');
  expect(after.status(BOB).message).toContain('Docker läuft nicht');
});
