// A learner's cluster through the runner, against bare kind on the same node image:
//   - cold create: `kind create cluster` + waiting for node/CoreDNS/StorageClass, versus
//     the runner's whole path (kind, lab images, add-ons, ready), with its phases
//     (target ratio ≤ 1.1 for the kind part);
//   - warm pool hit: a learner starting while a pool cluster is ready (target < 2 s);
//   - memory of an idle kind cluster, and how many fit in this machine's free memory;
//   - kwok: a cluster per learner (create time, memory) and, for very large classes,
//     one shared kwok cluster with a namespace per learner (the "existing" provider).
//
//   node bench/cluster-create.ts [pairs=2] [kwokClusters=3] [sharedLearners=100] [--rebake]
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeImage } from '../checks/testing/kind-cluster.ts';
import { addonManifests, labImages } from '../docker/images/images.ts';
import { toolchain } from '../docker/toolchain/paths.ts';
import { processRunner } from '../runner/clusters/commands.ts';
import { KindProvider } from '../runner/clusters/kind-provider.ts';
import { KwokProvider } from '../runner/clusters/kwok-provider.ts';
import { ExistingClusterProvider } from '../runner/clusters/existing-provider.ts';
import { ClusterManager, type ClusterStatus } from '../runner/clusters/manager.ts';
import { bareKindSeconds, containerMemoryMiB, untilReady } from './kind-measure.ts';
import { median } from './stats.ts';
import type { ClusterProvider } from '../runner/clusters/provider.ts';
import { waitUntil } from '../runner/wait.ts';

const numbers = process.argv.slice(2).filter((arg) => !arg.startsWith('--')).map(Number);
const [pairs = 2, kwokCount = 3, sharedLearners = 100] = numbers;
const rebake = process.argv.includes('--rebake');
const tools = toolchain();
const image = await nodeImage();
const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-bench-clusters-'));
const seconds = (from: number) => (performance.now() - from) / 1000;
const mib = (bytes: number) => bytes / (1 << 20);


function manager(provider: ClusterProvider, poolSize = 0): ClusterManager {
  return new ClusterManager({
    provider,
    dataDir,
    poolSize,
    maxClusters: 4,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 300,
    maxParallelCreates: 1,
    log: () => {},
  });
}


// 1. The image every cluster starts from: the node image with the lab images baked in.
const kind = new KindProvider({
  stateDir: join(dataDir, 'clusters'),
  kindBinary: tools.kind,
  nodeImages: [image],
  labImages,
  addonManifests,
  log: () => {},
});
if (rebake) {
  const stale = await processRunner.run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', `${image.split(':')[0]}-labs`]);
  for (const old of stale.stdout.split('\n').filter(Boolean)) await processRunner.run('docker', ['rmi', old]);
}
let started = performance.now();
const clusterImage = await kind.clusterImage();
console.log(`Node-Image mit Lab-Images (${clusterImage.baked.length} Images): ${seconds(started).toFixed(1)} s${rebake ? ' (neu gebaut)' : ' (vorhanden geprüft)'} → ${clusterImage.image}`);

// 2. Bare kind and the runner on that same image, alternating so load from other work
// on the machine hits both alike.

const clusters = manager(kind);
await clusters.ready;
const bareSeconds: number[] = [];
const runnerSeconds: number[] = [];
let cold: ClusterStatus | null = null;
for (let pair = 1; pair <= pairs; pair++) {
  bareSeconds.push(await bareKindSeconds(clusterImage.image, join(dataDir, 'bare.kubeconfig')));
  const learner = `benchlearner0000000000${pair}`;
  started = performance.now();
  await clusters.start(learner);
  cold = await untilReady(clusters, learner);
  runnerSeconds.push(seconds(started));
  console.log(`Paar ${pair}: kind bar ${bareSeconds.at(-1)!.toFixed(1)} s, Runner ${runnerSeconds.at(-1)!.toFixed(1)} s (beide bis Knoten/CoreDNS/StorageClass bereit)`);
  if (pair < pairs) await clusters.release(learner);
}
for (const step of cold!.steps) console.log(`  ${step.label}: ${(((step.endedAt ?? step.startedAt) - step.startedAt) / 1000).toFixed(1)} s${step.detail ? ` (${step.detail})` : ''}`);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
console.log(
  `Kalt erstellt: kind bar Median ${median(bareSeconds).toFixed(1)} s / Mittel ${mean(bareSeconds).toFixed(1)} s, ` +
    `Runner Median ${median(runnerSeconds).toFixed(1)} s / Mittel ${mean(runnerSeconds).toFixed(1)} s → ` +
    `Verhältnis (Mittel) ${(mean(runnerSeconds) / mean(bareSeconds)).toFixed(2)}`,
);

