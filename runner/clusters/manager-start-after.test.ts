// `./werkbank start` serves before the images exist: the manager must neither adopt nor
// create clusters (its warm pool included) until the background preparation lets it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { ClusterManager } from './manager.ts';
import { FakeProvider } from './testing/fake-provider.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-start-after-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('the warm pool and adoption wait for the preparation, then start at once', async () => {
  const provider = new FakeProvider();
  let prepared!: () => void;
  const startAfter = new Promise<void>((resolve) => (prepared = resolve));
  let listed = 0;
  const listOurs = provider.listOurs.bind(provider);
  provider.listOurs = () => {
    listed++;
    return listOurs();
  };
  const manager = new ClusterManager({
    provider, dataDir, poolSize: 1, maxClusters: 3, idleTtlMs: 3600_000, memoryPerClusterMiB: 100, maxParallelCreates: 1,
    freeMemoryMiB: () => 16_000, log: () => {}, startAfter,
  });
  await settle();
  expect(listed).toBe(0);
  expect(provider.created).toEqual([]);
  prepared();
  await manager.ready;
  await settle();
  expect(listed).toBe(1);
  expect(provider.created).toHaveLength(1);
  await manager.close();
});

test('closing while the preparation still runs returns at once and leaves the records alone', async () => {
  const provider = new FakeProvider();
  const manager = new ClusterManager({
    provider, dataDir, poolSize: 1, maxClusters: 3, idleTtlMs: 3600_000, memoryPerClusterMiB: 100, maxParallelCreates: 1,
    freeMemoryMiB: () => 16_000, log: () => {}, startAfter: new Promise<void>(() => {}),
  });
  await manager.close();
  expect(provider.created).toEqual([]);
});
