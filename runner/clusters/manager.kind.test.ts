// The cluster lifecycle on real kind, through the runner as the page drives it: start
// with German progress on the event stream, the learner's terminal reaching their own
// node, adoption after a restart, a pool hit on reset, and orphans deleted. Two kind
// clusters in all (each ~470 MiB and half a minute of both cores).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { nodeImage } from '../../checks/testing/kind-cluster.ts';
import { addonManifests, labImages } from '../../docker/images/images.ts';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { loadConfig } from '../config.ts';
import { labSetupPreparer } from '../labs/cluster-setup.ts';
import { loadOfferedLabs } from '../labs/load.ts';
import { runChecked } from '../process.ts';
import { startRunner, type Runner } from '../server.ts';
import { learnerIdOf, newLearner, TerminalClient, type Learner } from '../testing/terminal-client.ts';
import { linkLearnerTools } from '../tools.ts';
import { KindProvider } from './kind-provider.ts';
import { ClusterManager, type ClusterManagerOptions, type ClusterStatus } from './manager.ts';

// The runner's own list (so the node image with the lab images baked in is shared with
// it), plus one image this machine never built.
const NOT_BUILT = 'werkbank/not-built-yet:0';

let dataDir: string;
let provider: KindProvider;
let runner: Runner | null = null;
let learner: Learner;
let learnerId: string;
const managers: ClusterManager[] = [];

function manager(options: Partial<ClusterManagerOptions> = {}): ClusterManager {
  const created = new ClusterManager({
    provider,
    dataDir,
    poolSize: 0,
    maxClusters: 2,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 600,
    maxParallelCreates: 1,
    ...options,
  });
  managers.push(created);
  return created;
}

async function kindClusters(): Promise<string[]> {
  const stdout = await runChecked(toolchain().kind, ['get', 'clusters']);
  return stdout.split('\n').filter(Boolean);
}

async function nodeNames(cluster: ClusterManager, id: string): Promise<string[]> {
  const access = await cluster.clusterFor(id);
  if (!access) throw new Error('kein Cluster');
  const nodes = await access.kubeConfig.makeApiClient(CoreV1Api).listNode();
  return nodes.items.map((node) => node.metadata?.name ?? '');
}

/** Reads the page's event stream until `done` says so. */
async function followEvents(baseUrl: string, done: (status: ClusterStatus) => boolean): Promise<ClusterStatus[]> {
  const response = await fetch(`${baseUrl}/api/cluster/events`, { headers: { cookie: learner.cookie } });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: ClusterStatus[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error('Ereignisstrom endete vorzeitig');
      buffer += value;
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const data = event.split('\n').find((line) => line.startsWith('data: '));
        if (!data) continue;
        const status = JSON.parse(data.slice(6)) as ClusterStatus;
        seen.push(status);
        if (done(status)) return seen;
      }
    }
  } finally {
    await reader.cancel();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-clusters-kind-'));
  provider = new KindProvider({
    stateDir: join(dataDir, 'clusters'),
    kindBinary: toolchain().kind,
    nodeImages: [await nodeImage()],
    labImages: async () => [...(await labImages()), NOT_BUILT],
    addonManifests: async () => (await addonManifests()).slice(0, 1),
  });
});

afterAll(async () => {
  await runner?.close();
  await Promise.all(managers.map((item) => item.close()));
  for (const name of await provider.listOurs()) await provider.delete(name);
  await rm(dataDir, { recursive: true, force: true });
});

