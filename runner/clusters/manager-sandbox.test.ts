// The manager with sandboxes (in-memory provider): the learner's shell may start as soon
// as their sandbox runs, with their home in it; whatever happens to the sandbox (a failed
// creation, a reset), the home comes back to the host with everything in it.
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { learnerHome } from '../learner-dir.ts';
import { ClusterError } from './errors.ts';
import { ClusterManager } from './manager.ts';
import { FakeProvider } from './testing/fake-provider.ts';

const ALICE = 'aaaaaaaaaaaaaaaaaaaaaa';
let dataDir: string;
let manager: ClusterManager | null = null;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sandbox-manager-'));
});
afterEach(async () => {
  await manager?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function sandboxManager(provider: FakeProvider, poolSize = 0): ClusterManager {
  manager = new ClusterManager({
    provider,
    dataDir,
    poolSize,
    maxClusters: 4,
    idleTtlMs: 3600_000,
    memoryPerClusterMiB: 900,
    maxParallelCreates: 2,
    freeMemoryMiB: () => 16_000,
    log: () => {},
  });
  return manager;
}

async function aliceHomeWith(file: string, content: string): Promise<string> {
  const home = learnerHome(dataDir, ALICE);
  await mkdir(home, { recursive: true });
  await writeFile(join(home, file), content);
  return home;
}

test('the shell may start once the sandbox runs, before its cluster is ready, with the home inside', async () => {
  const provider = new FakeProvider({ autoFinish: false, slotRoot: join(dataDir, 'slots') });
  const clusters = sandboxManager(provider);
  const home = await aliceHomeWith('notiz.txt', 'von vorher\n');
  const shell = clusters.sandboxFor(ALICE);
  await new Promise((resolve) => setTimeout(resolve, 20));
  provider.shellReadyNext();
  const sandbox = await shell;
  expect(clusters.status(ALICE).phase).toBe('creating');
  expect(lstatSync(home).isSymbolicLink()).toBe(true);
  expect(await readFile(join(dataDir, 'slots', sandbox, 'notiz.txt'), 'utf8')).toBe('von vorher\n');
  // Inside the sandbox KUBECONFIG names the sandbox's own file, never one on the host.
  expect(clusters.envFor(ALICE)).toEqual({ KUBECONFIG: '/var/lib/werkbank/kubeconfig' });
  provider.finishNext();
});

test('a pool sandbox taken by a learner gets their home; a reset gives it back before the next one takes it', async () => {
  const provider = new FakeProvider({ slotRoot: join(dataDir, 'slots') });
  const clusters = sandboxManager(provider, 1);
  await clusters.ready;
  while (!clusters.summary().some((cluster) => cluster.phase === 'ready')) await new Promise((resolve) => setTimeout(resolve, 5));
  const home = await aliceHomeWith('notiz.txt', 'bleibt\n');
  const first = await clusters.sandboxFor(ALICE);
  expect(provider.created[0]).toBe(first);
  await writeFile(join(home, 'neu.txt'), 'in der Sandbox geschrieben\n');
  await clusters.reset(ALICE);
  const second = await clusters.sandboxFor(ALICE);
  expect(second).not.toBe(first);
  expect(provider.homeMoves.slice(0, 3)).toEqual([`in ${first}`, `out ${first}`, `in ${second}`]);
  expect(await readFile(join(home, 'notiz.txt'), 'utf8')).toBe('bleibt\n');
  expect(await readFile(join(home, 'neu.txt'), 'utf8')).toBe('in der Sandbox geschrieben\n');
});

test('a sandbox lost under a ready cluster (its pod deleted): the next shell gets a new sandbox with the home, the lost one is deleted', async () => {
  const provider = new FakeProvider({ slotRoot: join(dataDir, 'slots') });
  const lost = new Set<string>();
  Object.assign(provider.sandbox!, { lost: async (name: string) => lost.has(name) });
  const clusters = sandboxManager(provider);
  const home = await aliceHomeWith('notiz.txt', 'bleibt\n');
  const first = await clusters.sandboxFor(ALICE);
  await expect.poll(() => clusters.status(ALICE).phase).toBe('ready');
  expect(await clusters.sandboxFor(ALICE)).toBe(first);

  lost.add(first);
  lost.delete(await clusters.sandboxFor(ALICE));
  // A second sandbox was made (here under the same name, the first being deleted at once).
  expect(provider.created).toHaveLength(2);
  const second = provider.created[1]!;
  await expect.poll(() => provider.deleted).toEqual([first]);
  expect(provider.homeMoves.slice(0, 3)).toEqual([`in ${first}`, `out ${first}`, `in ${second}`]);
  expect(await readFile(join(home, 'notiz.txt'), 'utf8')).toBe('bleibt\n');
});

test('a sandbox that fails to start: the shell gets the German error, the home is back on the host', async () => {
  const provider = new FakeProvider({ autoFinish: false, slotRoot: join(dataDir, 'slots') });
  const clusters = sandboxManager(provider);
  const home = await aliceHomeWith('notiz.txt', 'nicht verlieren\n');
  const shell = clusters.sandboxFor(ALICE);
  const failure = expect(shell).rejects.toBeInstanceOf(ClusterError);
  await expect.poll(() => provider.pending.length).toBe(1);
  provider.failNext('kind: Control Plane startete nicht');
  await failure;
  await expect.poll(() => clusters.status(ALICE).phase).toBe('failed');
  expect(clusters.status(ALICE)).toMatchObject({ phase: 'failed', error: { retryable: true } });
  await expect.poll(() => existsSync(join(dataDir, 'slots', provider.created[0]!))).toBe(false);
  expect(lstatSync(home).isDirectory()).toBe(true);
  expect(await readFile(join(home, 'notiz.txt'), 'utf8')).toBe('nicht verlieren\n');
});

test('while the node and lab images are still made, every learner gets a shell; the clusters then go on one creation slot at a time', async () => {
  const provider = new FakeProvider({ autoFinish: false, slotRoot: join(dataDir, 'slots') });
  let piecesReady!: () => void;
  manager = new ClusterManager({
    provider, dataDir, poolSize: 0, maxClusters: 4, idleTtlMs: 3600_000, memoryPerClusterMiB: 900,
    maxParallelCreates: 1, freeMemoryMiB: () => 16_000, log: () => {},
    clusterAfter: new Promise<void>((resolve) => (piecesReady = resolve)),
  });
  const learners = ['a'.repeat(22), 'b'.repeat(22), 'c'.repeat(22)];
  const shells = learners.map((learner) => manager!.sandboxFor(learner));
  // One slot, three learners: each sandbox starts and its shell is ready while its cluster waits.
  for (let index = 0; index < learners.length; index++) {
    await expect.poll(() => provider.pending.length).toBe(index + 1);
    provider.pending[index]!.shellReady();
  }
  expect((await Promise.all(shells)).length).toBe(3);

  const goesOn: string[] = [];
  provider.pending.forEach((entry) => void entry.clusterPiecesPending!.then(() => goesOn.push(entry.name)));
  piecesReady();
  await expect.poll(() => goesOn).toEqual([provider.pending[0]!.name]);
  // The first cluster done, the next in line goes on.
  const first = provider.finishNext();
  await expect.poll(() => goesOn.length).toBe(2);
  expect(goesOn).toEqual([first, provider.pending[0]!.name]);
});
