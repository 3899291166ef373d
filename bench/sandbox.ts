// Learner sandboxes (shell, Docker and kind cluster in a container per learner), measured
// in one run against today's bare kind cluster on the same node image:
//   - sandbox + cluster created, versus bare `kind create cluster` until ready, pairs
//     alternating (target ratio ≤ 1.2), with the sandbox's phases;
//   - a warm pool hit: a learner starting while a pool sandbox is ready (target < 2 s);
//   - page open → prompt through the real websocket, a new shell each time (median of
//     10, target < 500 ms);
//   - memory of an idle sandbox, and how many this machine holds by memory and by cores.
//
//   node bench/sandbox.ts [pairs=2] [prompts=10]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeImage } from '../checks/testing/kind-cluster.ts';
import { addonManifests, labImages } from '../docker/images/images.ts';
import { toolchain } from '../docker/toolchain/paths.ts';
import { loadClusterConfig } from '../runner/clusters/config.ts';
import { KindProvider } from '../runner/clusters/kind-provider.ts';
import { ClusterManager, type ClusterStatus } from '../runner/clusters/manager.ts';
import { SandboxProvider } from '../runner/clusters/sandbox-provider.ts';
import { loadConfig, repoRoot } from '../runner/config.ts';
import { startRunner } from '../runner/server.ts';
import { newLearner, TerminalClient } from '../runner/testing/terminal-client.ts';
import { waitUntil } from '../runner/wait.ts';
import { bareKindSeconds, containerMemoryMiB, untilReady } from './kind-measure.ts';
import { median } from './stats.ts';

const [pairs = 2, prompts = 10] = process.argv.slice(2).map(Number);
const tools = toolchain();
const image = await nodeImage();
const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-bench-sandbox-'));
const seconds = (from: number) => (performance.now() - from) / 1000;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const quiet = () => {};



const kind = new KindProvider({ stateDir: join(dataDir, 'kind'), kindBinary: tools.kind, nodeImages: [image], labImages, addonManifests, log: quiet });
const sandbox = new SandboxProvider({
  stateDir: join(dataDir, 'clusters'),
  dataDir,
  sandboxImage: `werkbank/sandbox:v${tools.versions.kubernetes}`,
  nodeImages: [image],
  labImages,
  addonManifests,
  labsDir: join(repoRoot, 'labs'),
  log: quiet,
});
const clusterImage = await kind.clusterImage();


// The first sandbox also loads the seed volume once; that is set-up, not per learner.
let started = performance.now();
const warmup = await sandbox.create('werkbank-bench-warmup', quiet);
console.log(`Erste Sandbox (mit Sandbox-Grundlage, falls neu): ${seconds(started).toFixed(1)} s`);
await sandbox.delete(warmup.name);

const clusters = new ClusterManager({ provider: sandbox, dataDir, poolSize: 0, maxClusters: 4, idleTtlMs: 3600_000, memoryPerClusterMiB: 900, maxParallelCreates: 1, log: quiet });
await clusters.ready;
const bareSeconds: number[] = [];
const sandboxSeconds: number[] = [];
let cold: ClusterStatus | null = null;
for (let pair = 1; pair <= pairs; pair++) {
  bareSeconds.push(await bareKindSeconds(clusterImage.image, join(dataDir, 'bare.kubeconfig')));
  const learner = `benchsandbox0000000000${pair}`;
  started = performance.now();
  await clusters.start(learner);
  cold = await untilReady(clusters, learner);
  sandboxSeconds.push(seconds(started));
  console.log(`Paar ${pair}: kind bar ${bareSeconds.at(-1)!.toFixed(1)} s, Sandbox mit Cluster ${sandboxSeconds.at(-1)!.toFixed(1)} s (bis Knoten/CoreDNS/StorageClass bereit, mit Add-ons)`);
  if (pair < pairs) await clusters.release(learner);
}
for (const step of cold!.steps) console.log(`  ${step.label}: ${(((step.endedAt ?? step.startedAt) - step.startedAt) / 1000).toFixed(1)} s`);
console.log(
  `Kalt erstellt: kind bar Mittel ${mean(bareSeconds).toFixed(1)} s, Sandbox mit Cluster Mittel ${mean(sandboxSeconds).toFixed(1)} s → ` +
    `Verhältnis ${(mean(sandboxSeconds) / mean(bareSeconds)).toFixed(2)} (Ziel ≤ 1,2)`,
);

clusters.setPoolSize(1);
await waitUntil('ein Vorrat-Cluster bereit', () => clusters.summary().some((cluster) => cluster.owner === null && cluster.phase === 'ready'), {
  timeoutMs: 60 * 60_000,
  intervalMs: 500,
});
clusters.setPoolSize(0);
started = performance.now();
const hit = await clusters.start('benchsandboxpool000001');
console.log(`Vorrat-Treffer: ${hit.phase} nach ${(performance.now() - started).toFixed(0)} ms (Ziel < 2 s)`);

// Page open → prompt: a new shell in the learner's ready sandbox each time (no grace).
const runner = await startRunner({ ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null, terminalGraceMs: 0 }, { clusters, labs: [] });
const learner = await newLearner(runner.url);
const first = await TerminalClient.connect(runner.url, learner);
await first.waitForPrompt(600_000);
await first.close();
const promptMs: number[] = [];
for (let index = 0; index < prompts; index++) {
  await new Promise((resolve) => setTimeout(resolve, 300));
  started = performance.now();
  const terminal = await TerminalClient.connect(runner.url, learner);
  await terminal.waitForPrompt(30_000);
  promptMs.push(performance.now() - started);
  await terminal.close();
}
console.log(`Seite offen → Prompt (neue Shell in der Sandbox): Median ${median(promptMs).toFixed(0)} ms, max ${Math.max(...promptMs).toFixed(0)} ms (Ziel < 500 ms)`);

await new Promise((resolve) => setTimeout(resolve, 30_000));
const names = clusters.summary().map((cluster) => cluster.name);
const memories = await Promise.all(names.map(containerMemoryMiB));
const perSandbox = mean(memories);
const config = loadClusterConfig();
const byMemory = Math.floor((freemem() / (1 << 20) - 1024) / perSandbox) + names.length;
console.log(
  `Speicher je Sandbox im Leerlauf (Shell, Docker, kind-Cluster mit Add-ons): ${memories.map((value) => value.toFixed(0)).join(', ')} MiB → ` +
    `der Speicher reicht für etwa ${byMemory} Lernende; die Voreinstellung erlaubt ${config.maxClusters} (${availableParallelism()} Kerne × 4: die Kerne begrenzen, siehe bench/kind-capacity.ts)`,
);

await runner.close();
for (const name of await sandbox.listOurs()) await sandbox.delete(name);
await rm(dataDir, { recursive: true, force: true });