test('a learner starts their cluster from the page, sees German progress, and kubectl in their open terminal shows their own node', async () => {
  const config = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null };
  // Wired as `./werkbank start` wires it: the course's labs set up every new cluster.
  const labs = await loadOfferedLabs();
  const clusters = manager({ prepareCluster: labSetupPreparer(labs) });
  runner = await startRunner(config, { toolDirs: [await linkLearnerTools(dataDir)], clusters, loadedLabs: labs });
  learner = await newLearner(runner.url);
  learnerId = learnerIdOf(learner);
  const terminal = await TerminalClient.connect(runner.url, learner);
  await terminal.waitForPrompt();

  const started = performance.now();
  const response = await fetch(`${runner.url}/api/cluster`, { method: 'POST', headers: { origin: runner.url, cookie: learner.cookie } });
  expect(response.status).toBe(202);
  const events = await followEvents(runner.url, (status) => status.phase === 'ready' || status.phase === 'failed');
  const ready = events.at(-1)!;
  console.log(`[kind] Cluster über den Runner bereit nach ${((performance.now() - started) / 1000).toFixed(1)} s`);
  expect(ready.phase, ready.error?.output).toBe('ready');
  expect(ready.clusterName).toMatch(/^werkbank-[0-9a-f]{8}$/);
  const labels = ready.steps.map((step) => step.label);
  for (const label of [
    'Control Plane startet (kubeadm)',
    'Pod-Netzwerk wird eingerichtet',
    'Speicher (StorageClass) wird eingerichtet',
    'Lab-Images werden in den Cluster geladen',
    'Add-ons werden installiert (metrics-server, Traefik)',
    'Warten auf Knoten, CoreDNS und StorageClass',
    'Ausgangszustand der Labs wird eingerichtet',
  ]) expect(labels).toContain(label);
  expect(ready.steps.every((step) => step.state === 'done')).toBe(true);
  expect(ready.steps.find((step) => step.id === 'images')?.detail).toContain(NOT_BUILT);
  expect(ready.steps.find((step) => step.id === 'prepare-image')?.detail).toContain('werkbank/nginx:1');
  // Each step arrived as it happened, not all at the end.
  expect(events.filter((status) => status.phase === 'creating').length).toBeGreaterThan(3);

  // The shell was open before the cluster existed and reaches it without a restart.
  expect(await terminal.run('kubectl get nodes -o name', 30_000)).toContain(`node/${ready.clusterName}-control-plane`);
  expect(await terminal.run('echo "cluster=$KIND_CLUSTER_NAME"')).toContain(`cluster=${ready.clusterName}`);
  expect(terminal.text).toContain('Dein Cluster ist bereit');
  await terminal.close();

  // The lab images are in the node's container runtime, not only on the host.
  const images = await provider.execInNode(ready.clusterName!, ['crictl', 'images', '-o', 'json']);
  expect(images.stdout).toContain('docker.io/werkbank/nginx:1');
  // Its kubeconfig user is the learner's own, unlike kind's shared "kind-…" name.
  expect(await readFile(runner.clusters!.kubeconfigPathOf(learnerId), 'utf8')).toMatch(/user: werkbank-[0-9a-f]{8}@kind-werkbank-/);
});

test('after a restart the learner\'s cluster is adopted with what they made in it; the other runner\'s test cluster is left alone', async () => {
  const before = runner!.clusters!;
  const name = before.status(learnerId).clusterName!;
  const access = await before.clusterFor(learnerId);
  await access!.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({
    namespace: 'default',
    body: { metadata: { name: 'meine-arbeit' }, data: { stand: 'vor dem Neustart' } },
  });
  await runner!.close();
  runner = null;

  const after = manager();
  await after.ready;
  expect(after.status(learnerId).phase).toBe('ready');
  expect(after.status(learnerId).clusterName).toBe(name);
  const config = await after.clusterFor(learnerId);
  const kept = await config!.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'meine-arbeit', namespace: 'default' });
  expect(kept.data?.stand).toBe('vor dem Neustart');
  expect(await kindClusters()).toContain(inject('kindClusterName'));
  await after.close();
});

test('reset takes a warm pool cluster (ready in under 2 s), and an orphan left by a lost state file is deleted on the next start', async () => {
  const withPool = manager({ poolSize: 1 });
  await withPool.ready;
  const old = withPool.status(learnerId).clusterName!;
  // The pool fills in the background, like a runner waiting for its class.
  await expect.poll(async () => (await provider.listOurs()).length, { timeout: 300_000, interval: 2_000 }).toBe(2);
  const poolName = (await provider.listOurs()).find((cluster) => cluster !== old)!;
  await expect
    .poll(() => withPool.summary().find((cluster) => cluster.name === poolName)?.phase, { timeout: 300_000, interval: 1_000 })
    .toBe('ready');
  withPool.setPoolSize(0); // no third cluster on this small machine

  const resetStarted = performance.now();
  const status = await withPool.reset(learnerId);
  const resetSeconds = (performance.now() - resetStarted) / 1000;
  console.log(`[kind] Zurücksetzen mit Vorrat: bereit nach ${resetSeconds.toFixed(2)} s`);
  expect(status.phase).toBe('ready');
  expect(resetSeconds).toBeLessThan(2);
  await expect.poll(async () => provider.listOurs(), { timeout: 120_000, interval: 1_000 }).toEqual([poolName]);
  expect(withPool.status(learnerId).clusterName).toBe(poolName);
  expect(await nodeNames(withPool, learnerId)).toEqual([`${poolName}-control-plane`]);
  expect(await provider.listOurs()).toEqual([poolName]);
  await withPool.close();

  // A state file lost in a crash: nobody owns the cluster any more.
  await writeFile(join(dataDir, 'clusters', 'state.json'), JSON.stringify({ version: 1, provider: 'kind', clusters: [], createSeconds: [] }));
  const fresh = manager();
  await fresh.ready;
  expect(await provider.listOurs()).toEqual([]);
  expect(fresh.status(learnerId).phase).toBe('none');
  expect(await kindClusters()).toContain(inject('kindClusterName'));
});