// 3. A warm pool: the next learner takes a ready cluster.
clusters.setPoolSize(1);
await waitUntil('ein Vorrat-Cluster bereit', () => clusters.summary().some((cluster) => cluster.owner === null && cluster.phase === 'ready'), {
  timeoutMs: 60 * 60_000,
  intervalMs: 500,
});
clusters.setPoolSize(0);
started = performance.now();
const hit = await clusters.start('benchlearnerpool000001');
const hitMs = performance.now() - started;
console.log(`Vorrat-Treffer: ${hit.phase} nach ${hitMs.toFixed(0)} ms`);

// 4. Idle memory of the two kind clusters (everything settled for 30 s).
await new Promise((resolve) => setTimeout(resolve, 30_000));
const memories = await Promise.all(clusters.summary().map((cluster) => containerMemoryMiB(`${cluster.name}-control-plane`)));
const perKind = memories.reduce((sum, value) => sum + value, 0) / memories.length;
console.log(`Speicher je kind-Cluster im Leerlauf: ${memories.map((value) => value.toFixed(0)).join(', ')} MiB (Mittel ${perKind.toFixed(0)} MiB); frei: ${mib(freemem()).toFixed(0)} MiB → Platz für etwa ${Math.floor((mib(freemem()) - 1024) / perKind)} weitere`);
await clusters.release(`benchlearner0000000000${pairs}`);
await clusters.release('benchlearnerpool000001');
await clusters.close();

// 5. kwok clusters: create time and resident memory of their processes.
const kwok = new KwokProvider({ stateDir: join(dataDir, 'kwok-state'), tools });
const kwokSeconds: number[] = [];
for (let index = 0; index < kwokCount; index++) {
  started = performance.now();
  await kwok.create(`werkbank-bench-${index}`, () => {});
  kwokSeconds.push(seconds(started));
}
await new Promise((resolve) => setTimeout(resolve, 10_000));
let rssKiB = 0;
const pidRoot = join(dataDir, 'kwok-state', 'kwok', 'clusters');
for (const name of await readdir(pidRoot)) {
  for (const file of await readdir(join(pidRoot, name, 'pids')).catch(() => [] as string[])) {
    const pid = (await readFile(join(pidRoot, name, 'pids', file), 'utf8')).trim();
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rssKiB += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
}
const perKwok = rssKiB / 1024 / kwokCount;
console.log(`kwok: ${kwokSeconds.map((value) => value.toFixed(1)).join(', ')} s je Cluster; Speicher (RSS) ${perKwok.toFixed(0)} MiB je Cluster → Platz für etwa ${Math.floor((mib(freemem()) - 1024) / perKwok)} weitere`);
for (const name of await kwok.listOurs()) await kwok.delete(name);

// 6. One kwok cluster shared by a whole class, a namespace and token per learner.
async function clusterRssMiB(name: string): Promise<number> {
  let kib = 0;
  const pids = join(pidRoot, name, 'pids');
  for (const file of await readdir(pids).catch(() => [] as string[])) {
    const pid = (await readFile(join(pids, file), 'utf8')).trim();
    kib += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''))?.[1] ?? 0);
  }
  return kib / 1024;
}
const shared = await kwok.create('werkbank-bench-shared', () => {});
const rssBefore = await clusterRssMiB('werkbank-bench-shared');
const existing = new ExistingClusterProvider({ stateDir: join(dataDir, 'shared-state'), kubeconfigPath: shared.adminKubeconfigPath });
started = performance.now();
for (let index = 0; index < sharedLearners; index++) {
  const namespace = `werkbank-learner-${index}`;
  await existing.create(namespace, () => {});
  await existing.kubeconfig(namespace, `sharedlearner${String(index).padStart(9, '0')}`);
}
const sharedSeconds = seconds(started);
await new Promise((resolve) => setTimeout(resolve, 5_000));
const rssAfter = await clusterRssMiB('werkbank-bench-shared');
console.log(`Geteilter kwok-Cluster: ${sharedLearners} Lernende (Namespace + Token) in ${sharedSeconds.toFixed(1)} s; Speicher ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB (${((rssAfter - rssBefore) / sharedLearners).toFixed(1)} MiB je Lernendem)`);
await kwok.delete('werkbank-bench-shared');
await rm(dataDir, { recursive: true, force: true });
