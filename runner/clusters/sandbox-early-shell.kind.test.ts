// A real sandbox started while `./werkbank start` still makes the node image: the learner's
// terminal works at once in a sandbox whose own Docker is empty (nothing of the host in
// it), and once the image is there it is loaded into that Docker and the learner's cluster
// comes up; the open shell reaches it without reconnecting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { toolchain } from '../../docker/toolchain/paths.ts';
import { processRunner } from './commands.ts';
import { loadConfig, repoRoot } from '../config.ts';
import { startRunner, type Runner } from '../server.ts';
import { learnerIdOf, newLearner, TerminalClient, type Learner } from '../testing/terminal-client.ts';
import { ClusterManager } from './manager.ts';
import { LABELS, SandboxProvider } from './sandbox-provider.ts';

let dataDir: string;
let runner: Runner;
let manager: ClusterManager;
let provider: SandboxProvider;
let learner: Learner;
let terminal: TerminalClient;
let imagesReady!: () => void;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-early-'));
  const tools = toolchain();
  provider = new SandboxProvider({
    stateDir: join(dataDir, 'clusters'),
    dataDir,
    sandboxImage: `werkbank/sandbox:v${tools.versions.kubernetes}`,
    nodeImages: [`werkbank/kind-node:v${tools.versions.kubernetes}`],
    // The node image alone: baking lab images in is the seed path's business, not this test's.
    labImages: async () => [],
    addonManifests: async () => [],
    labsDir: join(repoRoot, 'labs'),
  });
  manager = new ClusterManager({
    provider, dataDir, poolSize: 0, maxClusters: 2, idleTtlMs: 3600_000, memoryPerClusterMiB: 900, maxParallelCreates: 1,
    // The shell's pieces are there; the cluster's come when the test says so.
    startAfter: Promise.resolve(),
    clusterAfter: new Promise<void>((resolve) => (imagesReady = resolve)),
  });
  runner = await startRunner({ ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null }, { clusters: manager, labs: [] });
  learner = await newLearner(runner.url);
}, 120_000);

afterAll(async () => {
  await terminal?.close().catch(() => {});
  await runner?.close();
  for (const name of await provider.listOurs().catch(() => [])) await provider.delete(name).catch(() => {});
  const volumes = await processRunner.run('docker', ['volume', 'ls', '-q', '--filter', `label=${LABELS.dataDir}=${dataDir}`], { timeoutMs: 30_000 });
  for (const volume of volumes.stdout.split('\n').filter(Boolean)) await processRunner.run('docker', ['volume', 'rm', '-f', volume], { timeoutMs: 60_000 });
  await rm(dataDir, { recursive: true, force: true });
});

test('the terminal works before the node image exists, and the cluster follows once it does', async () => {
  terminal = await TerminalClient.connect(runner.url, learner);
  await terminal.waitForPrompt(300_000);
  const id = learnerIdOf(learner);
  expect(manager.status(id).phase).toBe('creating');
  // The learner's own Docker, empty; no host socket anywhere.
  expect(await terminal.run('docker images --quiet | wc -l; test -S /var/run/docker.sock && echo eigenes-docker', 60_000)).toMatch(/^\s*0\s+eigenes-docker\s*$/m);
  expect(await terminal.run('echo "zwei mal drei = $((2 * 3))"', 30_000)).toContain('zwei mal drei = 6');

  imagesReady();
  const deadline = Date.now() + 540_000;
  while (manager.status(id).phase !== 'ready') {
    const status = manager.status(id);
    if (status.phase === 'failed') throw new Error(`Sandbox fehlgeschlagen: ${status.message}\n${status.error?.output}`);
    if (Date.now() > deadline) throw new Error(`Cluster nicht bereit: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  // The same shell, now with its cluster (its kubeconfig is re-read at the prompt).
  expect(await terminal.run('kubectl get nodes --no-headers', 60_000)).toMatch(/kind-control-plane\s+Ready/);
});

test('a sandbox that stopped under the learner (its init killed) is started again at their next shell, with their files and cluster', async () => {
  const id = learnerIdOf(learner);
  expect(await terminal.run('echo "bleibt $((20 + 22))" > ~/notiz.txt && echo gespeichert', 30_000)).toContain('gespeichert');
  const [sandbox] = await provider.listOurs();
  // As when the learner's programs use up the sandbox's memory and its init is killed.
  const killed = await processRunner.run('docker', ['kill', sandbox!], { timeoutMs: 60_000 });
  expect(killed.code).toBe(0);
  await terminal.close().catch(() => {});

  terminal = await TerminalClient.connect(runner.url, learner);
  await terminal.waitForPrompt(300_000);
  expect(await provider.listOurs()).toEqual([sandbox]);
  expect(manager.status(id).phase).toBe('ready');
  expect(await terminal.run('cat ~/notiz.txt', 30_000)).toContain('bleibt 42');
  // The shell came once the cluster answered again: the learner's first command works.
  expect(await terminal.run('kubectl get nodes --no-headers', 60_000)).toMatch(/kind-control-plane\s+Ready/);
});
